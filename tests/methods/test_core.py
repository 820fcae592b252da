"""The counting core's building blocks: profiles, exact numbers, rules, tie policies."""

from __future__ import annotations

import sys
from fractions import Fraction

import numpy as np
import pytest

from shortlist.errors import CountError, RulesError
from shortlist.methods.ballots import SKIP, Profile
from shortlist.methods.irv import IRVRules
from shortlist.methods.numbers import Arithmetic, to_decimal_string
from shortlist.methods.tiebreak import TieBreaker, TiePolicy


def test_profile_groups_identical_ballots_and_keeps_marks():
    p = Profile.from_rankings(
        [["A", "B"], ["A", "B"], [["A", "C"], "B"], [None, "C"], []],
        weights=[1, 2, 3, 4, 5],
    )
    assert p.candidates == ("A", "B", "C")
    assert p.total_weight == 15
    rows = dict(p.rankings())
    assert rows[(("A",), ("B",))] == 3
    assert rows[(("A", "C"), ("B",))] == 3
    assert rows[(None, ("C",))] == 4
    assert rows[()] == 5
    assert p.ranks.dtype == np.int32 and not p.ranks.flags.writeable


def test_profile_rejects_unknown_candidate_when_candidates_given():
    with pytest.raises(CountError, match="unknown candidate 'Z'"):
        Profile.from_rankings([["A", "Z"]], candidates=["A", "B"])


def test_skip_is_minus_one_and_codes_checked():
    p = Profile(("A",), np.array([[0, SKIP, 0]], dtype=np.int32), np.array([1]))
    p.check_codes()
    bad = Profile(("A",), np.array([[3]], dtype=np.int32), np.array([1]))
    with pytest.raises(Exception, match="unknown candidate"):
        bad.check_codes("x.csv")


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Fraction(21), None, "21"),
        (Fraction(29, 4), None, "7.25"),
        (Fraction(220, 21), None, "220/21"),
        (Fraction(-1, 8), None, "-0.125"),
        (Fraction(220, 21), 5, "10.47619"),
        (Fraction(7), 4, "7.0000"),
    ],
)
def test_exact_decimal_text(value, places, text):
    assert to_decimal_string(value, places) == text
    if "/" not in text and places is None:
        assert Fraction(text) == value


def test_fixed_point_truncates_never_rounds_up():
    five = Arithmetic.parse("fixed(5)")
    assert five.round(Fraction(2, 3)) == Fraction(66666, 100000)
    assert five.round_up(Fraction(2, 3)) == Fraction(66667, 100000)
    assert Arithmetic.parse("exact").round(Fraction(2, 3)) == Fraction(2, 3)
    with pytest.raises(ValueError):
        Arithmetic.parse("float")


def test_rules_convert_strings_and_report_every_error_at_once():
    rules = IRVRules.build({"majority_base": "all", "batch_elimination": "true", "max_skips": "2"})
    assert rules.majority_base == "all" and rules.batch_elimination and rules.max_skips == 2
    with pytest.raises(RulesError) as err:
        IRVRules.build({"nope": 1, "majority_base": "most", "seats": "two"})
    assert len(err.value.errors) == 3
    assert any("unknown switch 'nope'" in e for e in err.value.errors)
    with pytest.raises(RulesError, match="exactly one winner"):
        IRVRules.build({"seats": 3})


def test_tie_policy_previous_rounds_then_lot_records_seed():
    names = ("A", "B", "C")
    ties = TieBreaker(TiePolicy.parse("previous-rounds,lot", seed=7), names)
    history = [{0: Fraction(5), 1: Fraction(3), 2: Fraction(3)}]
    loser, tb = ties.pick_lowest([1, 2], history)
    assert tb.rule == "lot" and tb.seed == 7 and tb.tied == ("B", "C")
    history = [{0: Fraction(5), 1: Fraction(2), 2: Fraction(3)}]
    loser, tb = ties.pick_lowest([1, 2], history)
    assert loser == 1 and tb.rule == "previous-rounds" and tb.seed is None


def test_tie_policy_order_and_lot_are_reproducible():
    names = ("A", "B", "C")
    ordered = TieBreaker(TiePolicy.parse("order", order=("C", "A", "B")), names)
    assert ordered.pick_lowest([0, 2], [])[0] == 0  # A is listed after C: A is lower
    assert ordered.pick_highest([0, 2], [])[0] == 2
    draws = [TieBreaker(TiePolicy.parse("lot", seed=3), names).pick_lowest([0, 1, 2], [])[0]]
    draws.append(TieBreaker(TiePolicy.parse("lot", seed=3), names).pick_lowest([0, 1, 2], [])[0])
    assert draws[0] == draws[1]
    with pytest.raises(RulesError):
        TiePolicy.parse("coin")


@pytest.mark.parametrize("denominator", [1, 1000, 3])
def test_a_value_of_thousands_of_digits_is_written_whole(denominator: int) -> None:
    """Exact counts (Meek's, in fractions) can outgrow the 4,300 digits Python's ``str`` writes
    by default (Hypothesis found one): they are written whole, and read back exactly."""
    value = Fraction(7**6000 + 1, denominator)  # 5,071 digits
    text = to_decimal_string(value)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        numerator, _, below = text.partition("/")
        whole, _, decimals = numerator.partition(".")
        read = Fraction(int(whole + decimals), 10 ** len(decimals)) / int(below or "1")
    finally:
        sys.set_int_max_str_digits(limit)
    assert read == value and len(text) > 5000
