"""stv-wigm by hand: quotas, transfers, rounding residuals, batch defeats and bad input."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from shortlist.errors import CountError, RulesError
from shortlist.methods.ballots import Profile
from shortlist.methods.registry import count, get

# quota (exact Droop) = 15 / 3 = 5; A has 10
BALLOTS = [["A", "B"]] * 7 + [["A", "C"]] * 3 + [["B"]] * 2 + [["C"]] * 3
PROFILE = Profile.from_rankings(BALLOTS, candidates=["A", "B", "C"])


def test_exact_surplus_moves_at_surplus_over_vote() -> None:
    result = count(PROFILE, "stv-wigm", {"seats": 2})
    first, second, last = result.rounds
    assert first.threshold == 5
    assert dict(first.tally) == {"A": 10, "B": 2, "C": 3}
    assert first.elected == ("A",)
    (moved,) = first.transfers
    assert (moved.source, moved.kind, moved.value) == ("A", "surplus", F(1, 2))
    assert dict(moved.to) == {"B": F(7, 2), "C": F(3, 2)}
    assert moved.exhausted == 0 and moved.residual == 0
    # A keeps a quota; B passes it and has its (small) surplus moved: all of it exhausts
    assert dict(second.tally) == {"A": 5, "B": F(11, 2), "C": F(9, 2)}
    assert second.elected == ("B",)
    (b_surplus,) = second.transfers
    assert b_surplus.exhausted == F(1, 2) and dict(b_surplus.to) == {}
    assert dict(last.tally) == {"A": 5, "B": 5, "C": F(9, 2)}
    assert last.eliminated == ("C",) and last.exhausted == F(1, 2)
    assert result.winners == ("A", "B")


def test_fixed_point_truncates_weights_and_reports_the_loss_as_residual() -> None:
    result = count(PROFILE, "stv-wigm", {"seats": 2, "arithmetic": "fixed(1)"})
    first = result.rounds[0]
    assert first.threshold == F(51, 10)  # 5 plus the smallest unit, to be reached
    (moved,) = first.transfers
    # surplus 4.9; each ballot's weight 1 * 4.9 / 10 = 0.49 truncates to 0.4
    assert dict(moved.to) == {"B": F(28, 10), "C": F(12, 10)}
    assert moved.residual == F(9, 10)
    second = result.rounds[1]
    assert second.tally["A"] == F(51, 10)
    assert second.residual == F(9, 10)


def test_quota_must_be_exceeded_under_exact_arithmetic() -> None:
    # 6 ballots, 2 seats: quota 2; A with exactly 2 is not elected at once
    profile = Profile.from_rankings([["A"], ["A"], ["B"], ["B"], ["B"], ["C"]])
    result = count(profile, "stv-wigm", {"seats": 2})
    assert result.rounds[0].elected == ("B",)
    assert "A" not in result.rounds[0].elected
    whole = count(profile, "stv-wigm", {"seats": 2, "whole_quota": True})
    assert whole.rounds[0].threshold == 3
    hare = count(profile, "stv-wigm", {"seats": 2, "quota": "hare"})
    assert hare.rounds[0].threshold == 3 and hare.rounds[0].elected == ("B",)


def test_zero_batch_defeats_every_candidate_without_votes() -> None:
    profile = Profile.from_rankings(
        [["A"]] * 5 + [["B"]] * 4 + [["C"]] * 3, candidates=["A", "B", "C", "D", "E"]
    )
    single = count(profile, "stv-wigm", {"seats": 1, "ties": "order", "tie_order": "A,B,C,D,E"})
    assert single.rounds[0].eliminated == ("E",)
    batch = count(profile, "stv-wigm", {"seats": 1, "defeat_batch": "zero"})
    assert set(batch.rounds[0].eliminated) == {"D", "E"}
    assert batch.winners == single.winners == ("A",)


def test_sure_losers_go_together_before_any_surplus() -> None:
    profile = Profile.from_rankings(
        [["A", "B"]] * 8 + [["B"]] * 5 + [["C"]] * 4 + [["D", "B"]] * 1 + [["E", "C"]] * 1
    )
    result = count(profile, "stv-wigm", {"seats": 2, "defeat_batch": "sure-losers"})
    first = result.rounds[0]
    assert first.elected == ("A",)
    # D and E (1 each) plus A's surplus (8 - 19/3) cannot reach C's 4
    assert set(first.eliminated) == {"D", "E"}
    assert {t.kind for t in first.transfers} == {"elimination"}


def test_ties_are_recorded_with_the_rule_that_broke_them() -> None:
    profile = Profile.from_rankings([["A"]] * 3 + [["B"]] * 2 + [["C"]] * 2)
    result = count(profile, "stv-wigm", {"seats": 1, "ties": "order", "tie_order": "A,C,B"})
    (tie,) = result.rounds[0].tiebreaks
    assert tie.tied == ("B", "C") and tie.chosen == ("B",) and tie.rule == "order"
    droop = count(
        profile,
        "stv-wigm",
        {"seats": 1, "ties": "order", "tie_order": "A,C,B", "tie_order_style": "droop"},
    )
    assert droop.rounds[0].eliminated == ("C",)


def test_withdrawn_candidates_are_passed_over() -> None:
    profile = Profile.from_rankings([["A", "B"]] * 4 + [["B"]] * 3 + [["C"]] * 3, withdrawn=["A"])
    result = count(profile, "stv-wigm", {"seats": 1})
    assert "A" not in result.rounds[0].tally
    assert result.rounds[0].tally["B"] == 7 and result.winners == ("B",)


def test_bad_switches_are_reported_together() -> None:
    with pytest.raises(RulesError) as caught:
        get("stv-wigm").rules({"arithmetic": "float", "seats": 0})
    assert len(caught.value.errors) == 2
    assert any("arithmetic" in e for e in caught.value.errors)
    with pytest.raises(RulesError, match="quota"):
        get("stv-wigm").rules({"quota": "imperiali"})


def test_a_profile_without_valid_ballots_cannot_be_counted() -> None:
    profile = Profile.from_rankings([[None]], candidates=["A", "B"])
    with pytest.raises(CountError):
        count(profile, "stv-wigm", {"seats": 1})
