"""The acts on a round that pages and the API share, each calling one service function."""

from __future__ import annotations

from shortlist.service import rounds
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.web.errors import ApiError

ACTS = ("open", "close", "count", "announce", "advance")


def act_on(act: str, uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str, reason: str) -> None:
    """Carry out ``act`` on round ``ref`` as ``actor`` (the service writes the audit log)."""
    if act == "open":
        rounds.open_round(uow, ref, clock, actor)
    elif act == "close":
        rounds.close_round(uow, ref, clock, actor, reason)
    elif act == "count":
        rounds.count_round(uow, ref, clock, actor)
    elif act == "announce":
        rounds.announce_round(uow, ref, clock, actor)
    elif act == "advance":
        rounds.advance(uow, ref, clock, actor)
    else:
        raise ApiError(404, "not_found", f"no act {act!r} on a round; acts: {', '.join(ACTS)}")
