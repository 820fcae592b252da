"""Tables of the public record: the body's key, the audit log's seals (hash chain and
signatures), each round's bulletin board and its commitment to results (with the secret salts that
open its digests).

``audit_seals`` links every ``audit`` row into the chain: ``seq`` and ``prev`` are unique, so two
writers can never fork the chain (one of them fails and rolls back).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table

from shortlist.store.tables import metadata
from shortlist.store.types import Instant

body_keys = Table(
    "body_keys",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("registered_at", Instant, nullable=False),
)

audit_seals = Table(
    "audit_seals",
    metadata,
    Column("entry_id", ForeignKey("audit.id"), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("prev", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)

round_boards = Table(
    "round_boards",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("trackers", JSON, nullable=False),
    Column("published_at", Instant, nullable=False),
)

round_commitments = Table(
    "round_commitments",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("document", JSON, nullable=False),
    Column("committed_at", Instant, nullable=False),
    # the secret salts of the document's digests, published only with what each covers
    Column("openings", JSON, nullable=True),
)
