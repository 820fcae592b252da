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
from collections.abc import Sequence
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
from shortlist.store import cast_batches
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord, Standing
from shortlist.store.rulings import Rulings
from shortlist.trust import keys

Stored = list[str] | dict[str, int]


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
    """Cast (or revise) ``member``'s ballot; refused with a reason, and then nothing changes."""
    (outcome,) = cast_many(uow, ref, [(member, marks)], clock)
    if isinstance(outcome, BallotRefused):
        uow.rollback()
        raise outcome
    uow.commit()
    return outcome


def cast_many(
    uow: UnitOfWork, ref: RoundRef, ballots: Sequence[tuple[str, Marks]], clock: Clock
) -> list[Receipt | BallotRefused]:
    """Cast (or revise) each member's ballot in the caller's transaction (the caller commits):
    a receipt for each accepted ballot, the refusal for each refused one (nothing is written
    for it). Members are distinct. A few statements whatever the number of ballots: the round
    (held against closing), its secret, election key and the members' standings in two reads,
    then the participations and the sealed ballots in one write each."""
    members = [member for member, _ in ballots]
    names = (ref.edition, ref.category, ref.round)
    found = cast_batches.round_for_casts(uow.connection, uow.rounds, names, members)
    record, now = found.record, clock.now()
    slate = frozenset(record.slate or ())
    outcomes: list[Receipt | BallotRefused] = []
    accepted: dict[str, tuple[int, Stored]] = {}
    for member, marks in ballots:
        try:
            recused = _admit(uow, record, member, now, standing=found.standings[member]).recused
            stored = check_marks(record.spec.ballot, slate, recused, marks)
            _check_quota(uow, record, member)
            if found.secret is None:  # pragma: no cover - an open round always has its secret
                raise BallotRefused(f"round {record.label} is closing")
            if found.public_key is None:  # pragma: no cover - opened only with an election key
                raise BallotRefused(f"round {record.label} has no election key")
        except BallotRefused as refusal:
            outcomes.append(refusal)
            continue
        accepted[member] = (len(outcomes), stored)
        outcomes.append(refusal_locked(record))  # until its ballot is stored below
    if accepted:
        _store(uow, found, accepted, outcomes, now)
    return outcomes


def refusal_locked(record: RoundRecord) -> BallotRefused:
    return BallotRefused(f"your ballot in round {record.label} was locked when you submitted it")


def _store(
    uow: UnitOfWork,
    found: cast_batches.RoundForCasts,
    accepted: dict[str, tuple[int, Stored]],
    outcomes: list[Receipt | BallotRefused],
    now: datetime,
) -> None:
    """Note the participations (in member order, so that concurrent batches take row locks in
    one order), then seal and store the ballots of those not locked out."""
    record, secret, public_key = found.record, found.secret, found.public_key
    assert secret is not None and public_key is not None
    lock = record.spec.revision is Revision.LOCK_ON_SUBMIT
    members = sorted(accepted)
    before = cast_batches.record_participations(uow.connection, record.id, members, now, lock=lock)
    room = sealing.ballot_room(record.spec.ballot, record.slate or ())
    boxed = []
    for member in members:
        if member not in before:  # locked: it had cast already, and nothing was written
            continue
        index, stored = accepted[member]
        sealed = keys.seal_ballot(public_key, stored, room)
        tracker = keys.tracker(sealed)
        box_id = hmac.new(secret, member.encode(), hashlib.sha256).hexdigest()
        boxed.append((box_id, sealed, tracker))
        outcomes[index] = Receipt(record.label, tracker, before[member] > 0, now)
    cast_batches.put_ballots(uow.connection, record.id, sorted(boxed))


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
