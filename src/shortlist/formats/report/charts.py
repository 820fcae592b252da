"""The geometry of a results page's charts, computed exactly and drawn as SVG by the templates.

A bar chart per round (one bar per candidate on one scale for the whole count, the threshold as
a line) and a Sankey per round with transfers (who gave, who received, what was exhausted).
Coordinates come from exact fractions printed with two decimals: no float enters the page. Each
chart scales with its ``viewBox`` and has its table equivalent beside it in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shortlist.formats.report.model import Count, CountRound, Movement, moved
from shortlist.formats.report.numbers import Votes, coordinate

WIDTH = 400  # narrow, so that its 13-unit text stays legible when a phone scales it down
BAR_SPACE = 300  # the longest bar; the rest of the width holds its value
ROW = 44
TOP = 30


@dataclass(frozen=True)
class Bar:
    candidate: str
    name: str
    votes: Votes
    status: str  # elected | eliminated | continuing
    y: int
    width: str


@dataclass(frozen=True)
class BarChart:
    round: int
    height: int
    bars: tuple[Bar, ...]
    threshold: Votes | None
    threshold_x: str | None
    label_anchor: str  # where the threshold's label sits: "start" or "end"


def scale_of(count: Count) -> Fraction:
    """One scale for every round: the largest tally or threshold of the count."""
    values = [v.value for r in count.rounds for _, v in r.tally]
    values += [r.threshold.value for r in count.rounds if r.threshold is not None]
    return max([Fraction(1), *values])


def bar_chart(count: Count, rnd: CountRound, scale: Fraction) -> BarChart | None:
    """The round's bars, or ``None`` when a tally is negative (pairwise margins: table only)."""
    if not rnd.tally or any(v.value < 0 for _, v in rnd.tally):
        return None
    elected_before = {c for r in count.rounds if r.number < rnd.number for c in r.elected}
    order = [c for c in count.order() if rnd.votes_of(c) is not None]
    bars = []
    for i, candidate in enumerate(order):
        votes = rnd.votes_of(candidate)
        assert votes is not None
        if candidate in rnd.elected or candidate in elected_before:
            status = "elected"
        elif candidate in rnd.eliminated:
            status = "eliminated"
        else:
            status = "continuing"
        width = coordinate(votes.value * BAR_SPACE / scale)
        bars.append(Bar(candidate, count.name(candidate), votes, status, TOP + i * ROW, width))
    x = None if rnd.threshold is None else rnd.threshold.value * BAR_SPACE / scale
    return BarChart(
        rnd.number,
        TOP + len(bars) * ROW + 4,
        tuple(bars),
        rnd.threshold,
        None if x is None else coordinate(x),
        "end" if x is not None and x > WIDTH / 2 else "start",
    )


SANKEY_HEIGHT = 260
GAP = 10
# Narrow (a phone scales 350 units to about its width, so 13-unit text stays ~13 px), with every
# label outside the ribbons: givers' labels right-aligned to the left of their nodes, receivers'
# to the right of theirs; a name wraps onto two lines, its votes on a line of their own.
SANKEY_WIDTH = 350
LEFT_NODE = 123  # the givers' labels take 0..117
RIGHT_NODE = 215  # ribbons 135..215; the receivers' labels take 233..350
NODE_WIDTH = 12
LABEL_GAP = 6
LINE_CHARS = 14  # a label line's room: 117 units, about 14 capitals or 16 lower-case letters
LINE_HEIGHT = 15
NAME_LINES = 2


@dataclass(frozen=True)
class Node:
    name: str
    label: str  # the full name, for the chart's description
    votes: Votes
    kind: str  # source | candidate | exhausted | residual
    y: str
    height: str
    x: int
    lines: tuple[str, ...]  # the name as drawn: wrapped, the last line cut short with "…"
    label_x: int
    anchor: str  # "end" (givers, left of their node) or "start" (receivers, right of theirs)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    votes: Votes
    path: str
    kind: str


@dataclass(frozen=True)
class Sankey:
    round: int
    height: int
    sources: tuple[Node, ...]
    targets: tuple[Node, ...]
    links: tuple[Link, ...]
    width: int = SANKEY_WIDTH
    node_width: int = NODE_WIDTH
    line_height: int = LINE_HEIGHT


