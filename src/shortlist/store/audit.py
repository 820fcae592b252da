"""The audit log: every administrative act, hash-chained and signed with the body's key.

:meth:`AuditLog.write` keeps its signature for callers; each entry it writes gets its place in
the chain (``audit_seals``). Writers queue on the chain's head (SQLite: ``BEGIN IMMEDIATE``;
PostgreSQL: a transaction-level advisory lock), and the unique ``seq``/``prev`` columns refuse
a fork outright. The first entry registers the body's public key in ``body_keys``; later
writes refuse a key file that is not that key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text

from shortlist.store import record_tables as r
from shortlist.store import tables as t
from shortlist.store.body_key import BodyKeyFile
from shortlist.store.records import AuditEntry
from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import instant, plain
from shortlist.trust.chain import GENESIS, Head, LogEntry, SealedEntry, seal_entry
from shortlist.trust.errors import VerificationError

#: The advisory lock that queues PostgreSQL writers on the chain's head.
_CHAIN_LOCK = 0x5E417


class AuditLog:
    def __init__(self, connection: Connection, key_file: BodyKeyFile | None = None) -> None:
        self.c = connection
        self.key_file = key_file if key_file is not None else BodyKeyFile(None)

    def write(
        self,
        at: datetime,
        actor: str,
        action: str,
        target: str,
        reason: str = "",
        detail: Any = None,
    ) -> None:
        if self.c.dialect.name == "postgresql":
            self.c.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
        key = self.signing_key(at)
        head = self.head()
        entry = LogEntry(
            head.seq + 1, instant(at), actor, action, target, reason,
            None if detail is None else plain(detail),
        )  # fmt: skip
        sealed = seal_entry(entry, head.hash, key)
        row = self.c.execute(
            insert(t.audit)
            .values(at=at, actor=actor, action=action, target=target, reason=reason,
                    detail=entry.detail)
            .returning(t.audit.c.id)
        ).scalar_one()  # fmt: skip
        self.c.execute(
            insert(r.audit_seals).values(
                entry_id=row, seq=entry.seq, prev=sealed.prev, hash=sealed.hash,
                signature=sealed.signature,
            )
        )  # fmt: skip

    def signing_key(self, now: datetime) -> BodyKey:
        """The body's key from its file, registered in the database on first use; refused if
        the database's log is signed with another key."""
        registered = self.registered_key()
        key = self.key_file.load(create=registered is None)
        if registered is None:
            self.c.execute(
                insert(r.body_keys).values(
                    fingerprint=key.public.fingerprint, public_key=key.public.hex,
                    registered_at=now,
                )
            )  # fmt: skip
        elif registered != key.public:
            raise VerificationError(
                f"the body key {self.key_file.path} (fingerprint {key.public.fingerprint[:16]}) "
                f"is not the key this database is signed with ({registered.fingerprint[:16]})"
            )
        return key

    def registered_key(self) -> BodyPublicKey | None:
        rows = self.c.execute(select(r.body_keys.c.public_key)).scalars().all()
        if len(rows) > 1:
            raise VerificationError("the database names more than one body key")
        return BodyPublicKey.from_hex(rows[0], "registered body key") if rows else None

    def head(self) -> Head:
        row = self.c.execute(
            select(r.audit_seals.c.seq, r.audit_seals.c.hash)
            .order_by(r.audit_seals.c.seq.desc())
            .limit(1)
        ).first()
        return Head(0, GENESIS) if row is None else Head(row.seq, row.hash)

    def entries(self, target_prefix: str = "", limit: int | None = None) -> list[AuditEntry]:
        query = select(t.audit).order_by(t.audit.c.id)
        if target_prefix:
            query = query.where(t.audit.c.target.startswith(target_prefix))
        if limit is not None:
            query = query.limit(limit)
        return [
            AuditEntry(r.id, r.at, r.actor, r.action, r.target, r.reason, r.detail)
            for r in self.c.execute(query)
        ]

    def sealed(self) -> tuple[list[SealedEntry], list[int]]:
        """The chain as stored, in the order the database gives (by id), and the ids of audit
        rows that have no place in the chain."""
        rows = self.c.execute(
            select(t.audit, r.audit_seals)
            .join_from(
                t.audit, r.audit_seals, t.audit.c.id == r.audit_seals.c.entry_id, isouter=True
            )
            .order_by(t.audit.c.id)
        ).all()
        chain, loose = [], []
        for row in rows:
            if row.seq is None:
                loose.append(row.id)
                continue
            entry = LogEntry(
                row.seq, instant(row.at), row.actor, row.action, row.target, row.reason,
                row.detail,
            )  # fmt: skip
            chain.append(SealedEntry(entry, row.prev, row.hash, row.signature))
        return chain, loose
