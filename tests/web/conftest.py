"""Web app fixtures: an app and a client on each store (SQLite and PostgreSQL).

``web_settings``: dev settings on the test database; ``app``: ``create_app`` with a simulated
clock (``app.state.clock``); ``client``: a ``TestClient`` on it. Helpers are in
``web_helpers.py`` (on sys.path from here).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

sys.path.insert(0, str(Path(__file__).parent))

from web_helpers import TestClient

START = datetime(2023, 1, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def web_settings(database_url: str) -> WebSettings:
    return WebSettings(database=database_url, secret_key="k" * 40, smtp_host="")


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def app(web_settings: WebSettings, database: Database, clock: SimulatedClock) -> FastAPI:
    return create_app(web_settings, database=database, clock=clock)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
