"""A member's side of a round: viewing, attesting, the ballot paper, casting and revising.

Secrecy: the member's ballot is sealed to the round's election key (padded to one length for
the round) and stored under ``HMAC(round secret, member)``, apart from the record that the
member voted. A revision lands on the same key and replaces the ballot; under concurrent casts
by one member the database keeps exactly one. The receipt's tracker is the SHA-256 of the
sealed ballot: the member can find it on the round's board, and nobody else can tell whose it
is.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from shortlist.domain.errors import BallotRefused
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import GateKind, Revision
from shortlist.domain.times import human
from shortlist.domain.voting import BallotPaper, Marks, check_gate, check_marks
from shortlist.service import sealing
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.service.rounds import find
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord, Standing
from shortlist.store.rulings import Rulings
from shortlist.trust import keys


@dataclass(frozen=True)
class Receipt:
    round: str
    tracker: str
    revision: bool
    at: datetime


def record_viewing(
    uow: UnitOfWork, edition: str, category: str, member: str, entries: list[str], clock: Clock
) -> None:
    """Note that ``member`` watched ``entries`` of ``category`` (for viewing gates)."""
    edition_id = uow.editions.id_of(edition)
    if not uow.editions.has_member(edition_id, member):
        raise BallotRefused(f"no member {member!r} on the roll of {edition}")
    ids = uow.editions.entry_ids(uow.editions.category_id(edition_id, category))
    unknown = [k for k in entries if k not in ids]
    if unknown:
        raise BallotRefused(f"not entries of {category}: {', '.join(unknown)}")
    uow.rounds.record_viewing([ids[k] for k in entries], member, clock.now())
    uow.commit()


def attest(uow: UnitOfWork, ref: RoundRef, member: str, clock: Clock) -> None:
    """The member attests having watched the round's entries (the ``attest`` gate)."""
    record = find(uow, ref)
    _admit(uow, record, member, clock.now(), gate=False)
    uow.rounds.attest(record.id, member, clock.now())
    uow.commit()


def _admit(
    uow: UnitOfWork,
    record: RoundRecord,
    member: str,
    now: datetime,
    gate: bool = True,
    standing: Standing | None = None,
) -> Standing:
    """Refuse unless the round is open now and ``member`` may vote in it (and, with ``gate``,
    has met its viewing gate); the member's standing (read here unless given)."""
    window = record.spec.window
    if record.status is not RoundStatus.OPEN:
        raise BallotRefused(f"round {record.label} is {record.status.value}, not open for voting")
    if not window.holds(now):
        when = "closed at" if now >= window.closes else "opens at"
        instant = window.closes if now >= window.closes else window.opens
        raise BallotRefused(f"voting in round {record.label} {when} {human(instant)}")
    viewing = gate and record.spec.gate.kind in (GateKind.MIN_VIEWED, GateKind.VIEWED_ALL)
    if standing is None:
        standing = uow.rounds.standing(record.id, record.category_id, member, viewing)
    if not standing.eligible:
        ruling = Rulings(uow.connection).member_ruling(record.id, member)
        why = f" (excluded: {ruling.reason})" if ruling is not None else ""
        raise BallotRefused(
            f"member {member} is not in the electorate of round {record.label}{why}"
        )
    if gate:
        check_gate(record.spec.gate, record.slate or (), standing.viewed, standing.attested)
    return standing


def issue_ballot(uow: UnitOfWork, ref: RoundRef, member: str, clock: Clock) -> BallotPaper:
    """The ballot paper for ``member``, if the round is open and the member eligible and gated."""
    record = find(uow, ref)
    standing = _admit(uow, record, member, clock.now())
    slate = tuple(uow.editions.entries(record.category_id, record.slate or ()))
    return BallotPaper(
        record.id, record.category, record.spec.key, slate, tuple(sorted(standing.recused)),
        record.spec.ballot, record.spec.gate.describe(), standing.voted,
    )  # fmt: skip


def cast(uow: UnitOfWork, ref: RoundRef, member: str, marks: Marks, clock: Clock) -> Receipt:
    """Cast (or revise) ``member``'s ballot; refused with a reason, and then nothing changes.

    One transaction: the round (held against closing), its secret, election key and the
    member's standing in one read, then the participation and the sealed ballot."""
    found = uow.rounds.for_cast(ref.edition, ref.category, ref.round, member)
    record = found.record
    now = clock.now()
    recused = _admit(uow, record, member, now, standing=found.standing).recused
    slate = record.slate or ()
    stored = check_marks(record.spec.ballot, frozenset(slate), recused, marks)
    _check_quota(uow, record, member)
    if found.secret is None:  # pragma: no cover - an open round always has its secret
        raise BallotRefused(f"round {record.label} is closing")
    if found.public_key is None:  # pragma: no cover - a round opens only with its election key
        raise BallotRefused(f"round {record.label} has no election key")
    lock = record.spec.revision is Revision.LOCK_ON_SUBMIT
    before = uow.rounds.record_participation(record.id, member, now, lock=lock)
    if before is None:
        uow.rollback()
        raise BallotRefused(f"your ballot in round {record.label} was locked when you submitted it")
    room = sealing.ballot_room(record.spec.ballot, slate)
    sealed = keys.seal_ballot(found.public_key, stored, room)
    tracker = keys.tracker(sealed)
    box_id = hmac.new(found.secret, member.encode(), hashlib.sha256).hexdigest()
    uow.ballots.put(record.id, box_id, sealed, tracker)
    uow.commit()
    return Receipt(record.label, tracker, before > 0, now)


def _check_quota(uow: UnitOfWork, record: RoundRecord, member: str) -> None:
    quota = record.category_quota
    if quota is None:
        return
    voted = uow.rounds.categories_voted(record.edition_id, record.spec.key, member) - {
        record.category
    }
    if len(voted) >= quota:
        raise BallotRefused(
            f"category quota reached: you voted in {len(voted)} categories in {record.spec.key} "
            f"rounds, the most allowed is {quota}"
        )
