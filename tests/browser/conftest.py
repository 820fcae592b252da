"""Fixtures for the browser tests: Debian's Chromium, a real SMTP server, the app served live.

Each test gets a fresh Chromium profile; each pytest-xdist worker its own Playwright driver,
SMTP server and (per test) web server on ports the kernel picks, on its own database. If
Chromium cannot start, the tests FAIL (run ``scripts/ensure-chromium``); they never skip.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))

from harness import DESKTOP, LiveServer, SmtpServer, launch_chromium
from live_site import Site, empty_tables, serve

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import announce_some

from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

# A loaded machine (2 cores, -n auto) can take seconds per page; waits are not timings.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A headless Chromium with a fresh profile (one window, desktop size)."""
    try:
        context = launch_chromium(playwright, tmp_path / "chromium-profile", DESKTOP)
    except Exception as exc:  # ChromiumMissing, or Playwright's own Error
        pytest.fail(f"Chromium could not start: {exc}", pytrace=False)
    context.set_default_timeout(20_000)
    yield context
    context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Page:
    return browser.pages[0] if browser.pages else browser.new_page()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    """A real SMTP server on a loopback port; ``smtp.mailbox`` holds what it received during
    this test (one server per worker, emptied before each test)."""
    smtp_server.mailbox.clear()
    return smtp_server


@pytest.fixture
def site(tmp_path: Path, smtp: SmtpServer) -> Iterator[Site]:
    """The app on a fresh seeded SQLite database of this test, served on its own port."""
    running = serve(f"sqlite:///{tmp_path / 'shortlist.db'}", smtp)
    yield running
    running.stop()


@pytest.fixture
def site_on_postgres(postgres_url: str, smtp: SmtpServer) -> Iterator[Site]:
    """The same on the suite's PostgreSQL server (its test database emptied first)."""
    empty_tables(postgres_url)
    running = serve(postgres_url, smtp)
    yield running
    running.stop()


@pytest.fixture
def announced_site(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Database]]:
    """The web tests' announced edition (``results_scenario.announce_some``) served on its own
    port: its base URL and its database."""
    path = tmp_path / "results.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    clock = SimulatedClock(datetime(2025, 1, 5, tzinfo=UTC))
    announce_some(database, clock)
    settings = WebSettings(database=url, secret_key="k" * 40, smtp_host="")
    server = LiveServer().start(create_app(settings, database=database, clock=clock))
    try:
        yield server.url, database
    finally:
        server.stop()
        database.dispose()
