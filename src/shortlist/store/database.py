"""Engines, migrations and the unit of work.

``Database(url)`` opens SQLite (``sqlite:///path.db``; WAL journal, ``synchronous=FULL`` so a
committed transaction survives a crash, a busy timeout, foreign keys on, ``secure_delete`` so
deleted rows are zeroed, and ``BEGIN IMMEDIATE`` so concurrent writers queue instead of failing)
or PostgreSQL (``postgresql+psycopg://...``).
``migrate()`` brings the schema to the newest Alembic revision. A :class:`UnitOfWork` is one
transaction with the repositories on it; a service commits it once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from shortlist.store.audit import AuditLog
from shortlist.store.body_key import BodyKeyFile, default_key_path
from shortlist.store.repositories import Editions
from shortlist.store.round_repositories import Ballots, Rounds
from shortlist.store.sealing_repository import ElectionKeys

MIGRATIONS = "shortlist.store:migrations"


def _sqlite_connect(durable: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")  # a re-keyed ballot leaves no old key behind
        cursor.close()

    return on_connect


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here; a bare path means a SQLite file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


class Database:
    """One database: its engine, its migrations and units of work on it.

    ``durable=False`` (SQLite only) relaxes ``synchronous`` to NORMAL: still consistent after a
    crash, but the last commits before a power cut may be lost. Only the demo uses it.
    """

    def __init__(
        self,
        url: str,
        *,
        durable: bool = True,
        echo: bool = False,
        body_key: str | Path | None = None,
    ) -> None:
        self.url = normalise_url(url)
        #: The body's signing key file, outside the database (see store/body_key.py).
        self.body_key = BodyKeyFile(Path(body_key) if body_key else default_key_path(self.url))
        self.engine: Engine = self._engine(durable, echo)

    def _engine(self, durable: bool, echo: bool) -> Engine:
        if self.url.startswith("sqlite"):
            engine = create_engine(self.url, echo=echo, poolclass=NullPool)
            event.listen(engine, "connect", _sqlite_connect(durable))
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        # a pool sized for a web worker's threads (at most 40, as many as its threadpool): kept,
        # not opened and closed per request (each new one is a PostgreSQL backend process); the
        # last one returned is handed out first, so the cast desk keeps to one warm connection
        # whose statements are prepared
        return create_engine(
            self.url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=32,
            max_overflow=8,
            pool_use_lifo=True,
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self, revision: str = "heads") -> None:
        """Run the migrations forward to ``revision`` (every newest head by default)."""
        config = Config()
        config.set_main_option("script_location", MIGRATIONS)
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def revision(self) -> str | None:
        """The revision the database is at (several heads are joined by ``+``)."""
        with self.engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
        return "+".join(sorted(heads)) or None

    @staticmethod
    def newest() -> str:
        """The newest revision the migrations define (several heads are joined by ``+``)."""
        config = Config()
        config.set_main_option("script_location", MIGRATIONS)
        return "+".join(sorted(ScriptDirectory.from_config(config).get_heads()))

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.body_key)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """A transaction and the repositories on it. Leaving it without ``commit()`` rolls back."""

    def __init__(self, engine: Engine, body_key: BodyKeyFile | None = None) -> None:
        self.engine = engine
        self.body_key = body_key if body_key is not None else BodyKeyFile(None)

    def __enter__(self) -> UnitOfWork:
        self.connection = self.engine.connect()
        self._transaction = self.connection.begin()
        self._repositories()
        return self

    def _repositories(self) -> None:
        """Fresh repositories (their caches hold only what this transaction has read)."""
        self.editions = Editions(self.connection)
        self.rounds = Rounds(self.connection)
        self.ballots = Ballots(self.connection)
        self.audit = AuditLog(self.connection, self.body_key)
        self.keys = ElectionKeys(self.connection)

    def __exit__(self, *exc: object) -> None:
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self.connection.close()

    def commit(self) -> None:
        self._transaction.commit()
        self._transaction = self.connection.begin()

    def rollback(self) -> None:
        self._transaction.rollback()
        self._transaction = self.connection.begin()
        self._repositories()


@contextmanager
def unit_of_work(database: Database) -> Iterator[UnitOfWork]:
    with database.unit_of_work() as uow:
        yield uow
