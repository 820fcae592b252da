"""The bulletin board: published at close (its fingerprint in the signed audit log), and a
voter's check that their receipt's tracker is on it."""

from __future__ import annotations

from datetime import datetime

from shortlist.domain.errors import LifecycleError
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.store.record_repository import RecordStore
from shortlist.store.records import RoundRecord
from shortlist.trust.board import Board


def publish_board(uow: UnitOfWork, record: RoundRecord, now: datetime, actor: str) -> Board:
    """Fix the round's board from the trackers in its box (called as the round closes)."""
    board = Board.of(record.label, uow.ballots.trackers(record.id))
    RecordStore(uow.connection).put_board(record.id, board, now)
    uow.audit.write(
        now, actor, "round.board", record.label,
        detail={"fingerprint": board.fingerprint, "trackers": len(board.trackers)},
    )  # fmt: skip
    return board


def board_of(uow: UnitOfWork, ref: RoundRef) -> Board:
    """The round's published board; :class:`LifecycleError` before the round closes."""
    record = uow.rounds.find(ref.edition, ref.category, ref.round)
    board = RecordStore(uow.connection).board(record.id, record.label)
    if board is None:
        raise LifecycleError(
            f"round {ref} is {record.status.value}: its board is published when it closes"
        )
    return board


def check_tracker(uow: UnitOfWork, ref: RoundRef, tracker: str) -> bool:
    """Whether ``tracker`` (from a voter's receipt) is on the round's board."""
    return board_of(uow, ref).holds(tracker)
