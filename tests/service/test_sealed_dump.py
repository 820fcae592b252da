"""A database taken while a round is open (or closed, not yet unsealed) reveals no vote.

"No plaintext choice" means more than "no entry key in the ballots table": nothing stored may
depend on what members chose. So the same round is run twice, on two databases, by the same
members at the same instants, once with one set of choices and once with very different ones
(other entries, other lengths). Every row of every table is read back; once each high-entropy
value (ciphertexts, trackers, keys, hashes, signatures: bytes, or runs of 32+ hex or base64
characters) is replaced by its length alone, the two databases must be identical: whatever
was voted, the database holds the same thing, apart from random-looking values of the same
length. The ballots also hold no entry key and nothing that parses as a ballot.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from small_edition import EDITION, at, roll
from sqlalchemy import select

from sealing_steps import open_sealed
from shortlist.domain.edition_file import read_edition
from shortlist.service import editions, rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store import tables as t
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
VOTERS = [f"v{i:03d}" for i in range(1, 21)]
#: Two ways the same 20 members might vote: one short and alike, one long and varied.
ALIKE = [["p"] for _ in VOTERS]
VARIED = [list(p) for p in itertools.islice(itertools.permutations("tsrqp"), len(VOTERS))]
RANDOM_LOOKING = re.compile(r"[0-9a-f]{32,}|[A-Za-z0-9+/]{40,}={0,2}")
_serial = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[tuple[Database, Database]]:
    urls = []
    for name in ("one", "two"):
        if request.param == "sqlite":
            path = tmp_path / f"{name}.db"
            shutil.copy(sqlite_template, path)
            urls.append(str(path))
        else:
            server = request.getfixturevalue("postgres")
            urls.append(server.create_database(f"dump{next(_serial)}", "shortlist_template"))
    pair = tuple(Database(u, body_key=tmp_path / f"body{i}.key") for i, u in enumerate(urls))
    yield pair[0], pair[1]
    for database in pair:
        database.dispose()


def _vote(database: Database, choices: list[list[str]]) -> None:
    clock = SimulatedClock(at("2025-01-05T09:00"))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=EDITION), roll(), clock, "admin")
        clock.set(at("2025-02-01T10:00"))
        open_sealed(uow, DIRECTING, clock)
        for member, ranking in zip(VOTERS, choices, strict=True):
            voting.attest(uow, DIRECTING, member, clock)
            voting.cast(uow, DIRECTING, member, ranking, clock)
            voting.cast(uow, DIRECTING, member, ranking, clock)  # a revision, same instant


def _close(database: Database) -> None:
    clock = SimulatedClock(at("2025-02-03T17:00"))
    with database.unit_of_work() as uow:
        rounds.close_round(uow, DIRECTING, clock, "admin")


def _masked(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, sort_keys=True)
    if isinstance(value, str):
        return RANDOM_LOOKING.sub(lambda m: f"<{len(m.group())} random>", value)
    return value


def _dump(database: Database) -> dict[str, list[str]]:
    """Every row of every table, high-entropy values masked by their length, rows sorted."""
    with database.engine.connect() as c:
        return {
            table.name: sorted(
                repr(tuple(_masked(v) for v in row)) for row in c.execute(select(table))
            )
            for table in t.metadata.sorted_tables
        }


def test_a_dump_before_unsealing_is_the_same_whatever_was_voted(
    two_databases: tuple[Database, Database],
) -> None:
    one, two = two_databases
    _vote(one, ALIKE)
    _vote(two, VARIED)
    for moment in ("open", "closed"):
        first, second = _dump(one), _dump(two)
        assert first.keys() == second.keys()
        for name in first:
            assert first[name] == second[name], f"table {name} differs ({moment})"
        assert len(first["ballots"]) == len(VOTERS), "the dump must hold the ballots"
        if moment == "open":
            _close(one)
            _close(two)


def test_the_ballots_hold_no_entry_and_nothing_readable(
    two_databases: tuple[Database, Database],
) -> None:
    database, _ = two_databases
    _vote(database, VARIED)
    with database.engine.connect() as c:
        rows = c.execute(select(t.ballots)).all()
        entry_keys = set(c.execute(select(t.entries.c.key)).scalars())
    assert len(rows) == len(VOTERS)
    assert {c.name for c in t.ballots.columns} == {"round_id", "box_id", "sealed", "tracker"}
    for row in rows:
        sealed = bytes(row.sealed)
        assert not any(json.dumps(key).encode() in sealed for key in entry_keys)
        with pytest.raises(ValueError):
            json.loads(sealed)
