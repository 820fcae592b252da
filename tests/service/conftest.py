"""Fixtures for the service tests: the small edition loaded on each store, a settable clock."""

from __future__ import annotations

import pytest
from small_edition import EDITION, at, roll

from shortlist.domain.edition_file import read_edition
from shortlist.domain.model import Edition
from shortlist.service import editions
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database


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
