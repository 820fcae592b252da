"""Eligibility rulings: entries excluded from their category, members excluded from a round.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shortlist.store.types import Instant

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _ruling_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", Instant, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "entry_exclusions",
        sa.Column(
            "entry_id",
            sa.Integer,
            sa.ForeignKey("entries.id", name="fk_entry_exclusions_entry_id"),
            nullable=False,
        ),
        *_ruling_columns(),
        sa.PrimaryKeyConstraint("entry_id", name="pk_entry_exclusions"),
    )
    op.create_table(
        "member_exclusions",
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("rounds.id", name="fk_member_exclusions_round_id"),
            nullable=False,
        ),
        sa.Column("member", sa.String(64), nullable=False),
        *_ruling_columns(),
        sa.PrimaryKeyConstraint("round_id", "member", name="pk_member_exclusions"),
    )


def downgrade() -> None:
    op.drop_table("member_exclusions")
    op.drop_table("entry_exclusions")
