"""The members' API: a bearer token, the rounds open to the member, a ballot paper, casting.

``POST /api/v1/member/token`` exchanges a sign-in link's token (``{"link": ...}``) for a bearer
token, or, for a member signed in on the site, gives one from the session (with the session's
CSRF token in ``X-CSRF-Token``). Every other route wants ``Authorization: Bearer TOKEN``.
``PUT`` (or ``POST``) ``/api/v1/member/rounds/{category}/{round}/ballot`` casts or revises a
ballot and answers with the receipt. Errors come in the app's one shape; a refused token, a cast
after close or outside the member's electorate, and a ballot breaking the round's rules change
nothing but the audit log.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from shortlist.domain.model import BallotKind
from shortlist.domain.voting import Marks
from shortlist.service import access, member_rounds
from shortlist.service.access import SignedIn
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.web.cast_desk import Order, desk_of
from shortlist.web.deps import ClockNow, Db, Settings
from shortlist.web.errors import ApiError
from shortlist.web.security import bearer_token, client_address, csrf_protected, limit
from shortlist.web.sessions import session_of

router = APIRouter(prefix="/api/v1/member", tags=["members"])

Key = Annotated[StrictStr, Field(min_length=1, max_length=100)]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    link: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = None


class TokenOut(BaseModel):
    token: str
    edition: str
    member: str
    name: str
    expires_in: int = Field(description="seconds until the token expires")


class RoundOut(BaseModel):
    category: str
    round: str
    category_name: str
    name: str
    kind: str
    opens: datetime
    closes: datetime
    voted: bool
    locked: bool


class CreditOut(BaseModel):
    person: str
    role: str


class EntryOut(BaseModel):
    key: str
    title: str
    credits: list[CreditOut]
    recused: bool


class PaperOut(BaseModel):
    category: str
    round: str
    category_name: str
    name: str
    kind: str
    max_ranks: int
    min_score: int
    max_score: int
    max_choices: int
    entries: list[EntryOut]
    gate: str
    gate_met: bool
    voted: bool
    locked: bool
    closes: datetime


class BallotIn(BaseModel):
    """Exactly one of: ``ranking`` (first choice first), ``scores``, ``choice``, ``approvals``."""

    model_config = ConfigDict(extra="forbid")
    ranking: Annotated[list[Key], Field(max_length=500)] | None = None
    scores: Annotated[dict[Key, StrictInt], Field(max_length=500)] | None = None
    choice: Key | None = None
    approvals: Annotated[list[Key], Field(max_length=500)] | None = None


class ReceiptOut(BaseModel):
    round: str
    tracker: str
    revision: bool
    at: datetime
    mailed: bool


def member_of(request: Request, db: Db, clock: ClockNow) -> SignedIn:
    """The member the bearer token belongs to; 401 (audited when a token was sent) otherwise.
    (Its own short unit of work: a route may take a rate-limit hit after it.)"""
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthenticated", "send the header 'Authorization: Bearer TOKEN'")
    try:
        with db.unit_of_work() as uow:
            return access.bearer(uow, token, clock)
    except access.AccessRefused as exc:
        raise ApiError(401, "token_refused", str(exc)) from None


Member = Annotated[SignedIn, Depends(member_of)]


async def bearer_of(request: Request) -> str:
    """The bearer token sent (checked against the database by the route); 401 when none."""
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthenticated", "send the header 'Authorization: Bearer TOKEN'")
    return token


Bearer = Annotated[str, Depends(bearer_of)]


@router.post("/token", response_model=TokenOut)
async def token(
    request: Request, body: TokenRequest, db: Db, clock: ClockNow, settings: Settings
) -> TokenOut:
    limit(db, clock, "sign_in", client_address(request), settings.sign_in_attempts_per_minute)
    seconds = int(access.API_TTL.total_seconds())
    if body.link is not None:
        try:
            with db.unit_of_work() as uow:
                member, bearer = access.exchange(uow, body.link, clock)
        except access.AccessRefused as exc:
            raise ApiError(401, "sign_in_refused", str(exc), field="link") from None
        return TokenOut(token=bearer, expires_in=seconds, **member.__dict__)
    await csrf_protected(request)
    session = session_of(request)
    if not session.member or not session.edition:
        raise ApiError(401, "unauthenticated", "give a sign-in link, or sign in on the site first")
    with db.unit_of_work() as uow:
        bearer = access.api_token(uow, session.edition, session.member, clock)
        name = uow.editions.member(uow.editions.id_of(session.edition), session.member).name
    return TokenOut(
        token=bearer, edition=session.edition, member=session.member, name=name,
        expires_in=seconds,
    )  # fmt: skip


@router.get("/rounds", response_model=list[RoundOut])
def my_rounds(db: Db, clock: ClockNow, member: Member) -> list[RoundOut]:
    with db.unit_of_work() as uow:
        found = member_rounds.open_to(uow, member.edition, member.member, clock)
    return [
        RoundOut(
            category=r.ref.category,
            round=r.ref.round,
            category_name=r.category,
            name=r.name,
            kind=r.kind,
            opens=r.opens,
            closes=r.closes,
            voted=r.voted,
            locked=r.locked,
        )
        for r in found
    ]


@router.get("/rounds/{category}/{round_key}", response_model=PaperOut)
def paper(db: Db, clock: ClockNow, member: Member, category: str, round_key: str) -> PaperOut:
    ref = RoundRef(member.edition, category, round_key)
    with db.unit_of_work() as uow:
        page = member_rounds.ballot_page(uow, ref, member.member, clock)
    spec = page.spec
    entries = [
        EntryOut(
            key=e.key,
            title=e.title,
            recused=e.key in page.recused,
            credits=[CreditOut(person=c.person, role=c.role) for c in e.credits],
        )
        for e in page.slate
    ]
    return PaperOut(
        category=category, round=round_key, category_name=page.category, name=page.name,
        kind=spec.kind.value, max_ranks=spec.max_ranks, min_score=spec.min_score,
        max_score=spec.max_score, max_choices=spec.max_choices, entries=entries,
        gate=page.gate_text, gate_met=page.gate_met, voted=page.voted, locked=page.locked,
        closes=page.closes,
    )  # fmt: skip


def marks_of(body: BallotIn, kind: BallotKind) -> Marks:
    """The marks the body gives for a ballot of ``kind``; 422 naming the field otherwise."""
    given = {
        name: value
        for name, value in (
            ("ranking", body.ranking), ("scores", body.scores), ("choice", body.choice),
            ("approvals", body.approvals),
        )
        if value is not None
    }  # fmt: skip
    wanted = {
        BallotKind.RANK: "ranking", BallotKind.SCORE: "scores", BallotKind.SINGLE: "choice",
        BallotKind.APPROVAL: "approvals",
    }[kind]  # fmt: skip
    if list(given) != [wanted]:
        raise ApiError(
            422, "invalid_request",
            f"a {kind.value} ballot is sent as {{{wanted!r}: ...}} and nothing else",
            field=wanted,
        )  # fmt: skip
    value = given[wanted]
    return [value] if isinstance(value, str) else value


@router.put("/rounds/{category}/{round_key}/ballot", response_model=ReceiptOut)
@router.post("/rounds/{category}/{round_key}/ballot", response_model=ReceiptOut)
async def cast(
    request: Request, body: BallotIn, token: Bearer, category: str, round_key: str
) -> ReceiptOut:
    order = Order(token, category, round_key, functools.partial(marks_of, body))
    done = await desk_of(request.app.state).cast(order)
    receipt = done.receipt
    return ReceiptOut(
        round=receipt.round, tracker=receipt.tracker, revision=receipt.revision, at=receipt.at,
        mailed=done.mailed,
    )  # fmt: skip


def _signed_in(uow: UnitOfWork, token: str, clock: Clock) -> SignedIn:
    try:
        return access.bearer(uow, token, clock)
    except access.AccessRefused as exc:
        raise ApiError(401, "token_refused", str(exc)) from None
