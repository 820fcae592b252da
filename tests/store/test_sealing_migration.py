"""Migration 0004 (sealed ballots) on a database holding plaintext ballots: those of closed,
counted and announced rounds move to ``unsealed_ballots`` (a closed round becomes unsealed, so
it can still be counted); a round open with plaintext ballots stops the upgrade."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from postgres_server import Server
from shortlist.store.database import Database

NOW = datetime(2025, 1, 1, tzinfo=UTC)
_serial = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(str(tmp_path / "old.db"), body_key=tmp_path / "body.key")
    else:
        server: Server = request.getfixturevalue("postgres")
        url = server.create_database(f"sealmigrate{next(_serial)}")
        db = Database(url, body_key=tmp_path / "body.key")
    db.migrate("0003")
    yield db
    db.dispose()


def _old_rounds(db: Database, statuses: dict[str, str], ballots: dict[str, list[object]]) -> None:
    """Rounds in the given statuses, with plaintext ballots (the 0003 schema, written raw)."""
    meta = sa.MetaData()
    meta.reflect(db.engine, only=["editions", "categories", "rounds", "ballots"])
    names = ("editions", "categories", "rounds", "ballots")
    editions, categories, rounds, box = (meta.tables[n] for n in names)
    with db.engine.begin() as c:
        c.execute(sa.insert(editions).values(id=1, key="e", name="E", body="B", timezone="UTC",
                                             loaded_at=NOW))  # fmt: skip
        c.execute(sa.insert(categories).values(id=1, edition_id=1, key="c", name="C", position=0))
        for i, (key, status) in enumerate(statuses.items(), start=1):
            c.execute(sa.insert(rounds).values(id=i, category_id=1, key=key, position=i,
                                               spec={}, status=status))  # fmt: skip
            for j, marks in enumerate(ballots.get(key, [])):
                c.execute(sa.insert(box).values(round_id=i, box_id=f"{j:04d}", marks=marks,
                                                tracker=f"{j:064d}"))  # fmt: skip


def test_plaintext_ballots_of_closed_and_counted_rounds_move_to_unsealed(
    at_0003: Database,
) -> None:
    statuses = {"a": "closed", "b": "counted", "c": "draft"}
    ballots: dict[str, list[object]] = {"a": [["x", "y"], ["y"]], "b": [{"x": 3}]}
    _old_rounds(at_0003, statuses, ballots)
    at_0003.migrate()
    with at_0003.engine.connect() as c:
        status = dict(c.execute(sa.text("SELECT key, status FROM rounds")).all())
        rows = c.execute(
            sa.text("SELECT round_id, position, marks FROM unsealed_ballots ORDER BY round_id, "
                    "position")
        ).all()  # fmt: skip
        left = c.execute(sa.text("SELECT count(*) FROM ballots")).scalar_one()
    assert status == {"a": "unsealed", "b": "counted", "c": "draft"}
    # raw SQL: SQLite hands JSON back as text, PostgreSQL as data
    opened = [(r.round_id, r.position, _json(r.marks)) for r in rows]
    assert opened == [(1, 0, ["x", "y"]), (1, 1, ["y"]), (2, 0, {"x": 3})]
    assert left == 0


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_a_round_open_with_plaintext_ballots_stops_the_upgrade(at_0003: Database) -> None:
    _old_rounds(at_0003, {"live": "open"}, {"live": [["x"]]})
    with pytest.raises(RuntimeError, match=r"round live .* is open with plaintext ballots"):
        at_0003.migrate()
    assert at_0003.revision() == "0003"
