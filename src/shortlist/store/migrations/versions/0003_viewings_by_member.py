"""Index viewings by member: a member's standing in a round reads what they watched.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_viewings_member", "viewings", ["member"])


def downgrade() -> None:
    op.drop_index("ix_viewings_member", "viewings")
