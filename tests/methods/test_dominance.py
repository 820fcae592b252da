"""Plurality with runoff, Superior Voting, the Pareto set and Condorcet-loser removal."""

from __future__ import annotations

from shortlist.methods import registry
from shortlist.methods.ballots import Profile

BEST_PICTURE = (
    [list("PQRST")] * 30
    + [list("QRPTS")] * 26
    + [list("RQSPT")] * 20
    + [list("SRQPT")] * 14
    + [list("TSRQP")] * 10
)


def test_plurality_runoff_top_two_meet_one_to_one():
    result = registry.count(Profile.from_rankings(BEST_PICTURE), "plurality-runoff")
    first, runoff = result.rounds
    assert dict(first.tally) == {"P": 30, "Q": 26, "R": 20, "S": 14, "T": 10}
    assert set(first.eliminated) == {"R", "S", "T"}
    assert dict(runoff.tally) == {"P": 30, "Q": 70}
    assert result.winners == ("Q",)


def test_plurality_runoff_tie_for_second_goes_every_way_or_by_policy():
    ballots = [["A", "B", "C"]] * 4 + [["B", "C", "A"]] * 3 + [["C", "A", "B"]] * 3
    profile = Profile.from_rankings(ballots)
    put = registry.count(profile, "plurality-runoff", {"top_ties": "parallel-universes"})
    # A v B: A 7-3; A v C: C 6-4 -> A and C each win in some universe
    assert set(put.winners) == {"A", "C"} and set(put.tied_winners) == {"A", "C"}
    one = registry.count(profile, "plurality-runoff", {"ties": "order", "tie_order": "B,C,A"})
    assert one.winners == ("A",) and one.rounds[0].tiebreaks[0].rule == "order"


def test_superior_pareto_and_condorcet_loser_removal():
    profile = Profile.from_rankings(BEST_PICTURE)
    # Q beats every other one to one: the Condorcet winner, elected by Superior Voting
    assert registry.count(profile, "superior").winners == ("Q",)
    # nobody is ranked below another by every voter here: all are in the Pareto set
    assert set(registry.count(profile, "pareto").winners) == set("PQRST")
    removal = registry.count(profile, "condorcet-loser-removal")
    assert removal.winners == ("Q",)
    assert "removed in turn" in removal.rounds[0].note
