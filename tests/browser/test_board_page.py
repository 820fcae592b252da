"""A round's ballot board in Chromium: reached from the results page, the tracker check is
answered, and axe finds nothing serious (answer and malformed-tracker states), nothing scrolls
sideways, at phone and desktop widths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from harness import PHONE, check_page
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import DIRECTING, page_url

from shortlist.store.database import Database


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_board_page_answers_a_tracker_check_accessibly(
    page: Page, announced_site: tuple[str, Database], width: str
) -> None:
    base, database = announced_site
    if width == "phone":
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    with database.unit_of_work() as uow:
        record = uow.rounds.find(DIRECTING.edition, DIRECTING.category, DIRECTING.round)
        tracker = uow.ballots.trackers(record.id)[0]
    page.goto(base + page_url(DIRECTING))
    page.get_by_role("link", name="Ballot board: check your tracker").click()
    expect(page.get_by_role("heading", name="Check your tracker")).to_be_visible()
    check_page(page, f"board ({width})")
    page.get_by_label("Your tracker (from your receipt)").fill(tracker)
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("Yes: your tracker is on the board")
    check_page(page, f"board, tracker found ({width})")
    page.get_by_label("Your tracker (from your receipt)").fill("not a tracker")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("This is not a tracker")).to_be_visible()
    check_page(page, f"board, malformed tracker ({width})")
