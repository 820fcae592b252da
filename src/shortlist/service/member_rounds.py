"""What a signed-in member sees and does: the rounds open to them now, a round's ballot page
(with what its viewing gate still asks), and casting with the receipt e-mailed.

Windows are shown in the member's time zone: the roll's, when it gives members one, else the
edition's. Nothing here reveals anything of a round's ballots: only whether *this* member voted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shortlist.domain.errors import BallotRefused
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import BallotSpec, Entry, GateKind, Member, Revision
from shortlist.domain.times import human
from shortlist.domain.voting import Marks
from shortlist.service import voting
from shortlist.service.clock import Clock
from shortlist.service.mail import Mailer, MailError, Message
from shortlist.service.refs import RoundRef
from shortlist.service.rounds import find
from shortlist.store.access import edition_timezone
from shortlist.store.database import UnitOfWork
from shortlist.store.records import OnRoll, RoundRecord


@dataclass(frozen=True)
class OpenRound:
    """A round the member may vote in now, its window in the member's time zone."""

    ref: RoundRef
    category: str
    name: str
    kind: str
    opens: datetime
    closes: datetime
    voted: bool
    locked: bool

    @property
    def window(self) -> str:
        return f"{human(self.opens)} to {human(self.closes)}"


def zone_of(uow: UnitOfWork, edition_id: int, member: Member, chosen: str = "") -> ZoneInfo:
    """The member's time zone: the one they ``chosen`` (a preference of theirs), else the
    roll's (``member.timezone`` where the roll has one), else the edition's."""
    return zone_named(chosen, member.timezone, edition_timezone(uow.connection, edition_id))


def zone_named(*names: str) -> ZoneInfo:
    """The first of ``names`` that is a known time zone (empty ones skipped), else UTC."""
    for name in names:
        try:
            if name:
                return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def open_to(
    uow: UnitOfWork, edition: str, member: str, clock: Clock, zone_name: str = ""
) -> list[OpenRound]:
    """The rounds of ``edition`` open now whose electorate includes ``member``, in ballot order
    (windows in the member's time zone; ``zone_name`` as :func:`zone_of`'s ``chosen``)."""
    edition_id = uow.editions.id_of(edition)
    zone = zone_of(uow, edition_id, uow.editions.member(edition_id, member), zone_name)
    now = clock.now()
    found = []
    for record in uow.rounds.of_edition(edition):
        window = record.spec.window
        if record.status is not RoundStatus.OPEN or not window.holds(now):
            continue
        if not uow.rounds.in_electorate(record.id, member):
            continue
        voted = uow.rounds.voted(record.id, member)
        found.append(
            OpenRound(
                RoundRef(edition, record.category, record.spec.key), record.category_name,
                record.spec.name, record.spec.ballot.kind.value, window.opens.astimezone(zone),
                window.closes.astimezone(zone), voted, voted and _locks(record),
            )
        )  # fmt: skip
    return found


def _locks(record: RoundRecord) -> bool:
    return record.spec.revision is Revision.LOCK_ON_SUBMIT


@dataclass(frozen=True)
class BallotPage:
    """A round as its ballot page shows it to one member: the slate with credits, the entries
    they may not mark (recusal), what the viewing gate asks and whether it is met."""

    ref: RoundRef
    category: str
    name: str
    slate: tuple[Entry, ...]
    recused: frozenset[str]
    spec: BallotSpec
    gate: GateKind
    gate_text: str
    gate_needs: int
    viewed: frozenset[str]
    attested: bool
    voted: bool
    locked: bool
    closes: datetime

    @property
    def gate_met(self) -> bool:
        seen = len(self.viewed & {e.key for e in self.slate})
        return {
            GateKind.NONE: True,
            GateKind.MIN_VIEWED: seen >= self.gate_needs,
            GateKind.VIEWED_ALL: seen >= len(self.slate),
            GateKind.ATTEST: self.attested,
        }[self.gate]


