"""Loading an edition and its roll."""

from __future__ import annotations

from dataclasses import dataclass

from shortlist.domain.errors import EditionError, Problem
from shortlist.domain.model import Edition, Member
from shortlist.service.clock import Clock
from shortlist.store.database import UnitOfWork


@dataclass(frozen=True)
class Loaded:
    edition: str
    categories: int
    entries: int
    rounds: int
    members: int


def check_roll(edition: Edition, members: list[Member], source: str = "roll") -> None:
    """Every member's branches must be the edition's; credits must name members on the roll."""
    codes = {b.code for b in edition.branches}
    numbers = {m.number for m in members}
    problems = [
        Problem(source, "branches", f"member {m.number}: unknown branch {b!r}")
        for m in members
        for b in sorted(m.branches - codes)
    ]
    problems += [
        Problem(source, f"{c.key}.{e.key}", f"credit names member {cr.member!r}, not on the roll")
        for c in edition.categories
        for e in c.entries
        for cr in e.credits
        if cr.member and cr.member not in numbers
    ]
    if problems:
        raise EditionError(problems)


def load_edition(
    uow: UnitOfWork, edition: Edition, members: list[Member], clock: Clock, actor: str
) -> Loaded:
    """Store a checked edition and its roll, in draft."""
    check_roll(edition, members)
    now = clock.now()
    edition_id = uow.editions.add(edition, now)
    uow.editions.put_members(edition_id, members)
    loaded = Loaded(
        edition.key,
        len(edition.categories),
        sum(len(c.entries) for c in edition.categories),
        sum(len(c.rounds) for c in edition.categories),
        len(members),
    )
    uow.audit.write(now, actor, "edition.load", edition.key, detail=loaded.__dict__)
    uow.commit()
    return loaded


def import_members(
    uow: UnitOfWork,
    edition_key: str,
    members: list[Member],
    clock: Clock,
    actor: str,
    reason: str = "",
) -> tuple[int, int]:
    """Add or replace members on an edition's roll; ``(added, updated)``.

    A round already open keeps the electorate it snapshotted when it opened.
    """
    edition = uow.editions.get(edition_key)
    codes = {b.code for b in edition.branches}
    problems = [
        Problem("roll", "branches", f"member {m.number}: unknown branch {b!r}")
        for m in members
        for b in sorted(m.branches - codes)
    ]
    if problems:
        raise EditionError(problems)
    added, updated = uow.editions.put_members(uow.editions.id_of(edition_key), members)
    uow.audit.write(
        clock.now(), actor, "members.import", edition_key, reason,
        {"added": added, "updated": updated},
    )  # fmt: skip
    uow.commit()
    return added, updated
