"""The Sankey's labels stay readable and clear of the ribbons: outside them, wrapped to the room
they have, never on top of one another."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import pytest
from html_tree import Element, parse
from hypothesis import given
from hypothesis import strategies as st
from test_report import RESULTS

from shortlist.formats.report import page
from shortlist.formats.report.charts import (
    LEFT_NODE,
    LINE_CHARS,
    LINE_HEIGHT,
    NAME_LINES,
    NODE_WIDTH,
    RIGHT_NODE,
    SANKEY_WIDTH,
    label_lines,
)

words = st.lists(st.text("abcdefghij", min_size=1, max_size=22), min_size=1, max_size=8)


@given(words)
def test_a_name_wraps_onto_at_most_two_lines_that_fit(name_words: list[str]) -> None:
    lines = label_lines(" ".join(name_words))
    assert 1 <= len(lines) <= NAME_LINES
    assert all(len(line) <= LINE_CHARS for line in lines)
    if not any("…" in line for line in lines):  # nothing cut: every word is there, in order
        assert " ".join(lines) == " ".join(name_words)


def test_a_short_name_is_one_line_and_a_long_one_is_cut_with_an_ellipsis() -> None:
    assert label_lines("Ann") == ("Ann",)
    long = label_lines("The Banshees of Inisherin and Everything Everywhere All at Once")
    assert len(long) == NAME_LINES and long[-1].endswith("…")


@pytest.fixture(scope="module")
def sankeys() -> list[Element]:
    """Every Sankey of the report tests' counts (Scottish STV, the Academy's, IRV...)."""
    roots = [parse(page(count(), title="Results")) for count in RESULTS.values()]
    return [svg for root in roots for svg in root.find_all("svg", **{"data-chart": "sankey"})]


def test_labels_sit_outside_the_ribbons_and_never_overlap(sankeys: list[Element]) -> None:
    assert len(sankeys) > 3
    for svg in sankeys:
        assert svg.attrs["viewbox"].split()[2] == str(SANKEY_WIDTH)
        columns: dict[str, list[tuple[Fraction, int]]] = {"end": [], "start": []}
        for label in svg.find_all("text"):
            x, anchor = Fraction(label.attrs["x"]), label.attrs["text-anchor"]
            if anchor == "end":  # a giver's label ends left of the givers' nodes
                assert x < LEFT_NODE
            else:  # a receiver's starts right of the receivers' nodes
                assert anchor == "start" and x > RIGHT_NODE + NODE_WIDTH
            lines = label.find_all("tspan")
            assert all(len(line.text) <= LINE_CHARS for line in lines[:-1])
            columns[anchor].append((Fraction(label.attrs["y"]), len(lines)))
        for column in columns.values():
            column.sort()
            for (y, count), (next_y, _) in pairwise(column):
                assert y + count * LINE_HEIGHT <= next_y
