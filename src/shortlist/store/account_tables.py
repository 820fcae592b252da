"""Tables of the web app's accounts: administrators, single-use tokens and rate-limit windows.

Everything workers share lives here, never in a process's memory, so several workers on one
database behave as one:

- ``administrators``: a name, a role (owner, administrator, observer), an argon2 password hash
  and a TOTP secret; ``session_version`` is bumped to end every session of an account at once.
- ``single_use_tokens``: only the SHA-256 digest of a token is stored (a leaked table grants
  nothing); ``used_at`` marks a token spent, ``expires_at`` bounds its life. Magic links reuse it
  (``purpose`` tells them apart).
- ``rate_windows``: one counter per (scope, subject, fixed window); an UPDATE ... RETURNING on
  the row counts a hit atomically on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from shortlist.store.tables import metadata
from shortlist.store.types import Instant

administrators = Table(
    "administrators",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("totp_secret", String(64), nullable=False),
    Column("session_version", Integer, nullable=False, default=1),
    Column("last_totp_step", Integer, nullable=False, default=0),
    Column("created_at", Instant, nullable=False),
)

single_use_tokens = Table(
    "single_use_tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("purpose", String(50), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("issued_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("used_at", Instant),
)

rate_windows = Table(
    "rate_windows",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("hits", Integer, nullable=False),
    Column("ends_at", Instant, nullable=False),
)
Index("ix_rate_windows_ends_at", rate_windows.c.ends_at)
