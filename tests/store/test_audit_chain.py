"""The signed audit log on both stores: concurrent writers queue on the chain's head, so the
chain stays one line; a second body key is refused."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from shortlist.store.database import Database
from shortlist.trust.chain import chain_problems

NOW = datetime(2025, 1, 5, 9, 0, tzinfo=UTC)


def _write(database: Database, who: str, count: int) -> None:
    for i in range(count):
        with database.unit_of_work() as uow:
            uow.audit.write(NOW, who, "members.import", "e", detail={"n": i})
            uow.commit()


def test_concurrent_writers_keep_one_chain(database: Database) -> None:
    _write(database, "first", 1)  # registers the body key before the race
    writers = [threading.Thread(target=_write, args=(database, f"w{n}", 8)) for n in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    with database.unit_of_work() as uow:
        log, loose = uow.audit.sealed()
        public = uow.audit.registered_key()
    assert public is not None and loose == []
    assert [s.entry.seq for s in log] == list(range(1, 26))
    assert chain_problems(log, public) == []
    assert public == database.body_key.load(create=False).public
