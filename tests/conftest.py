"""Databases for the store and service tests: SQLite and a real PostgreSQL server.

``database`` is parametrised over both stores; each test gets an empty, migrated database
(SQLite: a copy of a migrated template; PostgreSQL: one migrated database per session, emptied
before each test). The PostgreSQL server is started by the suite itself (see
``tests/postgres_server.py``); if it cannot start, the tests that need it fail, never skip.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import Server
from shortlist.store.database import Database
from shortlist.store.tables import metadata

TEMPLATE = "shortlist_template"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    server = Server()
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(f"could not start the test PostgreSQL server: {exc}", pytrace=False)
    server.create_database(TEMPLATE)
    template = Database(server.url(TEMPLATE))
    template.migrate()
    template.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres: Server) -> str:
    """One migrated database for the session; each test empties it (faster than a copy)."""
    return postgres.create_database("shortlist_tests", TEMPLATE)


def empty_tables(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as c:
        c.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(str(path))
    database.migrate()
    database.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh migrated database on each store."""
    if request.param == "sqlite":
        path = tmp_path / "shortlist.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    empty_tables(url)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()
