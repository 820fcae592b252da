"""The tables, as SQLAlchemy Core metadata (the migrations build exactly this schema).

Secrecy: ``participation`` records *that* a member voted in a round; ``ballots`` holds *what*
was cast, sealed to the round's election key (ciphertext only, see ``sealing_tables``), keyed by
``box_id``: while the round is open an HMAC of the member under the round's
secret (in ``round_secrets``), so a revision replaces the ballot; at close the secret is deleted
and every ``box_id`` replaced by a random one, so no one holding the database can link a
counted ballot to a member. Ballots carry no time and (on SQLite) no rowid.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shortlist.store.types import Instant

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ix": "ix_%(table_name)s_%(column_0_name)s",
    }
)

editions = Table(
    "editions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("body", String(300), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("category_quota", Integer),
    Column("loaded_at", Instant, nullable=False),
)

branches = Table(
    "branches",
    metadata,
    Column("edition_id", ForeignKey("editions.id"), primary_key=True),
    Column("code", String(100), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("position", Integer, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("edition_id", ForeignKey("editions.id"), primary_key=True),
    Column("number", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("email", String(300), nullable=False, default=""),
    # the member's IANA time zone from the roll ("" : the edition's); migration 0007
    Column("timezone", String(64), nullable=False, default="", server_default=""),
)

member_branches = Table(
    "member_branches",
    metadata,
    Column("edition_id", Integer, primary_key=True),
    Column("number", String(64), primary_key=True),
    Column("branch", String(100), primary_key=True),
)

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("edition_id", ForeignKey("editions.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("edition_id", "key"),
)

entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("category_id", ForeignKey("categories.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("title", String(500), nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("category_id", "key"),
)

credits = Table(
    "credits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", ForeignKey("entries.id"), nullable=False, index=True),
    Column("person", String(300), nullable=False),
    Column("role", String(100), nullable=False),
    Column("member", String(64), index=True),
)

rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("category_id", ForeignKey("categories.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("spec", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("slate", JSON),
    Column("opened_at", Instant),
    Column("closed_at", Instant),
    Column("close_reason", Text),
    Column("counted_at", Instant),
    Column("announced_at", Instant),
    Column("result", JSON),
    Column("outcome", JSON),
    UniqueConstraint("category_id", "key"),
)

round_secrets = Table(
    "round_secrets",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("secret", LargeBinary, nullable=False),
)

electorate = Table(
    "electorate",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("member", String(64), primary_key=True),
)

opt_ins = Table(
    "opt_ins",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("at", Instant, nullable=False),
)

viewings = Table(
    "viewings",
    metadata,
    Column("entry_id", ForeignKey("entries.id"), primary_key=True),
    Column("member", String(64), primary_key=True, index=True),
    Column("at", Instant, nullable=False),
)

attestations = Table(
    "attestations",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("at", Instant, nullable=False),
)

participation = Table(
    "participation",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("first_at", Instant, nullable=False),
    Column("last_at", Instant, nullable=False),
    Column("revisions", Integer, nullable=False),
)

ballots = Table(
    "ballots",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("box_id", String(64), primary_key=True),
    Column("sealed", LargeBinary, nullable=False),
    Column("tracker", String(64), nullable=False),
    sqlite_with_rowid=False,
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Instant, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("target", String(300), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("detail", JSON),
)
from shortlist.store import account_tables as _account_tables  # noqa: E402,F401
from shortlist.store import record_tables as _record_tables  # noqa: E402,F401
from shortlist.store import ruling_tables as _ruling_tables  # noqa: E402,F401
from shortlist.store import sealing_tables as _sealing_tables  # noqa: E402,F401
