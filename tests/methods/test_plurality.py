"""Plurality: first choices or single choices; exact ties give co-winners (ACADEMY.md §3.4)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shortlist.errors import CountError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.scored import ScoreProfile


def test_single_choices_and_an_exact_tie_give_co_winners():
    final = ScoreProfile.from_scores(
        [{"Nominee 1": 1}, {"Nominee 2": 1}, {"Nominee 3": 1}, {}],
        candidates=["Nominee 1", "Nominee 2", "Nominee 3"],
        kind="choice",
        weights=[40, 40, 20, 3],
    )
    result = registry.count(final, "plurality")
    assert result.winners == ("Nominee 1", "Nominee 2")
    assert result.tied_winners == ("Nominee 1", "Nominee 2")
    rnd = result.rounds[0]
    assert dict(rnd.tally) == {"Nominee 1": 40, "Nominee 2": 40, "Nominee 3": 20}
    assert rnd.exhausted == 3  # blank ballots
    assert rnd.tiebreaks[0].rule == "none" and "not broken" in rnd.tiebreaks[0].detail
    broken = registry.count(final, "plurality", {"tie_at_cut": "break", "seed": 7})
    assert len(broken.winners) == 1 and broken.rounds[0].tiebreaks[0].seed == 7


def test_first_choices_of_ranked_ballots_and_overvotes():
    prof = Profile.from_rankings(
        [["A", "B"], ["B"], [("A", "B"), "C"], ["C", "A"]], weights=[5, 4, 2, 1]
    )
    assert dict(registry.count(prof, "plurality").rounds[0].tally) == {"A": 5, "B": 4, "C": 1}
    assert registry.count(prof, "plurality").rounds[0].exhausted == 2
    split = registry.count(prof, "plurality", {"overvote": "split"}).rounds[0].tally
    assert dict(split) == {"A": 6, "B": 5, "C": 1}
    withdrawn = Profile.from_rankings([["A", "B"], ["B"]], weights=[5, 4], withdrawn=["A"])
    assert dict(registry.count(withdrawn, "plurality").rounds[0].tally) == {"B": Fraction(9)}


def test_top_k():
    prof = Profile.from_rankings([["A"], ["B"], ["C"]], weights=[5, 4, 1])
    assert registry.count(prof, "plurality", {"seats": 2}).winners == ("A", "B")


def test_approval_ballots_with_several_marks_are_refused():
    approvals = ScoreProfile.from_approvals([["A", "B"]], candidates=["A", "B"])
    with pytest.raises(CountError, match="approval method"):
        registry.count(approvals, "plurality")
    with pytest.raises(CountError, match="more than one single choice"):
        ScoreProfile.from_scores([{"A": 1, "B": 1}], candidates=["A", "B"], kind="choice")