def ballot_page(
    uow: UnitOfWork, ref: RoundRef, member: str, clock: Clock, zone_name: str = ""
) -> BallotPage:
    """The ballot page of ``ref`` for ``member``; :class:`BallotRefused` if the round is not open
    to them now (closed, not yet open, or not in its electorate)."""
    record = find(uow, ref)
    now = clock.now()
    if record.status is not RoundStatus.OPEN or not record.spec.window.holds(now):
        raise BallotRefused(f"round {ref} is not open for voting now")
    standing = uow.rounds.standing(record.id, record.category_id, member, True)
    if not standing.eligible:
        raise BallotRefused(f"member {member} is not in the electorate of round {ref}")
    member_record = uow.editions.member(record.edition_id, member)
    zone = zone_of(uow, record.edition_id, member_record, zone_name)
    slate = tuple(uow.editions.entries(record.category_id, record.slate or ()))
    spec = record.spec
    return BallotPage(
        ref, record.category_name, spec.name, slate, standing.recused, spec.ballot,
        spec.gate.kind, spec.gate.describe(), spec.gate.n, standing.viewed, standing.attested,
        standing.voted, standing.voted and _locks(record), spec.window.closes.astimezone(zone),
    )  # fmt: skip


@dataclass(frozen=True)
class Cast:
    """A cast ballot's receipt, and whether the receipt e-mail went out."""

    receipt: voting.Receipt
    mailed: bool


def cast_and_mail(
    uow: UnitOfWork,
    ref: RoundRef,
    member: str,
    marks: Marks,
    clock: Clock,
    mailer: Mailer,
    zone_name: str = "",
) -> Cast:
    """Cast (or revise) the ballot, then e-mail the receipt's tracker to the member (never the
    marks). A failed e-mail does not undo the vote: the page shows the receipt anyway.

    A refused ballot changes nothing but the audit log, which notes the refusal: why, when the
    round was not open to the member; only that the marks broke the ballot's rules otherwise
    (the log must not tell what a member marked)."""
    try:
        receipt = voting.cast(uow, ref, member, marks, clock)
    except BallotRefused as refused:
        uow.rollback()
        noted = note_refusal(uow, ref, member, clock, refused)
        uow.commit()
        raise noted from None
    person = uow.editions.on_roll(ref.edition, member)
    return Cast(receipt, mail_receipt(mailer, person, ref, receipt, zone_name))


def mail_receipt(
    mailer: Mailer, person: OnRoll | None, ref: RoundRef, receipt: voting.Receipt, zone_name: str
) -> bool:
    """E-mail the receipt's tracker to the member: whether it went out."""
    if person is None or not person.email:
        return False
    zone = zone_named(zone_name, person.timezone, person.edition_timezone)
    try:
        mailer.send(receipt_message(person, ref, receipt, zone))
    except MailError:
        return False
    return True


def note_refusal(
    uow: UnitOfWork, ref: RoundRef, member: str, clock: Clock, refused: BallotRefused
) -> BallotRefused:
    """Write a refused ballot to the audit log (the caller commits), and the refusal to give the
    member: why, when the round was not open to the member (said as the ballot page says it);
    only that the marks broke the ballot's rules otherwise (the log must not tell what a member
    marked)."""
    try:
        ballot_page(uow, ref, member, clock)
    except BallotRefused as exc:
        refused, reason = exc, str(exc)
    else:
        reason = "the ballot broke the round's rules"
    uow.audit.write(clock.now(), member, "ballot.refused", str(ref), reason)
    return refused


def receipt_message(
    member: Member | OnRoll, ref: RoundRef, receipt: voting.Receipt, zone: ZoneInfo
) -> Message:
    what = "revised" if receipt.revision else "cast"
    text = (
        f"Dear {member.name},\n\n"
        f"Your ballot in {ref} was {what} at {human(receipt.at.astimezone(zone))}.\n\n"
        f"Your receipt (tracker): {receipt.tracker}\n\n"
        "Keep it: after the count, find it in the published list of trackers to check that "
        "your ballot was counted. It does not say how you voted, and nobody else can tell it "
        "is yours.\n"
    )
    return Message(member.email, f"Your receipt: {ref}", text)
