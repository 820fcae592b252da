"""A round's bulletin board as the public sees it, shared by its page and its API.

The board is published when the round closes. Before that, and for a round that does not
exist, both answer the same 404 with the same message (:class:`NoBoard`): whether a round is
still open is not shown publicly (turnout is for observers), so the board must not tell either.
Once closed, the board itself says so: that is what it is for.
"""

from __future__ import annotations

import re

from shortlist.domain.errors import LifecycleError, NotFound
from shortlist.service import board as board_service
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.trust.board import Board

TRACKER = re.compile(r"[0-9a-f]{64}")
TRACKER_RULE = "a tracker is the 64 hexadecimal characters (0-9, a-f) printed on your receipt"


class NoBoard(NotFound):
    """No board is published for the round asked for (unknown, or not closed yet)."""

    def __init__(self) -> None:
        super().__init__("no board is published for this round")


def published_board(uow: UnitOfWork, ref: RoundRef) -> Board:
    """The round's board; :class:`NoBoard` for an unknown round or one not yet closed."""
    try:
        return board_service.board_of(uow, ref)
    except (NotFound, LifecycleError):
        raise NoBoard() from None


def tracker_of(typed: str) -> str | None:
    """The tracker a voter typed or pasted (spaces and case forgiven), or None if it is not one."""
    tracker = "".join(typed.split()).lower()
    return tracker if TRACKER.fullmatch(tracker) else None


def board_path(ref: RoundRef) -> str:
    return f"/editions/{ref.edition}/categories/{ref.category}/rounds/{ref.round}/board"
