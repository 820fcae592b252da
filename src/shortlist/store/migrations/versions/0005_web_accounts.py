"""The web app's accounts: administrators, single-use tokens, rate-limit windows.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shortlist.store.types import Instant

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "administrators",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("totp_secret", sa.String(64), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_totp_step", sa.Integer(), nullable=False),
        sa.Column("created_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_administrators"),
    )
    op.create_table(
        "single_use_tokens",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(50), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("issued_at", Instant(), nullable=False),
        sa.Column("expires_at", Instant(), nullable=False),
        sa.Column("used_at", Instant(), nullable=True),
        sa.PrimaryKeyConstraint("digest", name="pk_single_use_tokens"),
    )
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("ends_at", Instant(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_rate_windows"),
    )
    op.create_index("ix_rate_windows_ends_at", "rate_windows", ["ends_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_windows_ends_at", "rate_windows")
    op.drop_table("rate_windows")
    op.drop_table("single_use_tokens")
    op.drop_table("administrators")
