"""Instant runoff and its multi-seat variants: worked examples and properties."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import RulesError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile

BEST_PICTURE = (
    [list("PQRST")] * 30
    + [list("QRPTS")] * 26
    + [list("RQSPT")] * 20
    + [list("SRQPT")] * 14
    + [list("TSRQP")] * 10
)


def test_irv_best_picture_example_every_round():
    # ACADEMY.md §3.4: T, R, S eliminated in turn; Q wins 70–30.
    result = registry.count(Profile.from_rankings(BEST_PICTURE), "irv")
    assert result.winners == ("Q",)
    assert [r.eliminated for r in result.rounds] == [("T",), ("R",), ("S",), ()]
    assert dict(result.rounds[0].tally) == {"P": 30, "Q": 26, "R": 20, "S": 14, "T": 10}
    assert dict(result.rounds[1].tally) == {"P": 30, "Q": 26, "R": 20, "S": 24}
    assert dict(result.rounds[2].tally) == {"P": 30, "Q": 46, "S": 24}
    assert dict(result.rounds[3].tally) == {"P": 30, "Q": 70}
    assert dict(result.rounds[0].transfers[0].to) == {"S": 10}
    assert result.rounds[-1].elected == ("Q",)


def test_irv_exhausts_and_skips_and_overvotes():
    ballots = [["A", "B"], ["A"], ["B", "C"], ["C", ["A", "B"]], ["C", None, "B"], ["D", "C"]]
    p = Profile.from_rankings(ballots, weights=[3, 1, 3, 1, 1, 2])
    exhaust = registry.count(p, "irv")
    # first places: A 4, B 3, C 2, D 2 -> C and D tie, never led: lot decides (seed 0)
    first = exhaust.rounds[0]
    assert dict(first.tally) == {"A": 4, "B": 3, "C": 2, "D": 2}
    assert first.tiebreaks[0].tied == ("C", "D") and first.tiebreaks[0].rule == "lot"
    skip = registry.count(p, "irv", {"overvote": "skip"})
    strict = registry.count(p, "irv", {"max_skips": "0"})
    for result in (exhaust, skip, strict):
        for rnd in result.rounds:
            assert sum(rnd.tally.values()) + rnd.exhausted == p.total_weight


def test_batch_elimination_removes_hopeless_candidates_together():
    p = Profile.from_rankings([["A"], ["B"], ["C", "A"], ["D", "B"]], weights=[10, 9, 1, 2])
    result = registry.count(p, "irv", {"batch_elimination": "true"})
    assert set(result.rounds[0].eliminated) == {"C", "D"}
    # A 11, B 11: no majority; the tie is broken by the previous round (A 10 > B 9)
    assert result.rounds[1].eliminated == ("B",)
    assert result.rounds[1].tiebreaks[0].rule == "previous-rounds"
    assert result.winners == ("A",)
    assert len(result.rounds) == 3


def test_multi_pass_irv_removes_winners_and_recounts():
    result = registry.count(Profile.from_rankings(BEST_PICTURE), "multi-pass-irv", {"seats": 2})
    assert result.winners[0] == "Q"
    second_pass = [r for r in result.rounds if r.note == "pass 2"]
    assert "Q" not in second_pass[0].tally
    assert result.winners[1] == second_pass[-1].elected[0]


def test_bottoms_up_stops_when_continuing_fit_the_seats():
    result = registry.count(Profile.from_rankings(BEST_PICTURE), "bottoms-up", {"seats": 3})
    assert [r.eliminated for r in result.rounds[:-1]] == [("T",), ("R",)]
    assert set(result.winners) == {"P", "Q", "S"}
    pct = registry.count(
        Profile.from_rankings(BEST_PICTURE),
        "bottoms-up",
        {"seats": 3, "percentage_threshold": "0.25"},
    )
    last = pct.rounds[-1]
    assert all(v >= Fraction(1, 4) * sum(last.tally.values()) for v in last.tally.values())


ranking = st.lists(st.sampled_from("ABCDE"), min_size=0, max_size=5, unique=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ranking, st.integers(1, 5)), min_size=1, max_size=25), st.randoms())
def test_irv_properties(rows, rnd):
    ballots = [r for r, _ in rows]
    weights = [w for _, w in rows]
    if not any(ballots):
        return
    names = sorted({c for b in ballots for c in b})
    p = Profile.from_rankings(ballots, weights=weights, candidates=names)
    result = registry.count(p, "irv")
    valid = sum(w for b, w in rows if b)
    for r in result.rounds:  # ballots (weight) conserved every round
        assert sum(r.tally.values()) + r.exhausted == valid
    last = result.rounds[-1]
    if len(last.tally) > 1:  # the winner has a majority of continuing ballots
        assert last.tally[result.winners[0]] * 2 > sum(last.tally.values())
    order = list(range(len(ballots)))
    rnd.shuffle(order)
    shuffled = Profile.from_rankings(
        [ballots[i] for i in order], weights=[weights[i] for i in order], candidates=names
    )
    again = registry.count(shuffled, "irv")
    assert again.to_json() == result.to_json()


def test_profile_rows_are_numpy_and_grouped():
    p = Profile.from_rankings(BEST_PICTURE)
    assert p.n_rows == 5 and int(np.sum(p.weights)) == 100


def test_overvote_and_skip_rules_decide_where_a_ballot_goes():
    p = Profile.from_rankings(
        [["A"], ["B"], ["C", ["A", "B"], "B"], ["C", None, "B"]], weights=[5, 4, 1, 1]
    )
    moved = {}
    for switches in ({}, {"overvote": "skip"}, {"max_skips": "0"}):
        first = registry.count(p, "irv", switches).rounds[0]
        assert first.eliminated == ("C",)
        moved[str(switches)] = (dict(first.transfers[0].to), first.transfers[0].exhausted)
    assert moved["{}"] == ({"B": 1}, 1)  # overvote exhausts; the skip is passed over
    assert moved["{'overvote': 'skip'}"] == ({"B": 2}, 0)
    assert moved["{'max_skips': '0'}"] == ({}, 2)  # overvote exhausts, skip exhausts


def test_eliminate_all_tied_lowest_and_co_winners_when_all_tie():
    p = Profile.from_rankings([["A", "C"], ["B", "C"], ["C"], ["D", "A"]], weights=[3, 3, 1, 1])
    result = registry.count(p, "irv", {"lowest_ties": "eliminate-all"})
    first = result.rounds[0]
    assert set(first.eliminated) == {"C", "D"}  # tied on 1: both go at once
    assert first.tiebreaks[0].rule == "eliminate-all"
    assert dict(result.rounds[1].tally) == {"A": 4, "B": 3}
    assert result.winners == ("A",)
    tie = Profile.from_rankings([["A"], ["B"]], weights=[2, 2])
    both = registry.count(tie, "irv", {"lowest_ties": "eliminate-all"})
    assert set(both.winners) == {"A", "B"} and set(both.tied_winners) == {"A", "B"}
    with pytest.raises(RulesError, match="lowest_ties"):
        registry.count(tie, "multi-pass-irv", {"seats": 1, "lowest_ties": "eliminate-all"})
