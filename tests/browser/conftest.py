"""Fixtures for the browser tests: Debian's Chromium, a real SMTP server, the app served live.

Each test gets a fresh Chromium profile; each pytest-xdist worker its own Playwright driver,
SMTP server and (per test) web server on ports the kernel picks, on its own database. If
Chromium cannot start, the tests FAIL (run ``scripts/ensure-chromium``); they never skip.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))

from harness import DESKTOP, SmtpServer, launch_chromium


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
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Page:
    return browser.pages[0] if browser.pages else browser.new_page()


@pytest.fixture(scope="session")
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on a loopback port; ``smtp.mailbox`` holds what it received."""
    server = SmtpServer().start()
    yield server
    server.stop()
