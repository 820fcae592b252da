"""Repositories of the web app's accounts, tokens and rate-limit windows.

Built on a unit of work's connection (``Tokens(uow.connection)``), so they share its
transaction and commit with it.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from shortlist.store import account_tables as t
from shortlist.store.types import Instant


@dataclass(frozen=True)
class AdministratorRecord:
    name: str
    role: str
    password_hash: str
    totp_secret: str
    session_version: int
    last_totp_step: int


class Administrators:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, record: AdministratorRecord, at: datetime) -> bool:
        """Add an account; False when the name is taken (nothing changed)."""
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(t.administrators).values(
                        name=record.name,
                        role=record.role,
                        password_hash=record.password_hash,
                        totp_secret=record.totp_secret,
                        session_version=record.session_version,
                        last_totp_step=record.last_totp_step,
                        created_at=at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def get(self, name: str) -> AdministratorRecord | None:
        row = self.c.execute(
            select(t.administrators).where(t.administrators.c.name == name)
        ).one_or_none()
        if row is None:
            return None
        return AdministratorRecord(
            row.name,
            row.role,
            row.password_hash,
            row.totp_secret,
            row.session_version,
            row.last_totp_step,
        )

    def all(self) -> list[AdministratorRecord]:
        names = self.c.execute(select(t.administrators.c.name).order_by(t.administrators.c.name))
        return [record for name in names.scalars() if (record := self.get(name)) is not None]

    def use_totp_step(self, name: str, step: int) -> bool:
        """Record that a TOTP code of ``step`` was used; False if that step (or a later one) was.

        One atomic UPDATE, so a code cannot be replayed even by two workers at once.
        """
        table = t.administrators
        done = self.c.execute(
            update(table)
            .where(table.c.name == name, table.c.last_totp_step < step)
            .values(last_totp_step=step)
        )
        return done.rowcount == 1

    def set_password(self, name: str, password_hash: str) -> None:
        self.c.execute(
            update(t.administrators)
            .where(t.administrators.c.name == name)
            .values(password_hash=password_hash)
        )

    def end_sessions(self, name: str) -> None:
        table = t.administrators
        self.c.execute(
            update(table)
            .where(table.c.name == name)
            .values(session_version=table.c.session_version + 1)
        )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    purpose: str
    subject: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None


_TOKEN = select(t.single_use_tokens).where(t.single_use_tokens.c.digest == bindparam("digest"))


class Tokens:
    """Single-use tokens, stored by digest only."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def add(self, token: str, purpose: str, subject: str, at: datetime, expires: datetime) -> None:
        self.c.execute(
            insert(t.single_use_tokens).values(
                digest=digest(token),
                purpose=purpose,
                subject=subject,
                issued_at=at,
                expires_at=expires,
                used_at=None,
            )
        )

    def get(self, token: str) -> TokenRecord | None:
        row = self.c.execute(_TOKEN, {"digest": digest(token)}).one_or_none()
        if row is None:
            return None
        return TokenRecord(row.purpose, row.subject, row.issued_at, row.expires_at, row.used_at)

    def spend(self, token: str, purpose: str, at: datetime) -> TokenRecord | None:
        """Mark the token used, atomically; None if unknown, for another purpose, spent or expired.

        One conditional UPDATE, so two workers cannot both spend it.
        """
        table = t.single_use_tokens
        done = self.c.execute(
            update(table)
            .where(
                table.c.digest == digest(token),
                table.c.purpose == purpose,
                table.c.used_at.is_(None),
                table.c.expires_at > at,
            )
            .values(used_at=at)
        )
        return self.get(token) if done.rowcount == 1 else None

    def expire_all(self, purpose: str, subject: str, at: datetime) -> None:
        """End now every unexpired token of ``purpose`` held by ``subject``."""
        table = t.single_use_tokens
        self.c.execute(
            update(table)
            .where(
                table.c.purpose == purpose,
                table.c.subject == subject,
                table.c.expires_at > at,
            )
            .values(expires_at=at)
        )


@functools.cache
def _hit(dialect: str) -> Any:
    """One hit on a window: ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING hits``, built once."""
    table = t.rate_windows
    upsert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return (
        upsert.values(key=bindparam("key"), hits=1, ends_at=bindparam("ends_at", type_=Instant()))
        .on_conflict_do_update(index_elements=["key"], set_={"hits": table.c.hits + 1})
        .returning(table.c.hits)
    )


class RateWindows:
    """Fixed-window counters shared by every worker: one atomic upsert per hit."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def hit(self, key: str, at: datetime, period: timedelta) -> tuple[int, datetime]:
        """Count one hit on ``key`` in the window containing ``at``: (hits so far, window end)."""
        seconds = int(period.total_seconds())
        start = int(at.timestamp()) // seconds * seconds
        ends = datetime.fromtimestamp(start + seconds, UTC)
        window = f"{key}@{start}"
        values = {"key": window, "ends_at": ends}
        hits = self.c.execute(_hit(self.c.dialect.name), values).scalar_one()
        return int(hits), ends

    def forget_before(self, at: datetime) -> None:
        self.c.execute(delete(t.rate_windows).where(t.rate_windows.c.ends_at < at))