def label_lines(name: str, chars: int = LINE_CHARS, most: int = NAME_LINES) -> tuple[str, ...]:
    """``name`` wrapped at spaces onto at most ``most`` lines of ``chars`` characters; a word or
    a last line too long is cut short with "…"."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    return tuple(line if len(line) <= chars else line[: chars - 1] + "…" for line in lines)


def largest_transfer(count: Count) -> Fraction:
    """The most votes moved in one round of the count: every Sankey of the count is drawn on
    this one scale, so that a round moving 1 vote does not look like one moving thousands."""
    return max([Fraction(1), *(moved(r.movements).value for r in count.rounds)])


def sankey(count: Count, rnd: CountRound, largest: Fraction) -> Sankey | None:
    """The transfers at the end of ``rnd`` as a two-column Sankey; ``None`` if nothing moved."""
    if not rnd.movements:
        return None
    targets = _targets(rnd.movements)
    unit = Fraction(SANKEY_HEIGHT) / largest
    left, left_y, left_end = _column(count, rnd.sources, rnd.movements, unit, "source")
    right, right_y, right_end = _column(count, targets, rnd.movements, unit, "target")
    links = []
    place = {key: i for i, key in enumerate(targets)}
    for m in sorted(rnd.movements, key=lambda m: place[m.to or m.label]):
        key = m.to or m.label
        h = m.votes.value * unit
        y0, y1 = left_y[m.source], right_y[key]
        left_y[m.source], right_y[key] = y0 + h, y1 + h
        links.append(Link(m.source, key, m.votes, _band(y0, y1, h), _kind(m)))
    height = int(max(left_end, right_end)) + 8
    return Sankey(rnd.number, height, left, right, tuple(links))


def _targets(movements: tuple[Movement, ...]) -> list[str]:
    received: dict[str, Fraction] = {}
    for m in movements:
        if m.to is not None:
            received[m.to] = received.get(m.to, Fraction(0)) + m.votes.value
    ranked = sorted(received, key=lambda k: -received[k])
    others = [m.label for m in movements if m.to is None]
    return ranked + list(dict.fromkeys(sorted(others)))


def _kind(m: Movement) -> str:
    if m.to is not None:
        return "candidate"
    return "exhausted" if m.label == "Exhausted" else "residual"


def _column(
    count: Count, keys: list[str] | tuple[str, ...], movements: tuple[Movement, ...],
    unit: Fraction, side: str,
) -> tuple[tuple[Node, ...], dict[str, Fraction], Fraction]:  # fmt: skip
    nodes, tops = [], {}
    y = Fraction(4)
    if side == "source":  # the node, where its label starts and which way the label runs
        x, label_x, anchor = LEFT_NODE, LEFT_NODE - LABEL_GAP, "end"
    else:
        x, label_x, anchor = RIGHT_NODE, RIGHT_NODE + NODE_WIDTH + LABEL_GAP, "start"
    for key in keys:
        if side == "source":
            mine = [m for m in movements if m.source == key]
            kind = "source"
        else:
            mine = [m for m in movements if (m.to or m.label) == key]
            kind = _kind(mine[0])
        votes = moved(mine)
        height = votes.value * unit
        label = count.name(key) if kind in ("source", "candidate") else key
        lines = label_lines(label)
        nodes.append(
            Node(key, label, votes, kind, coordinate(y), coordinate(height), x, lines, label_x,
                 anchor)
        )  # fmt: skip
        tops[key] = y
        slot = LINE_HEIGHT * (len(lines) + 1)  # the name's lines and the votes' line
        y += max(height, Fraction(slot)) + GAP
    return tuple(nodes), tops, y


def _band(y0: Fraction, y1: Fraction, h: Fraction) -> str:
    """A ribbon from the source node's slice (``y0``) to the target's (``y1``), ``h`` thick."""
    x0, x1 = LEFT_NODE + NODE_WIDTH, RIGHT_NODE
    mid = Fraction(x0 + x1, 2)
    c = coordinate
    return (
        f"M{x0},{c(y0)} C{c(mid)},{c(y0)} {c(mid)},{c(y1)} {x1},{c(y1)} "
        f"L{x1},{c(y1 + h)} C{c(mid)},{c(y1 + h)} {c(mid)},{c(y0 + h)} {x0},{c(y0 + h)} Z"
    )
