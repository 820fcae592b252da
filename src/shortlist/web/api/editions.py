"""``/api/v1``: editions, categories, entries (with credits), rounds, turnout; acts on rounds.

Administrators only (a session or ``Authorization: Bearer <token>`` from
``shortlist admin token``); observers read, administrators act. Turnout says how many voted,
never what: no tally is served here (results are served after announcement by the results API).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from shortlist.domain.errors import NotFound
from shortlist.domain.model import Edition
from shortlist.service import rounds, turnout
from shortlist.service.refs import RoundRef
from shortlist.store.records import RoundRecord
from shortlist.web.acts import act_on
from shortlist.web.auth import Administrator, Observer
from shortlist.web.deps import ClockNow, Uow
from shortlist.web.security import csrf_protected

router = APIRouter(prefix="/api/v1", tags=["administration"])


class BranchOut(BaseModel):
    code: str
    name: str


class EditionOut(BaseModel):
    key: str
    name: str
    body: str
    timezone: str
    branches: list[BranchOut]
    categories: list[str] = Field(description="The categories' keys, in order")


class CreditOut(BaseModel):
    person: str
    role: str
    member: str | None


class EntryOut(BaseModel):
    key: str
    title: str
    credits: list[CreditOut]


class CategoryOut(BaseModel):
    key: str
    name: str
    entries: int
    rounds: list[str]


class RoundOut(BaseModel):
    round: str = Field(description="EDITION/CATEGORY/ROUND")
    category: str
    key: str
    name: str
    status: Literal["draft", "open", "closed", "unsealed", "counted", "announced"]
    opens: datetime
    closes: datetime
    method: str
    ballot: str
    close_reason: str | None


class BranchTurnoutOut(BaseModel):
    branch: str
    name: str
    electorate: int
    voted: int


class TurnoutOut(BaseModel):
    round: str
    status: str
    electorate: int
    voted: int
    opens: datetime
    closes: datetime


class RoundTurnoutOut(TurnoutOut):
    branches: list[BranchTurnoutOut]


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    reason: str
    detail: dict[str, Any] | None


class Act(BaseModel):
    reason: str = Field(default="", max_length=2000, description="Needed to close early")


def _edition(found: Edition) -> EditionOut:
    return EditionOut(
        key=found.key,
        name=found.name,
        body=found.body,
        timezone=found.timezone,
        branches=[BranchOut(code=b.code, name=b.name) for b in found.branches],
        categories=[c.key for c in found.categories],
    )


def _round(record: RoundRecord) -> RoundOut:
    spec = record.spec
    return RoundOut(
        round=record.label,
        category=record.category,
        key=spec.key,
        name=spec.name,
        status=record.status.value,
        opens=spec.window.opens,
        closes=spec.window.closes,
        method=spec.method,
        ballot=spec.ballot.kind.value,
        close_reason=record.close_reason,
    )


@router.get("/editions", response_model=list[EditionOut])
def editions(uow: Uow, account: Observer) -> list[EditionOut]:
    return [_edition(uow.editions.get(key)) for key in uow.editions.keys()]  # noqa: SIM118


@router.get("/editions/{edition}", response_model=EditionOut)
def edition(edition: str, uow: Uow, account: Observer) -> EditionOut:
    return _edition(uow.editions.get(edition))


@router.get("/editions/{edition}/categories", response_model=list[CategoryOut])
def categories(edition: str, uow: Uow, account: Observer) -> list[CategoryOut]:
    return [
        CategoryOut(
            key=c.key, name=c.name, entries=len(c.entries), rounds=[r.key for r in c.rounds]
        )
        for c in uow.editions.get(edition).categories
    ]


@router.get("/editions/{edition}/categories/{category}/entries", response_model=list[EntryOut])
def entries(edition: str, category: str, uow: Uow, account: Observer) -> list[EntryOut]:
    found = next((c for c in uow.editions.get(edition).categories if c.key == category), None)
    if found is None:
        raise NotFound(f"edition {edition} has no category {category!r}")
    return [
        EntryOut(
            key=e.key,
            title=e.title,
            credits=[CreditOut(person=c.person, role=c.role, member=c.member) for c in e.credits],
        )
        for e in found.entries
    ]


@router.get("/editions/{edition}/rounds", response_model=list[RoundOut])
def edition_rounds(edition: str, uow: Uow, account: Observer) -> list[RoundOut]:
    uow.editions.id_of(edition)
    return [_round(r) for r in uow.rounds.of_edition(edition)]


@router.get("/editions/{edition}/turnout", response_model=list[TurnoutOut])
def edition_turnout(edition: str, uow: Uow, account: Observer) -> list[TurnoutOut]:
    return [
        TurnoutOut(
            round=t.round,
            status=t.status.value,
            electorate=t.electorate,
            voted=t.voted,
            opens=t.opens,
            closes=t.closes,
        )
        for t in rounds.turnout(uow, edition)
    ]


@router.get("/rounds/{edition}/{category}/{round_key}", response_model=RoundOut)
def round_status(
    edition: str, category: str, round_key: str, uow: Uow, account: Observer
) -> RoundOut:
    return _round(rounds.find(uow, RoundRef(edition, category, round_key)))


@router.get("/rounds/{edition}/{category}/{round_key}/turnout", response_model=RoundTurnoutOut)
def round_turnout(
    edition: str, category: str, round_key: str, uow: Uow, account: Observer
) -> RoundTurnoutOut:
    ref = RoundRef(edition, category, round_key)
    record = rounds.find(uow, ref)
    return RoundTurnoutOut(
        round=record.label,
        status=record.status.value,
        electorate=uow.rounds.electorate_size(record.id),
        voted=uow.rounds.turnout(record.id),
        opens=record.spec.window.opens,
        closes=record.spec.window.closes,
        branches=[BranchTurnoutOut(**b.__dict__) for b in turnout.by_branch(uow, ref)],
    )


@router.get("/audit", response_model=list[AuditEntryOut])
def audit(
    uow: Uow,
    account: Observer,
    target: Annotated[
        str, Query(max_length=300, description="Entries whose target starts so")
    ] = "",
    after: Annotated[int, Query(ge=0, description="Only entries with a greater id")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryOut]:
    """The audit log, oldest first; page with ``after`` (the last id read)."""
    return [
        AuditEntryOut(**entry.__dict__) for entry in uow.audit.entries(target) if entry.id > after
    ][:limit]


@router.post(
    "/rounds/{edition}/{category}/{round_key}/{act}",
    response_model=RoundOut,
    dependencies=[Depends(csrf_protected)],
    responses={409: {"description": "The round is not in the state this act needs"}},
)
def act_on_round(
    edition: str,
    category: str,
    round_key: str,
    act: Literal["open", "close", "count", "announce", "advance"],
    uow: Uow,
    clock: ClockNow,
    account: Administrator,
    body: Act | None = None,
) -> RoundOut:
    """Open, close (early: with a reason), count (after unsealing), announce or advance."""
    ref = RoundRef(edition, category, round_key)
    act_on(act, uow, ref, clock, account.name, (body or Act()).reason.strip())
    return _round(rounds.find(uow, ref))
