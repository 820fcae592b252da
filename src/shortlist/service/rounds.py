"""Administering a round: open, close, count, announce, advance; turnout at any time.

A round opens inside its window with its slate checked and its electorate snapshotted, and gets
a fresh secret for the ballot pseudonyms. Closing (at the window's end, or early with a reason)
destroys that secret and re-keys the box before anything is counted. A round opens only once
sealed (an election key, :mod:`shortlist.service.sealing`); counting needs it closed and then
unsealed by its custodians; announcing waits for the embargo; only an announced outcome becomes
the next slate.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from shortlist.domain.errors import BallotRefused, LifecycleError
from shortlist.domain.lifecycle import RoundStatus, check_step
from shortlist.domain.model import ElectorateKind, PublicationMode, SlateSource
from shortlist.domain.times import human
from shortlist.errors import CountError
from shortlist.service import board, commitments, counting
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord
from shortlist.store.rulings import Rulings


def find(uow: UnitOfWork, ref: RoundRef) -> RoundRecord:
    return uow.rounds.find(ref.edition, ref.category, ref.round)


def _locked(uow: UnitOfWork, ref: RoundRef) -> RoundRecord:
    return uow.rounds.get(find(uow, ref).id, lock="update")


def opt_in(uow: UnitOfWork, ref: RoundRef, member: str, clock: Clock) -> None:
    """A member volunteers for a round whose electorate is opt-in (before it opens)."""
    record = find(uow, ref)
    if record.spec.electorate.kind is not ElectorateKind.OPT_IN:
        raise BallotRefused(f"round {ref} has no opt-in electorate")
    if record.status is not RoundStatus.DRAFT:
        raise BallotRefused(f"round {ref} is {record.status.value}: opting in is closed")
    if not uow.editions.member(record.edition_id, member).status.votes:
        raise BallotRefused(f"member {member} does not vote (status)")
    uow.rounds.opt_in(record.id, member, clock.now())
    uow.commit()


def open_round(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str) -> RoundRecord:
    record = _locked(uow, ref)
    check_step(str(ref), record.status, RoundStatus.OPEN)
    now, window = clock.now(), record.spec.window
    if not window.holds(now):
        raise LifecycleError(
            f"cannot open round {ref}: its window is {human(window.opens)} "
            f"to {human(window.closes)}"
        )
    if uow.keys.public_key(record.id) is None:
        raise LifecycleError(
            f"cannot open round {ref}: it has no election key to seal its ballots; run "
            f"`shortlist round seal-key {ref} --custodians K/N --custodian NAME.public ...` first"
        )
    slate = _slate(uow, record)
    members = uow.editions.members(record.edition_id)
    voters = record.spec.electorate.pool(members, uow.rounds.opted_in(record.id))
    excluded = Rulings(uow.connection).excluded_members(record.id)  # rulings with reasons
    voters = [v for v in voters if v not in excluded]
    if not voters:
        raise LifecycleError(f"cannot open round {ref}: its electorate is empty")
    uow.rounds.set_electorate(record.id, voters)
    uow.rounds.put_secret(record.id, secrets.token_bytes(32))
    uow.rounds.update(record.id, status=RoundStatus.OPEN, opened_at=now, slate=list(slate))
    uow.audit.write(
        now, actor, "round.open", str(ref), detail={"electorate": len(voters), "slate": len(slate)}
    )
    uow.commit()
    return uow.rounds.get(record.id)


def _slate(uow: UnitOfWork, record: RoundRecord) -> tuple[str, ...]:
    source = record.spec.slate.source
    entries = [e.key for e in uow.editions.entries(record.category_id)]
    if source is SlateSource.ENTRIES:
        slate = tuple(entries)
    elif source is SlateSource.COMMITTEE:
        slate = record.spec.slate.picks
    else:
        if record.slate is None:
            raise LifecycleError(
                f"cannot open round {record.label}: the previous round's outcome has not been "
                "advanced to it (announce that round, then `shortlist round advance`)"
            )
        slate = record.slate
    excluded = Rulings(uow.connection).excluded_entries(record.category_id)
    if slate and all(k in excluded for k in slate):
        raise LifecycleError(
            f"cannot open round {record.label}: every entry of its slate is excluded "
            f"({', '.join(slate)}; `shortlist entry reinstate` lifts a ruling)"
        )
    slate = tuple(k for k in slate if k not in excluded)  # eligibility rulings (service.rulings)
    unknown = [k for k in slate if k not in entries]
    if unknown or not slate:
        raise LifecycleError(f"round {record.label}: bad slate {list(unknown) or 'empty'}")
    return slate


def close_round(
    uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str, reason: str = ""
) -> RoundRecord:
    """Close at the window's end, or earlier with a reason; the pseudonym secret is destroyed."""
    record = _locked(uow, ref)
    check_step(str(ref), record.status, RoundStatus.CLOSED)
    now = clock.now()
    early = now < record.spec.window.closes
    if early and not reason.strip():
        raise LifecycleError(
            f"round {ref} is open until {human(record.spec.window.closes)}; "
            "closing early needs a reason"
        )
    uow.rounds.destroy_secret(record.id)
    boxed = uow.ballots.rebox(record.id)
    uow.rounds.update(record.id, status=RoundStatus.CLOSED, closed_at=now, close_reason=reason)
    action = "round.close-early" if early else "round.close"
    uow.audit.write(now, actor, action, str(ref), reason, {"ballots": boxed})
    board.publish_board(uow, record, now, actor)
    uow.commit()
    return uow.rounds.get(record.id)


