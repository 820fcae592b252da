"""A count's rounds for people: a round-by-round grid and one plain sentence per round."""

from __future__ import annotations

from fractions import Fraction
from typing import IO, Any

from shortlist.methods.numbers import to_decimal_string

#: Decimal places shown for values that are not whole numbers (exact values are in --format json).
SHOWN_PLACES = 4


def show(x: Fraction | None, places: int | None) -> str:
    if x is None:
        return ""
    if places is not None:
        return to_decimal_string(x, places)
    if x.denominator == 1:
        return str(x.numerator)
    text = to_decimal_string(x)
    if "/" in text or len(text.split(".")[1]) > SHOWN_PLACES:
        return "≈" + to_decimal_string(x, SHOWN_PLACES)
    return text


def describe_round(rnd: Any, places: int | None) -> str:
    """One sentence saying what happened in a round."""
    parts = []
    if rnd.elected:
        parts.append(f"{_names(rnd.elected)} {'was' if len(rnd.elected) == 1 else 'were'} elected")
    if rnd.eliminated:
        verb = "was" if len(rnd.eliminated) == 1 else "were"
        parts.append(f"{_names(rnd.eliminated)} {verb} eliminated")
    for t in rnd.transfers:
        moved = sum(t.to.values(), Fraction(0))
        what = "surplus" if t.kind == "surplus" else "votes"
        bits = [f"{show(moved, places)} moved to " + (_names(tuple(t.to)) if t.to else "no one")]
        if t.exhausted:
            bits.append(f"{show(t.exhausted, places)} exhausted")
        if t.residual:
            bits.append(f"{show(t.residual, places)} lost to rounding")
        parts.append(f"{t.source}'s {what}: " + ", ".join(bits))
    for tb in rnd.tiebreaks:
        seed = f" (seed {tb.seed})" if tb.seed is not None else ""
        parts.append(
            f"tie between {_names(tb.tied)} broken by {tb.rule}{seed}: {_names(tb.chosen)}"
        )
    if not parts:
        parts.append("no change")
    return f"Round {rnd.number}: " + "; ".join(parts) + "."


def _names(names: tuple[str, ...]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render_result(result: Any, out: IO[str]) -> None:
    """Write the rounds of ``result`` as a Rich table followed by one sentence per round."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=max(100, 14 + 12 * len(result.rounds)), soft_wrap=False)
    places = result.places
    table = Table(title=f"{result.method}: {len(result.rounds)} round(s)", title_justify="left")
    table.add_column("Candidate")
    for rnd in result.rounds:
        table.add_column(f"R{rnd.number}", justify="right")
    status = _status(result)
    for name in _order(result):
        cells = []
        for rnd in result.rounds:
            v = rnd.tally.get(name)
            mark = "*" if name in rnd.elected else ("x" if name in rnd.eliminated else "")
            cells.append(f"{show(v, places)}{mark}" if v is not None else "")
        table.add_row(f"{name}{status.get(name, '')}", *cells)
    table.add_section()
    table.add_row("Exhausted", *[show(r.exhausted, places) for r in result.rounds])
    if any(r.residual for r in result.rounds):
        table.add_row("Residual", *[show(r.residual, places) for r in result.rounds])
    if any(r.threshold is not None for r in result.rounds):
        table.add_row("Threshold", *[show(r.threshold, places) for r in result.rounds])
    console.print(table)
    console.print("* elected this round   x eliminated this round")
    console.print()
    for rnd in result.rounds:
        console.print(describe_round(rnd, places), highlight=False)
    console.print()
    if result.tied_winners:
        console.print(f"Tied winners: {_names(tuple(result.tied_winners))}", highlight=False)
    label = "Winner" if len(result.winners) == 1 else "Winners"
    console.print(f"{label}: {_names(tuple(result.winners)) or 'none'}", highlight=False)


def _order(result: Any) -> list[str]:
    """Candidates: winners in order of election, then the rest by how long they lasted."""
    last_seen: dict[str, int] = {}
    for rnd in result.rounds:
        for name in rnd.tally:
            last_seen[name] = rnd.number
    rest = sorted(
        (c for c in result.candidates if c not in result.winners),
        key=lambda c: (-last_seen.get(c, 0), c),
    )
    return [*result.winners, *[c for c in rest if c in last_seen]]


def _status(result: Any) -> dict[str, str]:
    return {name: " (elected)" for name in result.winners}
