"""The tables of eligibility rulings: entries excluded from their category, members excluded
from one round's electorate. A row stands while the ruling stands; reinstating deletes it. The
history of rulings (who, when, why) is the audit log's, not these tables'.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text

from shortlist.store.tables import metadata
from shortlist.store.types import Instant

entry_exclusions = Table(
    "entry_exclusions",
    metadata,
    Column("entry_id", ForeignKey("entries.id"), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("at", Instant, nullable=False),
    Column("actor", String(200), nullable=False),
)

member_exclusions = Table(
    "member_exclusions",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("at", Instant, nullable=False),
    Column("actor", String(200), nullable=False),
)
