"""The Sankey of transfers on a phone: its labels drawn at a readable size, inside the chart,
clear of the ribbons and of one another (and the same on a desktop)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from harness import DESKTOP, PHONE, LiveServer
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import DIRECTING, announce_some, page_url

from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

READABLE_PX = 12  # the least size a label is drawn at

MEASURE = """() => [...document.querySelectorAll('svg[data-chart="sankey"]')].map(svg => {
  const box = r => { const b = r.getBoundingClientRect();
                     return [b.left, b.top, b.right, b.bottom]; };
  const text = svg.querySelector('text');
  return {
    chart: box(svg),
    px: parseFloat(getComputedStyle(text).fontSize) * svg.getBoundingClientRect().width
        / svg.viewBox.baseVal.width,
    labels: [...svg.querySelectorAll('text')].map(box),
    givers: [...svg.querySelectorAll('rect.report-node--source')].map(box),
    receivers: [...svg.querySelectorAll('rect:not(.report-node--source)')].map(box),
  };
})"""


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "results.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    database = Database(url)
    clock = SimulatedClock(datetime(2025, 1, 5, tzinfo=UTC))
    announce_some(database, clock)
    settings = WebSettings(database=url, secret_key="k" * 40, smtp_host="")
    server = LiveServer().start(create_app(settings, database=database, clock=clock))
    try:
        yield server.url
    finally:
        server.stop()
        database.dispose()


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def check_chart(chart: dict[str, Any]) -> None:
    assert chart["px"] >= READABLE_PX, f"labels drawn at {chart['px']:.1f} px"
    left, top, right, bottom = chart["chart"]
    ribbons_from = max(g[2] for g in chart["givers"])
    ribbons_to = min(r[0] for r in chart["receivers"])
    for i, label in enumerate(chart["labels"]):
        assert left - 0.5 <= label[0] and label[2] <= right + 0.5, f"label {i} leaves the chart"
        assert top - 0.5 <= label[1] and label[3] <= bottom + 0.5, f"label {i} leaves the chart"
        assert label[2] <= ribbons_from + 0.5 or label[0] >= ribbons_to - 0.5, (
            f"label {i} lies over the ribbons"
        )
        for j, other in enumerate(chart["labels"][i + 1 :], i + 1):
            assert not overlap(label, other), f"labels {i} and {j} overlap"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sankey_labels_are_readable_and_clear(
    page: Page, served: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)  # type: ignore[arg-type]
    page.goto(served + page_url(DIRECTING))
    charts = page.evaluate(MEASURE)
    assert charts, "the directing count (IRV, full rounds) moves votes: it has a Sankey"
    for chart in charts:
        check_chart(chart)
