"""Migrations run forward on an empty and on a populated database, on both stores, and build
exactly the schema the tables declare."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from postgres_server import Server
from shortlist.domain.model import Branch, Category, Edition, Entry, Member, MemberStatus
from shortlist.store.database import Database
from shortlist.store.tables import metadata

NOW = datetime(2025, 1, 1, tzinfo=UTC)
_serial = iter(range(1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(str(tmp_path / "empty.db"))
    else:
        server: Server = request.getfixturevalue("postgres")
        db = Database(server.create_database(f"migrate{next(_serial)}"))
    yield db
    db.dispose()


def test_migrations_build_the_declared_schema(empty: Database) -> None:
    assert empty.revision() is None
    empty.migrate()
    assert empty.revision() == Database.newest()
    with empty.engine.connect() as c:
        assert compare_metadata(MigrationContext.configure(c), metadata) == []


def test_migrations_keep_the_data_of_a_populated_database(empty: Database) -> None:
    empty.migrate("0001")
    edition = Edition(
        "e", "Edition", "Body", "UTC", (Branch("b", "Branch"),),
        (Category("c", "Category", (Entry("x", "X"),)),),
    )  # fmt: skip
    member = Member("m1", "Member One", MemberStatus.ACTIVE, frozenset({"b"}))
    with empty.unit_of_work() as uow:
        edition_id = uow.editions.add(edition, NOW)
        # the roll written as 0001's tables have it (today's repository writes later columns)
        row = {"e": edition_id, "n": member.number, "name": member.name, "s": "active"}
        uow.connection.execute(
            text("INSERT INTO members (edition_id, number, name, status, email) "
                 "VALUES (:e, :n, :name, :s, '')"), row,
        )  # fmt: skip
        uow.connection.execute(
            text("INSERT INTO member_branches (edition_id, number, branch) VALUES (:e, :n, 'b')"),
            row,
        )
        uow.commit()
    empty.migrate()
    assert empty.revision() == Database.newest()
    with empty.unit_of_work() as uow:
        assert uow.editions.get("e") == edition
        assert uow.editions.members(edition_id) == [member]
        uow.audit.write(NOW, "admin", "test", "e", "after the upgrade")
        uow.commit()
        assert [a.reason for a in uow.audit.entries()] == ["after the upgrade"]
    empty.migrate()
    assert empty.revision() == Database.newest()


def test_the_migrations_form_one_line() -> None:
    """Every revision has one successor at most: a fresh database ends at one head."""
    assert "+" not in Database.newest()
