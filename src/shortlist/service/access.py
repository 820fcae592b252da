"""Members' access: invitations with one-time sign-in links, resends, reminders, API tokens.

A sign-in link carries a random token; only its SHA-256 digest is stored. A link works once,
until it expires (72 hours unless the caller says otherwise); a second use, an expired link and
an unknown (forged) token are refused, and each refusal is written to the audit log. An API
token (a bearer token for the member's API) is got by exchanging a link or from a signed-in
session and lasts hours, not days. Messages are sent after the transaction commits, so a link
is never mailed that the database does not know.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn
from urllib.parse import quote

from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import Member
from shortlist.domain.times import human
from shortlist.errors import InputError
from shortlist.service.clock import Clock
from shortlist.service.mail import Mailer, Message
from shortlist.store import cast_batches
from shortlist.store.access import not_voted
from shortlist.store.account_repositories import TokenRecord, Tokens
from shortlist.store.database import UnitOfWork
from shortlist.store.records import OnRoll

LINK_TTL = timedelta(hours=72)
API_TTL = timedelta(hours=12)
LINK = "member-link"
API = "member-api"


class AccessRefused(InputError):
    """A sign-in link or token is refused: unknown, already used, expired, or its member gone."""


@dataclass(frozen=True)
class SignedIn:
    """Who a link or token belongs to."""

    edition: str
    member: str
    name: str


@dataclass(frozen=True)
class Mailing:
    """What a mailing did: sent to, skipped (no e-mail address on the roll), failed (the mail
    server refused), by member number."""

    sent: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def link_url(base_url: str, token: str) -> str:
    """The address a member opens to sign in (the page asks them to confirm, then spends it)."""
    return f"{base_url.rstrip('/')}/member/sign-in?token={quote(token)}"


def _issue(
    uow: UnitOfWork, edition: str, member: str, kind: str, clock: Clock, ttl: timedelta
) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.now()
    Tokens(uow.connection).add(token, kind, f"{edition}/{member}", now, now + ttl)
    return token


def sign_in_link(
    uow: UnitOfWork,
    edition: str,
    member: str,
    clock: Clock,
    base_url: str,
    ttl: timedelta = LINK_TTL,
) -> str:
    """A fresh one-time sign-in link for ``member`` (e.g. for the demo's printout)."""
    edition_id = uow.editions.id_of(edition)
    uow.editions.member(edition_id, member)
    token = _issue(uow, edition, member, LINK, clock, ttl)
    uow.audit.write(clock.now(), "system", "member.link", f"{edition}/{member}")
    uow.commit()
    return link_url(base_url, token)


# -- invitations, resends, reminders ---------------------------------------------------------


def invite(
    uow: UnitOfWork,
    edition: str,
    clock: Clock,
    mailer: Mailer,
    base_url: str,
    actor: str,
    members: Sequence[str] | None = None,
    ttl: timedelta = LINK_TTL,
) -> Mailing:
    """E-mail an invitation with a fresh sign-in link to ``members`` (every voting member when
    None). Members without an e-mail address are skipped and listed."""
    edition_id = uow.editions.id_of(edition)
    name = uow.editions.get(edition).name
    chosen = _chosen(uow, edition_id, members)
    action = "members.invite" if members is None or len(members) != 1 else "members.resend"
    expires = clock.now() + ttl
    letters = [
        (m, _invitation(m, name, _link(uow, edition, m, clock, ttl, base_url), expires))
        for m in chosen
        if m.email
    ]
    skipped = tuple(m.number for m in chosen if not m.email)
    return _post(uow, edition, clock, mailer, actor, action, letters, skipped)


def resend(
    uow: UnitOfWork,
    edition: str,
    member: str,
    clock: Clock,
    mailer: Mailer,
    base_url: str,
    actor: str,
    ttl: timedelta = LINK_TTL,
) -> Mailing:
    """Send ``member`` a new invitation (earlier links keep working until they expire)."""
    return invite(uow, edition, clock, mailer, base_url, actor, [member], ttl)


def _link(
    uow: UnitOfWork, edition: str, member: Member, clock: Clock, ttl: timedelta, base_url: str
) -> str:
    return link_url(base_url, _issue(uow, edition, member.number, LINK, clock, ttl))


def _chosen(uow: UnitOfWork, edition_id: int, numbers: Sequence[str] | None) -> list[Member]:
    if numbers is None:
        return [m for m in uow.editions.members(edition_id) if m.status.votes]
    return [uow.editions.member(edition_id, n) for n in dict.fromkeys(numbers)]


def remind(
    uow: UnitOfWork,
    edition: str,
    clock: Clock,
    mailer: Mailer,
    base_url: str,
    actor: str,
    ttl: timedelta = LINK_TTL,
) -> Mailing:
    """Remind every member who has not yet voted in a round open now (listing those rounds),
    with a fresh sign-in link."""
    edition_id = uow.editions.id_of(edition)
    now = clock.now()
    waiting: dict[str, list[str]] = {}
    for record in uow.rounds.of_edition(edition):
        if record.status is RoundStatus.OPEN and record.spec.window.holds(now):
            closes = human(record.spec.window.closes)
            title = f"{record.category_name}, {record.spec.name} (closes {closes})"
            for number in not_voted(uow.connection, record.id):
                waiting.setdefault(number, []).append(title)
    chosen = [uow.editions.member(edition_id, n) for n in sorted(waiting)]
    letters = [
        (m, _reminder(m, waiting[m.number], _link(uow, edition, m, clock, ttl, base_url)))
        for m in chosen
        if m.email
    ]
    skipped = tuple(m.number for m in chosen if not m.email)
    return _post(uow, edition, clock, mailer, actor, "members.remind", letters, skipped)


def _post(
    uow: UnitOfWork,
    edition: str,
    clock: Clock,
    mailer: Mailer,
    actor: str,
    action: str,
    letters: Iterable[tuple[Member, Message]],
    skipped: tuple[str, ...],
) -> Mailing:
    """Commit the links and the audit entry, then send; failures are audited too."""
    letters = list(letters)
    detail = {"to": len(letters), "skipped": list(skipped)}
    uow.audit.write(clock.now(), actor, action, edition, detail=detail)
    uow.commit()
    outcomes = mailer.send_all([message for _, message in letters])
    sent = [m.number for (m, _), error in zip(letters, outcomes, strict=True) if error is None]
    failed = [m.number for (m, _), error in zip(letters, outcomes, strict=True) if error]
    reasons = [str(error) for error in outcomes if error]
    if failed:
        detail = {"failed": failed}
        uow.audit.write(clock.now(), actor, action + "-failed", edition, reasons[0], detail)
        uow.commit()
    return Mailing(tuple(sent), skipped, tuple(failed))


def _invitation(member: Member, edition_name: str, url: str, expires: datetime) -> Message:
    text = (
        f"Dear {member.name},\n\n"
        f"You are invited to vote in {edition_name}.\n\n"
        f"Sign in with this link (it works once, until {human(expires)}):\n\n{url}\n\n"
        "If it has expired or was already used, ask the administrators for a new one.\n"
    )
    return Message(member.email, f"Your invitation to vote: {edition_name}", text)


def _reminder(member: Member, rounds: list[str], url: str) -> Message:
    listed = "\n".join(f"  - {r}" for r in rounds)
    text = (
        f"Dear {member.name},\n\nYou have not voted yet in:\n\n{listed}\n\n"
        f"Sign in to vote with this link (it works once):\n\n{url}\n"
    )
    return Message(member.email, "Reminder: your vote is still open", text)


# -- using a link or token --------------------------------------------------------------------


def redeem(uow: UnitOfWork, token: str, clock: Clock) -> SignedIn:
    """Spend a sign-in link: who it signs in; :class:`AccessRefused` (and an audit entry) when
    it is unknown, used or expired."""
    signed_in = _spend(uow, token, clock)
    uow.audit.write(clock.now(), signed_in.member, "member.sign-in", _target(signed_in))
    uow.commit()
    return signed_in


def exchange(
    uow: UnitOfWork, token: str, clock: Clock, ttl: timedelta = API_TTL
) -> tuple[SignedIn, str]:
    """Spend a sign-in link for an API bearer token."""
    signed_in = _spend(uow, token, clock)
    bearer = _issue(uow, signed_in.edition, signed_in.member, API, clock, ttl)
    uow.audit.write(clock.now(), signed_in.member, "member.api-token", _target(signed_in))
    uow.commit()
    return signed_in, bearer


def api_token(
    uow: UnitOfWork, edition: str, member: str, clock: Clock, ttl: timedelta = API_TTL
) -> str:
    """An API bearer token for a member already signed in (from their session)."""
    uow.editions.member(uow.editions.id_of(edition), member)
    bearer = _issue(uow, edition, member, API, clock, ttl)
    uow.audit.write(clock.now(), member, "member.api-token", f"{edition}/{member}")
    uow.commit()
    return bearer


def bearer(uow: UnitOfWork, token: str, clock: Clock) -> SignedIn:
    """Who an API bearer token belongs to; :class:`AccessRefused` (audited) if it is unknown or
    expired. Nothing else is written."""
    record = Tokens(uow.connection).get(token)
    reason = _bearer_refusal(record, clock.now())
    if reason is not None:
        _refuse(uow, clock, record, reason)
    assert record is not None
    return _member(uow, clock, record)


def bearers(
    uow: UnitOfWork, tokens: Sequence[str], clock: Clock
) -> dict[str, tuple[SignedIn, OnRoll] | AccessRefused]:
    """:func:`bearer` for many tokens at once (two reads, whatever their number), in the
    caller's transaction: by token, who it belongs to with what a receipt e-mail needs, or the
    refusal, written to the audit log (the caller commits)."""
    records = cast_batches.tokens(uow.connection, tokens)
    wanted: dict[str, list[str]] = {}
    for held in records.values():
        edition, _, number = held.subject.partition("/")
        wanted.setdefault(edition, []).append(number)
    roll = {
        (edition, number): person
        for edition, numbers in wanted.items()
        for number, person in cast_batches.on_roll(uow.connection, edition, numbers).items()
    }
    found: dict[str, tuple[SignedIn, OnRoll] | AccessRefused] = {}
    for token in tokens:
        record = records.get(token)
        reason = _bearer_refusal(record, clock.now())
        person = None
        if record is not None and reason is None:
            edition, _, number = record.subject.partition("/")
            person = roll.get((edition, number))
            if person is None:
                reason = f"member {number} is no longer on the roll of {edition}"
        if person is None or record is None:
            found[token] = _refusal(uow, clock, record, reason or "")
            continue
        found[token] = (SignedIn(edition, person.number, person.name), person)
    return found


def _bearer_refusal(record: TokenRecord | None, now: datetime) -> str | None:
    if record is None or record.purpose != API:
        return "unknown API token"
    if now >= record.expires_at:
        return f"API token expired at {human(record.expires_at)}"
    return None


def _spend(uow: UnitOfWork, token: str, clock: Clock) -> SignedIn:
    tokens = Tokens(uow.connection)
    record = tokens.get(token)
    if record is None or record.purpose != LINK:
        _refuse(uow, clock, None, "this sign-in link is not one we sent")
    if record.used_at is not None:
        _refuse(uow, clock, record, f"this sign-in link was already used ({human(record.used_at)})")
    if clock.now() >= record.expires_at:
        _refuse(uow, clock, record, f"this sign-in link expired at {human(record.expires_at)}")
    if tokens.spend(token, LINK, clock.now()) is None:
        _refuse(uow, clock, record, "this sign-in link was already used")
    return _member(uow, clock, record)


def _member(uow: UnitOfWork, clock: Clock, record: TokenRecord) -> SignedIn:
    edition, _, number = record.subject.partition("/")
    member = uow.editions.on_roll(edition, number)
    if member is None:
        _refuse(uow, clock, record, f"member {number} is no longer on the roll of {edition}")
    return SignedIn(edition, member.number, member.name)


def _refuse(uow: UnitOfWork, clock: Clock, record: TokenRecord | None, reason: str) -> NoReturn:
    """Undo anything begun, write the refusal to the audit log, and raise."""
    uow.rollback()
    refusal = _refusal(uow, clock, record, reason)
    uow.commit()
    raise refusal


def _refusal(
    uow: UnitOfWork, clock: Clock, record: TokenRecord | None, reason: str
) -> AccessRefused:
    """Write the refusal to the audit log (in the caller's transaction); the error to raise."""
    target = record.subject if record else "unknown"
    actor = record.subject.partition("/")[2] if record else "anonymous"
    uow.audit.write(clock.now(), actor, "member.sign-in-refused", target, reason)
    return AccessRefused(reason + "; ask the administrators for a new sign-in link")


def _target(signed_in: SignedIn) -> str:
    return f"{signed_in.edition}/{signed_in.member}"
