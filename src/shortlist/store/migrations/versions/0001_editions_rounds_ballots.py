"""Editions, members, categories, entries, rounds, electorates, viewings and the ballot box.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shortlist.store.types import Instant

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = sa.String


def _fk(column: str, target: str, table: str, nullable: bool = False) -> sa.Column[int]:
    foreign = sa.ForeignKey(target, name=f"fk_{table}_{column}")
    return sa.Column(column, sa.Integer, foreign, nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", S(100), nullable=False),
        sa.Column("name", S(300), nullable=False),
        sa.Column("body", S(300), nullable=False),
        sa.Column("timezone", S(64), nullable=False),
        sa.Column("category_quota", sa.Integer),
        sa.Column("loaded_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_editions"),
        sa.UniqueConstraint("key", name="uq_editions_key"),
    )
    op.create_table(
        "branches",
        _fk("edition_id", "editions.id", "branches", nullable=False),
        sa.Column("code", S(100), nullable=False),
        sa.Column("name", S(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("edition_id", "code", name="pk_branches"),
    )
    op.create_table(
        "members",
        _fk("edition_id", "editions.id", "members", nullable=False),
        sa.Column("number", S(64), nullable=False),
        sa.Column("name", S(300), nullable=False),
        sa.Column("status", S(20), nullable=False),
        sa.Column("email", S(300), nullable=False),
        sa.PrimaryKeyConstraint("edition_id", "number", name="pk_members"),
    )
    op.create_table(
        "member_branches",
        sa.Column("edition_id", sa.Integer, nullable=False),
        sa.Column("number", S(64), nullable=False),
        sa.Column("branch", S(100), nullable=False),
        sa.PrimaryKeyConstraint("edition_id", "number", "branch", name="pk_member_branches"),
    )
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("edition_id", "editions.id", "categories", nullable=False),
        sa.Column("key", S(100), nullable=False),
        sa.Column("name", S(300), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_categories"),
        sa.UniqueConstraint("edition_id", "key", name="uq_categories_edition_id"),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("category_id", "categories.id", "entries", nullable=False),
        sa.Column("key", S(100), nullable=False),
        sa.Column("title", S(500), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
        sa.UniqueConstraint("category_id", "key", name="uq_entries_category_id"),
    )
    op.create_table(
        "credits",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("entry_id", "entries.id", "credits", nullable=False),
        sa.Column("person", S(300), nullable=False),
        sa.Column("role", S(100), nullable=False),
        sa.Column("member", S(64)),
        sa.PrimaryKeyConstraint("id", name="pk_credits"),
    )
    op.create_index("ix_credits_entry_id", "credits", ["entry_id"])
    op.create_index("ix_credits_member", "credits", ["member"])
    _rounds()
    _ballot_box()


def _rounds() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("category_id", "categories.id", "rounds", nullable=False),
        sa.Column("key", S(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("status", S(20), nullable=False),
        sa.Column("slate", sa.JSON),
        sa.Column("opened_at", Instant),
        sa.Column("closed_at", Instant),
        sa.Column("close_reason", sa.Text),
        sa.Column("counted_at", Instant),
        sa.Column("announced_at", Instant),
        sa.Column("result", sa.JSON),
        sa.Column("outcome", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
        sa.UniqueConstraint("category_id", "key", name="uq_rounds_category_id"),
    )
    op.create_table(
        "round_secrets",
        _fk("round_id", "rounds.id", "round_secrets", nullable=False),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("round_id", name="pk_round_secrets"),
    )
    for name in ("electorate", "opt_ins", "attestations"):
        extra = [] if name == "electorate" else [sa.Column("at", Instant, nullable=False)]
        op.create_table(
            name,
            _fk("round_id", "rounds.id", name, nullable=False),
            sa.Column("member", S(64), nullable=False),
            *extra,
            sa.PrimaryKeyConstraint("round_id", "member", name=f"pk_{name}"),
        )
    op.create_table(
        "viewings",
        _fk("entry_id", "entries.id", "viewings", nullable=False),
        sa.Column("member", S(64), nullable=False),
        sa.Column("at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "member", name="pk_viewings"),
    )


def _ballot_box() -> None:
    op.create_table(
        "participation",
        _fk("round_id", "rounds.id", "participation", nullable=False),
        sa.Column("member", S(64), nullable=False),
        sa.Column("first_at", Instant, nullable=False),
        sa.Column("last_at", Instant, nullable=False),
        sa.Column("revisions", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("round_id", "member", name="pk_participation"),
    )
    op.create_table(
        "ballots",
        _fk("round_id", "rounds.id", "ballots", nullable=False),
        sa.Column("box_id", S(64), nullable=False),
        sa.Column("marks", sa.JSON, nullable=False),
        sa.Column("tracker", S(64), nullable=False),
        sa.PrimaryKeyConstraint("round_id", "box_id", name="pk_ballots"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for name in (
        "ballots", "participation", "viewings", "attestations", "opt_ins", "electorate",
        "round_secrets", "rounds", "credits", "entries", "categories", "member_branches",
        "members", "branches", "editions",
    ):  # fmt: skip
        op.drop_table(name)
