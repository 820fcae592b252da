"""The public results pages in Chromium: axe finds nothing serious, nothing scrolls sideways,
and the outcome is the first thing on the page, at phone and desktop widths."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import PHONE, LiveServer, check_accessible
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import DIRECTING, NOMINATIONS, announce_some, page_url

from shortlist.service import rounds
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, Database]]:
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


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_results_pages_are_accessible_and_lead_with_the_outcome(
    page: Page, served: tuple[str, Database], width: str
) -> None:
    base, database = served
    if width == "phone":
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    with database.unit_of_work() as uow:
        titles = {ref: rounds.announcement(uow, ref).titles for ref in (DIRECTING, NOMINATIONS)}
    for path in ("/editions/test-awards/results", page_url(DIRECTING), page_url(NOMINATIONS)):
        page.goto(base + path)
        check_accessible(page, f"{path} ({width})")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width} width"
    for ref, shown in titles.items():
        page.goto(base + page_url(ref))
        outcome = page.locator("main section").first
        assert outcome.locator("li").all_inner_texts() == list(shown)
