"""The Sankey of transfers on a phone: its labels drawn at a readable size, inside the chart,
clear of the ribbons and of one another (and the same on a desktop)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from harness import DESKTOP, PHONE
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))

from results_scenario import DIRECTING, page_url

from shortlist.store.database import Database

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
    page: Page, announced_site: tuple[str, Database], viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)  # type: ignore[arg-type]
    page.goto(announced_site[0] + page_url(DIRECTING))
    charts = page.evaluate(MEASURE)
    assert charts, "the directing count (IRV, full rounds) moves votes: it has a Sankey"
    for chart in charts:
        check_chart(chart)
