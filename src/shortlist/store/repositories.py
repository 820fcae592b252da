"""Repositories of editions: categories, entries and credits, and the member roll.

They read and write rows and hand back domain objects; they decide nothing (the services do).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    insert,
    select,
)

from shortlist.domain.codec import round_from_dict, round_to_dict
from shortlist.domain.errors import Conflict, NotFound
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import (
    Branch,
    Category,
    Credit,
    Edition,
    Entry,
    Member,
    MemberStatus,
)
from shortlist.store import tables as t
from shortlist.store.records import OnRoll

#: A member on an edition's roll (the edition by key) with the edition's time zone, in one query.
_ON_ROLL = (
    select(
        t.members.c.number, t.members.c.name, t.members.c.email, t.editions.c.id,
        t.editions.c.timezone, t.members.c.timezone.label("member_timezone"),
    )
    .join_from(t.members, t.editions, t.members.c.edition_id == t.editions.c.id)
    .where(
        and_(t.editions.c.key == bindparam("edition"), t.members.c.number == bindparam("number"))
    )
)  # fmt: skip

_MEMBER = select(t.members.c.number).where(
    and_(
        t.members.c.edition_id == bindparam("edition_id"),
        t.members.c.number == bindparam("number"),
    )
)


class Editions:
    """Editions, their categories and entries, and the roll.

    Entries and keys never change once an edition is loaded, so a unit of work reads each
    category's entries once (``_entries``, ``_ids``).
    """

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._entries: dict[int, dict[str, Entry]] = {}
        self._ids: dict[int, dict[str, int]] = {}
        self._categories: dict[tuple[int, str], int] = {}
        self._editions: dict[str, int] = {}
        self._on_roll: dict[tuple[str, str], OnRoll] = {}

    def add(self, edition: Edition, at: datetime) -> int:
        if self.find_id(edition.key) is not None:
            raise Conflict(f"edition {edition.key!r} is already loaded")
        edition_id = self.c.execute(
            insert(t.editions).values(
                key=edition.key, name=edition.name, body=edition.body,
                timezone=edition.timezone, category_quota=edition.category_quota, loaded_at=at,
            )
        ).inserted_primary_key[0]  # type: ignore[index]  # fmt: skip
        if edition.branches:
            self.c.execute(
                insert(t.branches),
                [
                    {"edition_id": edition_id, "code": b.code, "name": b.name, "position": i}
                    for i, b in enumerate(edition.branches)
                ],
            )
        for position, category in enumerate(edition.categories):
            self._add_category(edition_id, position, category)
        return int(edition_id)

    def _add_category(self, edition_id: int, position: int, category: Category) -> None:
        category_id = self.c.execute(
            insert(t.categories).values(
                edition_id=edition_id, key=category.key, name=category.name, position=position
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        self.add_entries(category_id, category.entries)
        if not category.rounds:
            return
        self.c.execute(
            insert(t.rounds),
            [
                {"category_id": category_id, "key": spec.key, "position": i,
                 "spec": round_to_dict(spec), "status": RoundStatus.DRAFT.value}
                for i, spec in enumerate(category.rounds)
            ],
        )  # fmt: skip

    def add_entries(self, category_id: int, entries: Sequence[Entry], start: int = 0) -> None:
        if not entries:
            return
        self.c.execute(
            insert(t.entries),
            [
                {"category_id": category_id, "key": e.key, "title": e.title, "position": start + i}
                for i, e in enumerate(entries)
            ],
        )
        ids = dict(
            self.c.execute(
                select(t.entries.c.key, t.entries.c.id).where(
                    t.entries.c.category_id == category_id
                )
            ).all()
        )
        rows = [
            {"entry_id": ids[e.key], "person": c.person, "role": c.role, "member": c.member}
            for e in entries
            for c in e.credits
        ]
        if rows:
            self.c.execute(insert(t.credits), rows)

    def find_id(self, key: str) -> int | None:
        if key not in self._editions:
            found = self.c.execute(select(t.editions.c.id).where(t.editions.c.key == key)).scalar()
            if found is None:
                return None
            self._editions[key] = int(found)
        return self._editions[key]

    def id_of(self, key: str) -> int:
        found = self.find_id(key)
        if found is None:
            raise NotFound(f"no edition {key!r} (load it with `shortlist edition load`)")
        return found

    def keys(self) -> list[str]:
        return list(self.c.execute(select(t.editions.c.key).order_by(t.editions.c.key)).scalars())

    def get(self, key: str) -> Edition:
        edition_id = self.id_of(key)
        row = self.c.execute(select(t.editions).where(t.editions.c.id == edition_id)).one()
        branches = tuple(
            Branch(r.code, r.name)
            for r in self.c.execute(
                select(t.branches)
                .where(t.branches.c.edition_id == edition_id)
                .order_by(t.branches.c.position)
            )
        )
        cats = self.c.execute(
            select(t.categories)
            .where(t.categories.c.edition_id == edition_id)
            .order_by(t.categories.c.position)
        ).all()
        categories = tuple(
            Category(c.key, c.name, tuple(self.entries(c.id)), tuple(self._specs(c.id)))
            for c in cats
        )
        return Edition(
            row.key, row.name, row.body, row.timezone, branches, categories, row.category_quota
        )

    def _specs(self, category_id: int) -> list[Any]:
        rows = self.c.execute(
            select(t.rounds.c.spec)
            .where(t.rounds.c.category_id == category_id)
            .order_by(t.rounds.c.position)
        ).scalars()
        return [round_from_dict(spec) for spec in rows]

    def quota(self, edition_id: int) -> int | None:
        found = self.c.execute(
            select(t.editions.c.category_quota).where(t.editions.c.id == edition_id)
        ).scalar()
        return None if found is None else int(found)

    def category_id(self, edition_id: int, key: str) -> int:
        if (edition_id, key) not in self._categories:
            found = self.c.execute(
                select(t.categories.c.id).where(
                    and_(t.categories.c.edition_id == edition_id, t.categories.c.key == key)
                )
            ).scalar()
            if found is None:
                raise NotFound(f"no category {key!r} in this edition")
            self._categories[edition_id, key] = int(found)
        return self._categories[edition_id, key]

    def entries(self, category_id: int, keys: Iterable[str] | None = None) -> list[Entry]:
        """The category's entries in ballot order (or those named in ``keys``, in that order)."""
        if category_id not in self._entries:
            self._entries[category_id] = self._read_entries(category_id)
        found = self._entries[category_id]
        if keys is None:
            return list(found.values())
        return [found[k] for k in keys if k in found]

    def _read_entries(self, category_id: int) -> dict[str, Entry]:
        rows = self.c.execute(
            select(t.entries)
            .where(t.entries.c.category_id == category_id)
            .order_by(t.entries.c.position)
        ).all()
        credits: dict[int, list[Credit]] = defaultdict(list)
        ids = [r.id for r in rows]
        for c in self.c.execute(
            select(t.credits).where(t.credits.c.entry_id.in_(ids)).order_by(t.credits.c.id)
        ):
            credits[c.entry_id].append(Credit(c.person, c.role, c.member))
        return {r.key: Entry(r.key, r.title, tuple(credits[r.id])) for r in rows}

    def credited(self, category_id: int) -> list[tuple[str, str]]:
        """``(member, entry key)`` for every credit naming a member in the category."""
        query = (
            select(t.credits.c.member, t.entries.c.key)
            .join_from(t.credits, t.entries)
            .where(and_(t.entries.c.category_id == category_id, t.credits.c.member.is_not(None)))
            .order_by(t.credits.c.member, t.entries.c.key)
        )
        return [(m, k) for m, k in self.c.execute(query).all()]

    def entry_ids(self, category_id: int) -> dict[str, int]:
        if category_id not in self._ids:
            query = select(t.entries.c.key, t.entries.c.id).where(
                t.entries.c.category_id == category_id
            )
            self._ids[category_id] = {k: i for k, i in self.c.execute(query).all()}
        return self._ids[category_id]

    # -- the roll ----------------------------------------------------------------------------

    def put_members(self, edition_id: int, members: Sequence[Member]) -> tuple[int, int]:
        """Add new members and replace existing ones; ``(added, updated)``."""
        known = set(
            self.c.execute(
                select(t.members.c.number).where(t.members.c.edition_id == edition_id)
            ).scalars()
        )
        numbers = [m.number for m in members]
        updated = [n for n in numbers if n in known]
        for chunk in _chunks(updated, 500):
            self.c.execute(
                delete(t.members).where(
                    and_(t.members.c.edition_id == edition_id, t.members.c.number.in_(chunk))
                )
            )
            self.c.execute(
                delete(t.member_branches).where(
                    and_(
                        t.member_branches.c.edition_id == edition_id,
                        t.member_branches.c.number.in_(chunk),
                    )
                )
            )
        if members:
            self.c.execute(
                insert(t.members),
                [{"edition_id": edition_id, "number": m.number, "name": m.name,
                  "status": m.status.value, "email": m.email, "timezone": m.timezone}
                 for m in members],
            )  # fmt: skip
        rows = [
            {"edition_id": edition_id, "number": m.number, "branch": b}
            for m in members
            for b in sorted(m.branches)
        ]
        if rows:
            self.c.execute(insert(t.member_branches), rows)
        return len(members) - len(updated), len(updated)

    def members(self, edition_id: int) -> list[Member]:
        branches: dict[str, set[str]] = defaultdict(set)
        for number, branch in self.c.execute(
            select(t.member_branches.c.number, t.member_branches.c.branch).where(
                t.member_branches.c.edition_id == edition_id
            )
        ).all():
            branches[number].add(branch)
        rows = self.c.execute(
            select(t.members)
            .where(t.members.c.edition_id == edition_id)
            .order_by(t.members.c.number)
        )
        return [_member(r, branches[r.number]) for r in rows]

    def has_member(self, edition_id: int, number: str) -> bool:
        row = self.c.execute(_MEMBER, {"edition_id": edition_id, "number": number}).first()
        return row is not None

    def on_roll(self, edition: str, number: str) -> OnRoll | None:
        """Member ``number`` on the roll of edition ``edition`` (its key), with what a receipt
        e-mail needs; None when the edition or the member is not there."""
        if (edition, number) in self._on_roll:  # read once per unit of work (a cast asks twice)
            return self._on_roll[edition, number]
        row = self.c.execute(_ON_ROLL, {"edition": edition, "number": number}).first()
        if row is None:
            return None
        found = self._on_roll[edition, number] = OnRoll(
            row.number, row.name, row.email, row.id, row.timezone, row.member_timezone
        )
        return found

    def member(self, edition_id: int, number: str) -> Member:
        row = self.c.execute(
            select(t.members).where(
                and_(t.members.c.edition_id == edition_id, t.members.c.number == number)
            )
        ).first()
        if row is None:
            raise NotFound(f"no member {number!r} on this edition's roll")
        codes = self.c.execute(
            select(t.member_branches.c.branch).where(
                and_(
                    t.member_branches.c.edition_id == edition_id,
                    t.member_branches.c.number == number,
                )
            )
        ).scalars()
        return _member(row, set(codes))


def _member(row: Row[Any], branches: set[str]) -> Member:
    status = MemberStatus(row.status)
    return Member(row.number, row.name, status, frozenset(branches), row.email, row.timezone)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
