"""Web app fixtures: an app and a client on each store (SQLite and PostgreSQL).

``web_settings``: dev settings on the test database; ``clock``: a simulated clock inside the
small edition's nominations window; ``app``: ``create_app`` on them; ``client``: a TestClient.
``loaded``: the small edition of the service tests loaded; ``owner``, ``administrator``,
``observer``: accounts (``NewAdministrator``, with password and TOTP secret). Helpers are in
``web_helpers.py`` (on sys.path from here).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "service"))

from small_edition import EDITION, at, roll
from web_helpers import TestClient

from shortlist.domain.edition_file import read_edition
from shortlist.service import accounts, editions
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

NOMINATIONS = "test-awards/picture/nominations"


@pytest.fixture
def web_settings(database_url: str) -> WebSettings:
    return WebSettings(database=database_url, secret_key="k" * 40, smtp_host="")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(at("2025-01-10T10:00"))


@pytest.fixture
def app(web_settings: WebSettings, database: Database, clock: SimulatedClock) -> FastAPI:
    return create_app(web_settings, database=database, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def loaded(database: Database, clock: SimulatedClock) -> Database:
    with database.unit_of_work() as uow:
        edition = read_edition("test.toml", text=EDITION)
        editions.load_edition(uow, edition, roll(), clock, "admin")
    return database


def _account(database: Database, clock: SimulatedClock, name: str, role: str) -> NewAdministrator:
    with database.unit_of_work() as uow:
        return accounts.add_administrator(uow, name, role, clock, "test")


@pytest.fixture
def owner(database: Database, clock: SimulatedClock) -> NewAdministrator:
    return _account(database, clock, "olive", "owner")


@pytest.fixture
def administrator(database: Database, clock: SimulatedClock) -> NewAdministrator:
    return _account(database, clock, "ada", "administrator")


@pytest.fixture
def observer(database: Database, clock: SimulatedClock) -> NewAdministrator:
    return _account(database, clock, "otto", "observer")
