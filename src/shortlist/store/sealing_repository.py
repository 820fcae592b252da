"""The repository of sealing: a round's election key, its custodians and their sealed shares,
and the unsealed ballots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from shortlist.store import sealing_tables as s
from shortlist.store import tables as t


@dataclass(frozen=True)
class StoredCustodian:
    name: str
    public_key: bytes
    sealed_share: bytes


@dataclass(frozen=True)
class StoredKey:
    """A round's election public key, its fingerprint, k of n, and its custodians in order."""

    public_key: bytes
    fingerprint: str
    k: int
    n: int
    sealed_at: datetime
    custodians: tuple[StoredCustodian, ...]


class ElectionKeys:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def put(
        self, round_id: int, public_key: bytes, fingerprint: str, k: int, at: datetime,
        custodians: Sequence[StoredCustodian],
    ) -> None:  # fmt: skip
        self.c.execute(
            insert(s.election_keys).values(
                round_id=round_id, public_key=public_key, fingerprint=fingerprint, k=k,
                n=len(custodians), sealed_at=at,
            )
        )  # fmt: skip
        rows = [
            {"round_id": round_id, "name": c.name, "position": i, "public_key": c.public_key,
             "sealed_share": c.sealed_share}
            for i, c in enumerate(custodians)
        ]  # fmt: skip
        self.c.execute(insert(s.custodians), rows)

    def get(self, round_id: int) -> StoredKey | None:
        key = self.c.execute(
            select(s.election_keys).where(s.election_keys.c.round_id == round_id)
        ).first()
        if key is None:
            return None
        rows = self.c.execute(
            select(s.custodians)
            .where(s.custodians.c.round_id == round_id)
            .order_by(s.custodians.c.position)
        )
        custodians = tuple(
            StoredCustodian(r.name, bytes(r.public_key), bytes(r.sealed_share)) for r in rows
        )
        return StoredKey(
            bytes(key.public_key), key.fingerprint, key.k, key.n, key.sealed_at, custodians
        )

    def public_key(self, round_id: int) -> bytes | None:
        found = self.c.execute(
            select(s.election_keys.c.public_key).where(s.election_keys.c.round_id == round_id)
        ).scalar()
        return None if found is None else bytes(found)

    def put_unsealed(self, round_id: int, shuffled: Sequence[Any]) -> None:
        """Store the opened ballots in the (already shuffled) order given, and drop the sealed
        ballots' box ids (each sealed ballot is then filed under its tracker)."""
        rows = [{"round_id": round_id, "position": i, "marks": m} for i, m in enumerate(shuffled)]
        if rows:
            self.c.execute(insert(s.unsealed_ballots), rows)
        self.c.execute(
            update(t.ballots)
            .where(t.ballots.c.round_id == round_id)
            .values(box_id=t.ballots.c.tracker)
        )
