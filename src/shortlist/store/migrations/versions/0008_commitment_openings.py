"""The secret salts of each round's committed digests (of the full result and of the shuffled
ballots), kept until each is published with what it covers.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("round_commitments") as batch:
        batch.add_column(sa.Column("openings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("round_commitments") as batch:
        batch.drop_column("openings")
