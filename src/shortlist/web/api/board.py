"""A round's bulletin board over the API: its fingerprint and trackers, and whether one tracker
is on it. An unknown round and one not yet closed answer the same 404 (see
:mod:`shortlist.web.boards`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from shortlist.service.refs import RoundRef
from shortlist.web.boards import TRACKER_RULE, published_board, tracker_of
from shortlist.web.deps import Uow
from shortlist.web.errors import ApiError, FieldProblem

router = APIRouter(prefix="/api/v1", tags=["board"])

NO_BOARD = {404: {"description": "No such round, or it has not closed yet"}}


class RoundBoard(BaseModel):
    edition: str
    category: str
    round: str
    fingerprint: str = Field(
        description="SHA-256 chain over the sorted trackers (format shortlist-board/1), "
        "published in the signed audit log at close"
    )
    count: int = Field(description="How many ballots are on the board")
    trackers: list[str] = Field(description="Every cast ballot's tracker, sorted")


class TrackerCheck(BaseModel):
    edition: str
    category: str
    round: str
    tracker: str
    on_board: bool
    fingerprint: str
    count: int


@router.get(
    "/editions/{edition}/categories/{category}/rounds/{round}/board",
    response_model=RoundBoard,
    responses=NO_BOARD,  # type: ignore[arg-type]
)
def round_board(edition: str, category: str, round: str, uow: Uow) -> RoundBoard:
    """The round's bulletin board, published at close."""
    board = published_board(uow, RoundRef(edition, category, round))
    return RoundBoard(
        edition=edition, category=category, round=round, fingerprint=board.fingerprint,
        count=len(board.trackers), trackers=list(board.trackers),
    )  # fmt: skip


@router.get(
    "/editions/{edition}/categories/{category}/rounds/{round}/board/{tracker}",
    response_model=TrackerCheck,
    responses=NO_BOARD,  # type: ignore[arg-type]
)
def check_tracker(edition: str, category: str, round: str, tracker: str, uow: Uow) -> TrackerCheck:
    """Whether a receipt's tracker is on the round's board."""
    wanted = tracker_of(tracker)
    if wanted is None:
        problem = FieldProblem("tracker", TRACKER_RULE)
        raise ApiError(422, "invalid_request", TRACKER_RULE, field="tracker", problems=(problem,))
    ref = RoundRef(edition, category, round)
    board = published_board(uow, ref)
    return TrackerCheck(
        edition=edition, category=category, round=round, tracker=wanted,
        on_board=board.holds(wanted), fingerprint=board.fingerprint, count=len(board.trackers),
    )  # fmt: skip
