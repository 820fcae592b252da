"""Sealed ballots: election keys, custodians, ciphertext-only ballots, unsealed ballots.

The ``ballots`` table is rebuilt with a ``sealed`` (ciphertext) column instead of ``marks``.
Ballots cast before sealing existed were plaintext: those of closed, counted or announced rounds
move to ``unsealed_ballots`` (in their random box order) and a closed round becomes
``unsealed``, so it can still be counted; their trackers (a hash of the plaintext) cannot be
kept. A round open with plaintext ballots cannot be upgraded: close it first.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shortlist.store.types import Instant

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(column: str, table: str) -> sa.Column[int]:
    foreign = sa.ForeignKey("rounds.id", name=f"fk_{table}_{column}")
    return sa.Column(column, sa.Integer, foreign, nullable=False)


def upgrade() -> None:
    op.create_table(
        "election_keys",
        _fk("round_id", "election_keys"),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("sealed_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("round_id", name="pk_election_keys"),
    )
    op.create_table(
        "custodians",
        _fk("round_id", "custodians"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("sealed_share", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "name", name="pk_custodians"),
    )
    unsealed = op.create_table(
        "unsealed_ballots",
        _fk("round_id", "unsealed_ballots"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("marks", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "position", name="pk_unsealed_ballots"),
    )
    _move_plaintext_ballots(unsealed)
    op.drop_table("ballots")
    op.create_table(
        "ballots",
        _fk("round_id", "ballots"),
        sa.Column("box_id", sa.String(64), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("tracker", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "box_id", name="pk_ballots"),
        sqlite_with_rowid=False,
    )


def _move_plaintext_ballots(unsealed: sa.Table | None) -> None:
    bind = op.get_bind()
    rounds = sa.table("rounds", sa.column("id"), sa.column("status"), sa.column("key"))
    old = sa.table(
        "ballots", sa.column("round_id"), sa.column("box_id"), sa.column("marks", sa.JSON)
    )
    query = (
        sa.select(old.c.round_id, old.c.marks, rounds.c.status, rounds.c.key)
        .join(rounds, rounds.c.id == old.c.round_id)
        .order_by(old.c.round_id, old.c.box_id)
    )
    moved: list[dict[str, object]] = []
    closed: set[int] = set()
    per_round: dict[int, int] = {}
    for row in bind.execute(query):
        if row.status == "open":
            raise RuntimeError(
                f"round {row.key} (id {row.round_id}) is open with plaintext ballots: close it "
                "before upgrading to sealed ballots"
            )
        closed |= {row.round_id} if row.status == "closed" else set()
        position = per_round[row.round_id] = per_round.get(row.round_id, -1) + 1
        moved.append({"round_id": row.round_id, "position": position, "marks": row.marks})
    if moved and unsealed is not None:
        op.bulk_insert(unsealed, moved)
    for round_id in closed:
        bind.execute(sa.update(rounds).where(rounds.c.id == round_id).values(status="unsealed"))


def downgrade() -> None:
    """Back to plaintext ballots: the sealed ones cannot be kept (nothing here can open them)."""
    op.drop_table("ballots")
    op.create_table(
        "ballots",
        _fk("round_id", "ballots"),
        sa.Column("box_id", sa.String(64), nullable=False),
        sa.Column("marks", sa.JSON, nullable=False),
        sa.Column("tracker", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "box_id", name="pk_ballots"),
        sqlite_with_rowid=False,
    )
    for name in ("unsealed_ballots", "custodians", "election_keys"):
        op.drop_table(name)
