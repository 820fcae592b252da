"""The public record: the body's key, the audit log's hash chain and signatures, each round's
bulletin board and commitment to results.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from shortlist.store.types import Instant

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "body_keys",
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("registered_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", name="pk_body_keys"),
    )
    op.create_table(
        "audit_seals",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("prev", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["audit.id"], name="fk_audit_seals_entry_id"),
        sa.PrimaryKeyConstraint("entry_id", name="pk_audit_seals"),
        sa.UniqueConstraint("seq", name="uq_audit_seals_seq"),
        sa.UniqueConstraint("prev", name="uq_audit_seals_prev"),
    )
    tables: tuple[tuple[str, list[sa.Column[Any]]], ...] = (
        ("round_boards", [
            sa.Column("fingerprint", sa.String(64), nullable=False),
            sa.Column("trackers", sa.JSON(), nullable=False),
            sa.Column("published_at", Instant(), nullable=False),
        ]),
        ("round_commitments", [
            sa.Column("digest", sa.String(64), nullable=False),
            sa.Column("signature", sa.String(128), nullable=False),
            sa.Column("document", sa.JSON(), nullable=False),
            sa.Column("committed_at", Instant(), nullable=False),
        ]),
    )  # fmt: skip
    for name, columns in tables:
        op.create_table(
            name,
            sa.Column("round_id", sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], name=f"fk_{name}_round_id"),
            sa.PrimaryKeyConstraint("round_id", name=f"pk_{name}"),
        )


def downgrade() -> None:
    for name in ("round_commitments", "round_boards", "audit_seals", "body_keys"):
        op.drop_table(name)
