"""Databases for the store and service tests: SQLite and a real PostgreSQL server.

``database`` is parametrised over both stores; each test gets a fresh, migrated database (a copy
of a migrated template, so migrations run once per session per store). The PostgreSQL server is
started by the suite itself (see ``tests/postgres_server.py``); if it cannot start, the tests
that need it fail, never skip.
"""

from __future__ import annotations

import itertools
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parent))

from postgres_server import Server  # noqa: E402

from shortlist.store.database import Database  # noqa: E402

TEMPLATE = "shortlist_template"
_names = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    server = Server()
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(f"could not start the test PostgreSQL server: {exc}", pytrace=False)
    engine = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    engine.dispose()
    template = Database(server.url(TEMPLATE))
    template.migrate()
    template.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(str(path))
    database.migrate()
    database.dispose()
    return path


def fresh_postgres(server: Server) -> str:
    name = f"t{next(_names)}"
    engine = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
    engine.dispose()
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh migrated database on each store."""
    if request.param == "sqlite":
        path = tmp_path / "shortlist.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return fresh_postgres(request.getfixturevalue("postgres"))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()
