"""Each round's published board and its signed commitment to results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from shortlist.store import record_tables as r
from shortlist.trust.board import Board
from shortlist.trust.commitment import Commitment, Openings


class RecordStore:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def put_board(self, round_id: int, board: Board, at: datetime) -> None:
        self.c.execute(
            insert(r.round_boards).values(
                round_id=round_id, fingerprint=board.fingerprint,
                trackers=list(board.trackers), published_at=at,
            )
        )  # fmt: skip

    def board(self, round_id: int, label: str) -> Board | None:
        row = self.c.execute(
            select(r.round_boards).where(r.round_boards.c.round_id == round_id)
        ).first()
        return None if row is None else Board(label, tuple(row.trackers), row.fingerprint)

    def put_commitment(
        self,
        round_id: int,
        commitment: Commitment,
        document: dict[str, Any],
        openings: Openings,
        at: datetime,
    ) -> None:
        self.c.execute(
            insert(r.round_commitments).values(
                round_id=round_id, digest=commitment.digest, signature=commitment.signature,
                document=document, committed_at=at, openings=openings.to_json(),
            )
        )  # fmt: skip

    def openings(self, round_id: int) -> Openings | None:
        """The secret salts of a round's committed digests (None: committed before they were
        kept, or not committed)."""
        found = self.c.execute(
            select(r.round_commitments.c.openings).where(r.round_commitments.c.round_id == round_id)
        ).scalar()
        return None if found is None else Openings.from_json(found)

    def commitment(self, round_id: int, label: str) -> tuple[Commitment, dict[str, Any]] | None:
        row = self.c.execute(
            select(r.round_commitments).where(r.round_commitments.c.round_id == round_id)
        ).first()
        if row is None:
            return None
        return Commitment(label, row.digest, row.signature), dict(row.document)
