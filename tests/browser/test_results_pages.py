"""The public results pages in Chromium: axe finds nothing serious, nothing scrolls sideways,
and the outcome is the first thing on the page, at phone and desktop widths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import PHONE, check_accessible
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import DIRECTING, NOMINATIONS, page_url

from shortlist.service import rounds
from shortlist.store.database import Database


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_results_pages_are_accessible_and_lead_with_the_outcome(
    page: Page, announced_site: tuple[str, Database], width: str
) -> None:
    base, database = announced_site
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
