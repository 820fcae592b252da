"""Results pages from a count: one self-contained HTML page, or fragments for the web pages.

The fragments are plain markup (no script, no inline style: they live under the web app's
Content-Security-Policy and take their look from ``report.css``); only the standalone page
inlines that stylesheet, so it opens anywhere without fetching anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from shortlist.formats.report import charts
from shortlist.formats.report.model import Count, CountRound, Movement, moved, read_count
from shortlist.formats.report.numbers import SHOWN_PLACES, Votes
from shortlist.formats.report.sentences import sentence, tie_sentence
from shortlist.methods.result import Result


@dataclass(frozen=True)
class RoundView:
    """A round with what the page draws for it."""

    round: CountRound
    sentence: str
    chart: charts.BarChart | None
    sankey: charts.Sankey | None

    def moved_from(self, source: str) -> Votes:
        return moved([m for m in self.round.movements if m.source == source])

    @property
    def movements(self) -> list[Movement]:
        """The round's transfers, giver by giver, the largest share first (as the Sankey)."""
        order = {source: i for i, source in enumerate(self.round.sources)}
        return sorted(
            self.round.movements,
            key=lambda m: (order[m.source], m.to is None, -m.votes.value, m.label),
        )

    @property
    def has_values(self) -> bool:
        return any(m.value is not None for m in self.round.movements)


@dataclass(frozen=True)
class Fragments:
    """The parts of a results page, each a piece of markup the web templates include."""

    outcome: Markup
    sentences: Markup
    table: Markup
    rounds: Markup
    ties: Markup

    def __html__(self) -> str:
        return "\n".join((self.outcome, self.sentences, self.table, self.rounds, self.ties))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("shortlist.formats.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _macros() -> Any:
    return _environment().get_template("fragments.html").module


def stylesheet() -> str:
    """The results pages' CSS (``report.css``)."""
    return files("shortlist.formats.report").joinpath("report.css").read_text(encoding="utf-8")


def views(count: Count) -> list[RoundView]:
    scale, largest = charts.scale_of(count), charts.largest_transfer(count)
    return [
        RoundView(
            r,
            sentence(count, r),
            charts.bar_chart(count, r, scale),
            charts.sankey(count, r, largest),
        )
        for r in count.rounds
    ]


def outcome(
    heading: str,
    names: Sequence[str],
    *,
    tied: Sequence[str] = (),
    ordered: bool = True,
    prefix: str = "count",
    level: int = 2,
    note: str = "",
) -> Markup:
    """The outcome, first on every page: ``names`` under ``heading`` (a list in order, or not)."""
    macro = _macros().outcome
    return Markup(macro(heading, list(names), list(tied), prefix, level, ordered, note))


def fragments(
    result: Result | Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    *,
    heading: str | None = None,
    prefix: str = "count",
    level: int = 2,
) -> Fragments:
    """Every part of the results page of ``result`` (a Result or its JSON document).

    ``names`` maps a candidate's key to the name shown (an entry's title); ``prefix`` keeps the
    ids unique when several counts share a page; ``level`` is the level of the section headings.
    """
    count = read_count(result, names)
    shown = views(count)
    m = _macros()
    winners = [count.name(w) for w in count.winners]
    tied = [count.name(t) for t in count.tied_winners if t not in count.winners]
    title = heading or ("Winner" if len(winners) == 1 else "Elected")
    ties = [(t.round, tie_sentence(count, t)) for t in count.ties]
    return Fragments(
        outcome(title, winners, tied=tied, prefix=prefix, level=level),
        Markup(m.sentences(shown, prefix, level)),
        Markup(m.round_table(count, shown, prefix, level)),
        Markup(m.round_details(count, shown, prefix, level)),
        Markup(m.ties(count, ties, prefix, level)),
    )


def page(
    result: Result | Mapping[str, Any],
    names: Mapping[str, str] | None = None,
    *,
    title: str = "Results",
) -> str:
    """One self-contained HTML results page (its CSS inline; no script, nothing fetched)."""
    doc = result.to_json() if isinstance(result, Result) else result
    count = read_count(doc, names)
    rules = [(k, _rule_text(v)) for k, v in doc.get("rules", {}).items()]
    seats = doc.get("rules", {}).get("seats")
    return (
        _environment()
        .get_template("page.html")
        .render(
            title=title,
            css=Markup(stylesheet()),
            count=count,
            fragments=fragments(doc, names),
            rules=rules,
            seats=seats if isinstance(seats, int) else None,
            shown_places=SHOWN_PLACES,
        )
    )


def _rule_text(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)
