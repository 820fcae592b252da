"""Published results over the API: an announced round's outcome (and its count when the body
publishes counts). Before the announcement, the round answers exactly as a round that does not
exist: the same 404, the same body."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shortlist.service import results
from shortlist.service.refs import RoundRef
from shortlist.web.deps import ClockNow, Uow

router = APIRouter(prefix="/api/v1", tags=["results"])

NOT_PUBLISHED = {404: {"description": "No such round, or its results are not announced yet"}}


class Entry(BaseModel):
    key: str
    title: str


class RoundResults(BaseModel):
    edition: str
    category: str
    round: str
    category_name: str
    round_name: str
    publication: Literal["alphabetical", "full"] = Field(
        description="alphabetical: the outcome only, by title; full: in order, with the count"
    )
    announced_at: datetime | None
    outcome: list[Entry] = Field(description="Who goes on: the shortlist, nominees or winners")
    result: dict[str, Any] | None = Field(
        description="The count (format shortlist-result/1), only when the publication is full"
    )


class PublishedRoundLink(BaseModel):
    category: str
    round: str
    category_name: str
    round_name: str
    announced_at: datetime
    url: str


@router.get(
    "/editions/{edition}/categories/{category}/rounds/{round}/results",
    response_model=RoundResults,
    responses=NOT_PUBLISHED,  # type: ignore[arg-type]
)
def round_results(
    edition: str, category: str, round: str, uow: Uow, clock: ClockNow
) -> RoundResults:
    """The results of an announced round."""
    found = results.published(uow, RoundRef(edition, category, round), clock)
    a = found.announcement
    return RoundResults(
        edition=edition,
        category=category,
        round=round,
        category_name=a.category,
        round_name=a.round_name,
        publication=a.mode.value,
        announced_at=a.at,
        outcome=[Entry(key=k, title=t) for k, t in zip(a.keys, a.titles, strict=True)],
        result=a.result,
    )


@router.get("/editions/{edition}/results", response_model=list[PublishedRoundLink])
def edition_results(edition: str, uow: Uow, clock: ClockNow) -> list[PublishedRoundLink]:
    """Every announced round of an edition, with the address of its results."""
    return [
        PublishedRoundLink(
            category=p.ref.category,
            round=p.ref.round,
            category_name=p.category_name,
            round_name=p.round_name,
            announced_at=p.announced_at,
            url=f"/api/v1/editions/{edition}/categories/{p.ref.category}/rounds/{p.ref.round}/results",
        )
        for p in results.published_rounds(uow, edition, clock)
    ]
