"""A small edition for the service tests: one branch of directors, two categories."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shortlist.domain.edition_file import read_edition
from shortlist.domain.model import Edition, Member, MemberStatus
from shortlist.service import editions
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database

UTC = ZoneInfo("UTC")

EDITION = """
[edition]
key = "test-awards"
name = "Test Awards"
body = "Test Academy"
timezone = "UTC"

[[branches]]
code = "directors"
name = "Directors"

[[branches]]
code = "actors"
name = "Actors"

[[categories]]
key = "picture"
name = "Best Picture"

  [[categories.entries]]
  key = "p"
  title = "The Pinewood"
  [[categories.entries]]
  key = "q"
  title = "Quartz"
  [[categories.entries]]
  key = "r"
  title = "A River"
  credits = [{ person = "Dana Two", role = "director", member = "d02" }]
  [[categories.entries]]
  key = "s"
  title = "Salt"
  [[categories.entries]]
  key = "t"
  title = "Tide"

  [[categories.rounds]]
  key = "nominations"
  opens = "2025-01-10T09:00 UTC"
  closes = "2025-01-12T17:00 UTC"
  electorate = { branches = ["directors"] }
  gate = { min_viewed = 2 }
  ballot = { kind = "rank", max_ranks = 3 }
  method = "irv"
  publication = { mode = "alphabetical", embargo = "2025-01-15T12:00 UTC" }

  [[categories.rounds]]
  key = "final"
  slate = "previous"
  opens = "2025-02-01T09:00 UTC"
  closes = "2025-02-03T17:00 UTC"
  ballot = { kind = "rank", max_ranks = 5 }
  method = "irv"
  revision = "lock-on-submit"
  publication = { mode = "full", embargo = "2025-02-05T12:00 UTC" }
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def roll() -> list[Member]:
    directors = [
        Member(f"d{i:02d}", f"Director {i}", MemberStatus.ACTIVE, frozenset({"directors"}))
        for i in range(1, 11)
    ]
    return [
        *directors,
        Member("a01", "Actor One", MemberStatus.ACTIVE, frozenset({"actors"})),
        Member("e01", "Emeritus One", MemberStatus.EMERITUS, frozenset({"directors"})),
    ]


@pytest.fixture
def edition() -> Edition:
    return read_edition("test.toml", text=EDITION)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(at("2025-01-05T09:00"))


@pytest.fixture
def loaded(database: Database, edition: Edition, clock: SimulatedClock) -> Database:
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition, roll(), clock, "admin")
    return database
