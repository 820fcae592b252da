"""The ERS97 model election counted by Meek's method, against its reference count (FORMATS.md §6).

The reference (loomio's fixture, from RunasSudo's OpenTally count) gives every candidate's
votes and state, the exhausted votes and the quota, to 2 decimals, at stages 1, 2, 4, 6, 9
and 11. It counts by Meek's method with single defeats and elects a candidate who reaches the
quota only when an iteration has converged: ``defeat_batch=none``, ``elect=when-converged``.

Its stages are not shortlist's rounds one for one: it shows the transfer of an excluded
candidate's votes as a stage of its own before the surpluses converge again, so its stage ``s``
is shortlist's round ``ROUND_OF_STAGE[s]`` (each stage after an exclusion is one round later).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from shortlist.formats import read_ballots
from shortlist.methods.registry import count
from shortlist.methods.result import Result

ERS97 = Path(__file__).parents[1] / "cases" / "ers97"
ROUND_OF_STAGE = {1: 1, 2: 2, 4: 4, 6: 5, 9: 7, 11: 9}
STATE = {"EL": "elected", "H": "hopeful", "EX": "excluded"}
CENT = Decimal("0.01")


def reference() -> dict[int, dict[str, tuple[Decimal, str]]]:
    """Stage -> row name -> (value, state) from the reference CSV."""
    with (ERS97 / "ers97_meek_reference.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    stages = [int(x) for x in rows[0][1::2]]
    out: dict[int, dict[str, tuple[Decimal, str]]] = {s: {} for s in stages}
    for row in rows[2:]:
        for k, stage in enumerate(stages):
            out[stage][row[0]] = (Decimal(row[1 + 2 * k]), row[2 + 2 * k])
    return out


def cents(x: Fraction) -> Decimal:
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(CENT)


@pytest.fixture(scope="module")
def result() -> Result:
    ballots = read_ballots(ERS97 / "ers97.blt")
    assert ballots.profile.total_weight == 753
    rules = {
        "seats": ballots.seats,
        "defeat_batch": "none",
        "elect": "when-converged",
        "ties": "order",
        "tie_order": ballots.profile.candidates,
    }
    return count(ballots.profile, "stv-meek", rules)


def states(result: Result, number: int) -> dict[str, str]:
    """Each candidate's state as the reference shows it at shortlist round ``number``."""
    out = {}
    for name in result.candidates:
        out[name] = "hopeful"
    for rnd in result.rounds[:number]:
        for name in rnd.elected:
            out[name] = "elected"
    for rnd in result.rounds[: number - 1]:
        for name in rnd.eliminated:
            out[name] = "excluded"
    return out


@pytest.mark.parametrize("stage", sorted(ROUND_OF_STAGE))
def test_every_reference_stage_matches(result: Result, stage: int) -> None:
    expected = reference()[stage]
    rnd = result.rounds[ROUND_OF_STAGE[stage] - 1]
    shown = states(result, rnd.number)
    assert cents(rnd.threshold or Fraction(0)) == expected["Quota"][0]
    for name in result.candidates:
        value, state = expected[name]
        assert cents(rnd.tally.get(name, Fraction(0))) == value, name
        assert shown[name] == STATE[state], name
    # the reference's exhausted row is rounded from figures of its own: within a cent
    gap = cents(rnd.exhausted + rnd.residual) - expected["Exhausted"][0]
    assert abs(gap) <= CENT


def test_winners(result: Result) -> None:
    final = reference()[11]
    elected = {n for n in result.candidates if final[n][1] == "EL"}
    assert set(result.winners) == elected
    assert len(result.winners) == 6