def close_due(uow: UnitOfWork, edition: str, clock: Clock, actor: str = "clock") -> list[str]:
    """Close every open round of ``edition`` whose window has ended; their names."""
    done = []
    for record in uow.rounds.of_edition(edition):
        if record.status is RoundStatus.OPEN and clock.now() >= record.spec.window.closes:
            ref = RoundRef(record.edition, record.category, record.spec.key)
            close_round(uow, ref, clock, actor)
            done.append(str(ref))
    return done


def count_round(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str) -> RoundRecord:
    """Count an unsealed round by its method (its opened, shuffled ballots); the result (every
    round, every tie) is stored sealed until the announcement."""
    record = _locked(uow, ref)
    check_step(str(ref), record.status, RoundStatus.COUNTED)
    if uow.rounds.secret(record.id) is not None:  # pragma: no cover - close always destroys it
        raise LifecycleError(f"round {ref} still holds its pseudonym secret; refusing to count")
    marks = uow.ballots.marks(record.id)
    if not marks:
        raise CountError(f"round {ref} has no ballots to count")
    spec = record.spec
    result = counting.count(spec.method, dict(spec.rules), spec.ballot, record.slate or (), marks)
    outcome = counting.outcome_of(result)
    now = clock.now()
    uow.rounds.update(
        record.id, status=RoundStatus.COUNTED, counted_at=now, result=result.to_json(),
        outcome=list(outcome),
    )  # fmt: skip
    # nothing of the count itself in the log (observers read it before the announcement): the
    # tie-breaks are in the results, committed below and revealed at the announcement
    uow.audit.write(
        now, actor, "round.count", str(ref), detail={"ballots": len(marks), "method": spec.method}
    )
    commitments.commit_results(uow, record, result.to_json(), outcome, marks, now, actor)
    uow.commit()
    return uow.rounds.get(record.id)


@dataclass(frozen=True)
class Announcement:
    """What is published about a round: the outcome (alphabetical, or in order with the full
    count when the policy allows)."""

    round: str
    category: str
    round_name: str
    titles: tuple[str, ...]
    keys: tuple[str, ...]
    mode: PublicationMode
    result: dict[str, object] | None
    at: datetime | None


def announce_round(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str) -> Announcement:
    record = _locked(uow, ref)
    check_step(str(ref), record.status, RoundStatus.ANNOUNCED)
    now, embargo = clock.now(), record.spec.publication.embargo
    if embargo is not None and now < embargo:
        raise LifecycleError(f"round {ref} is embargoed until {human(embargo)}")
    uow.rounds.update(record.id, status=RoundStatus.ANNOUNCED, announced_at=now)
    uow.audit.write(now, actor, "round.announce", str(ref))
    uow.commit()
    return announcement(uow, ref)


def announcement(uow: UnitOfWork, ref: RoundRef) -> Announcement:
    """The published outcome of an announced round; :class:`LifecycleError` before that."""
    record = find(uow, ref)
    if record.status is not RoundStatus.ANNOUNCED:
        raise LifecycleError(f"round {ref} is {record.status.value}; nothing is published yet")
    entries = {e.key: e for e in uow.editions.entries(record.category_id)}
    keys = record.outcome or ()
    mode = record.spec.publication.mode
    if mode is PublicationMode.ALPHABETICAL:
        keys = tuple(sorted(keys, key=lambda k: _sort_title(entries[k].title)))
    full = mode is PublicationMode.FULL
    return Announcement(
        str(ref), record.category_name, record.spec.name, tuple(entries[k].title for k in keys),
        keys, mode, record.result if full else None, record.announced_at,
    )  # fmt: skip


def _sort_title(title: str) -> str:
    """Alphabetical as the Academy lists films: a leading article is ignored."""
    lowered = title.casefold()
    for article in ("the ", "a ", "an "):
        if lowered.startswith(article):
            return lowered[len(article) :]
    return lowered


def advance(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str) -> RoundRecord:
    """Make an announced round's outcome the slate of the next round in its chain."""
    record = find(uow, ref)
    if record.status is not RoundStatus.ANNOUNCED:
        raise LifecycleError(
            f"cannot advance round {ref}: it is {record.status.value}, not announced"
        )
    following = uow.rounds.neighbour(record, +1)
    if following is None:
        raise LifecycleError(f"round {ref} is the last of its chain")
    if following.spec.slate.source is not SlateSource.PREVIOUS:
        raise LifecycleError(f"round {following.label} does not draw on the previous round")
    if following.status is not RoundStatus.DRAFT:
        raise LifecycleError(f"round {following.label} is already {following.status.value}")
    uow.rounds.update(following.id, slate=list(record.outcome or ()))
    uow.audit.write(clock.now(), actor, "round.advance", str(ref), detail={"to": following.label})
    uow.commit()
    return uow.rounds.get(following.id)


@dataclass(frozen=True)
class Turnout:
    round: str
    status: RoundStatus
    electorate: int
    voted: int
    opens: datetime
    closes: datetime

    @property
    def share(self) -> float:
        """For display only (never used in counting)."""
        return self.voted / self.electorate if self.electorate else 0.0


def turnout(uow: UnitOfWork, edition: str) -> list[Turnout]:
    """Turnout of every round of ``edition``: how many may vote and how many did (never what)."""
    uow.editions.id_of(edition)
    return [
        Turnout(
            r.label,
            r.status,
            uow.rounds.electorate_size(r.id),
            uow.rounds.turnout(r.id),
            r.spec.window.opens,
            r.spec.window.closes,
        )
        for r in uow.rounds.of_edition(edition)
    ]
