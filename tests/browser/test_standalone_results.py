"""``shortlist tabulate FILE --format html``: the self-contained results page, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import PHONE, check_accessible, sideways_scroll
from playwright.sync_api import Page

from shortlist.cli.main import main
from shortlist.formats import read_ballots
from shortlist.methods import registry

ERS97 = Path(__file__).parents[1] / "cases" / "ers97" / "ers97.blt"


@pytest.fixture(scope="module")
def ers97_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ERS97's election counted by Meek STV, written by ``tabulate --format html``."""
    out = tmp_path_factory.mktemp("standalone") / "ers97.html"
    try:
        main(["tabulate", str(ERS97), "--method", "stv-meek", "--format", "html", "-o", str(out)])
    except SystemExit as exc:
        assert not exc.code, f"tabulate --format html exited with {exc.code}"
    assert out.exists(), "tabulate --format html wrote no file"
    return out


def test_standalone_page_is_self_contained_leads_with_the_winners_and_passes_axe(
    page: Page, ers97_page: Path
) -> None:
    ballots = read_ballots(str(ERS97))
    result = registry.count(ballots.profile, "stv-meek", {"seats": ballots.seats})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(ers97_page.as_uri())
    outside = [u for u in requested if u != ers97_page.as_uri() and not u.startswith("data:")]
    assert not outside, f"the page is not self-contained: it asked for {outside}"
    check_accessible(page, "the standalone results page")
    first_list = page.locator("main ol, main ul").first.inner_text()
    for winner in result.winners:
        assert winner in first_list, f"winner {winner} is not in the page's first list"


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["phone", "desktop"])
def test_standalone_page_does_not_scroll_sideways(
    page: Page, ers97_page: Path, viewport: dict[str, int] | None
) -> None:
    if viewport:
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
    page.goto(ers97_page.as_uri())
    assert sideways_scroll(page) <= 0, (
        f"the page scrolls sideways by {sideways_scroll(page)}px: {wide_elements(page)}"
    )


def wide_elements(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
             .filter(e => !e.parentElement
                          || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
             .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                              + ' ' + Math.round(e.getBoundingClientRect().width) + 'px')"""
    )
