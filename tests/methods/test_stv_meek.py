"""stv-meek and stv-warren by hand: keep-factor passes, a converged round, switches."""

from __future__ import annotations

from fractions import Fraction as F
from typing import Any

import pytest

from shortlist.errors import CountError, RulesError
from shortlist.methods.ballots import Profile
from shortlist.methods.meek import MeekRules
from shortlist.methods.registry import count, get
from shortlist.methods.stv_arithmetic import Raw, Reckoner
from shortlist.methods.stv_keep import KeepBallots, meek_split, warren_split

EXACT = Reckoner.parse("exact")


def one_pass(
    ballots: list[list[Any]], keep: dict[str, F], split: str, **kw: bool
) -> tuple[dict[str, Raw], Raw]:
    profile = Profile.from_rankings(ballots, candidates=["A", "B", "C", "D", "E"])
    codes = {profile.code(n): k for n, k in keep.items()}
    how = meek_split(EXACT) if split == "meek" else warren_split(EXACT)
    votes, exhausted = KeepBallots(profile, **kw).distribute(codes, how, EXACT)
    return {profile.candidates[c]: v for c, v in votes.items()}, exhausted


def test_meek_keeps_a_share_warren_keeps_up_to_the_factor() -> None:
    keep = {"A": F(1, 2), "B": F(1, 3), "C": F(1)}
    meek, _ = one_pass([["A", "B", "C"]], keep, "meek")
    assert meek == {"A": F(1, 2), "B": F(1, 6), "C": F(1, 3)}
    warren, _ = one_pass([["A", "B", "C"]], keep, "warren")
    assert warren == {"A": F(1, 2), "B": F(1, 3), "C": F(1, 6)}


def test_defeated_candidates_pass_everything_on_and_the_rest_exhausts() -> None:
    votes, exhausted = one_pass([["D", "A"], ["A"]], {"A": F(1, 4)}, "meek")
    assert votes == {"A": F(1, 2)} and exhausted == F(3, 2)


def test_equal_ranks_share_the_weight() -> None:
    keep = {"A": F(1, 2), "B": F(1), "C": F(1)}
    votes, exhausted = one_pass([[("A", "B"), "C"]], keep, "meek")
    assert votes == {"A": F(1, 4), "B": F(1, 2), "C": F(1, 4)} and exhausted == 0
    # a rank of defeated candidates is passed over, or ends the ballot (Droop 0.14)
    gap = [[("D", "E"), "A"]]
    assert one_pass(gap, {"A": F(1)}, "meek") == ({"A": F(1)}, F(0))
    assert one_pass(gap, {"A": F(1)}, "meek", stop_at_gap=True) == ({"A": F(0)}, F(1))


BALLOTS = [["A", "C"]] * 6 + [["B"]] * 3 + [["C"]] * 2


@pytest.mark.parametrize("method", ["stv-meek", "stv-warren"])
def test_a_surplus_converges_to_the_quota(method: str) -> None:
    profile = Profile.from_rankings(BALLOTS)
    result = count(profile, method, {"seats": 2, "arithmetic": "exact"})
    first, second, last = result.rounds
    assert first.threshold == F(11, 3) and first.elected == ("A",)
    assert dict(first.tally) == {"A": 6, "B": 3, "C": 2}
    assert first.extra["keep:A"] == 1
    # A keeps 11/18 of each ballot: exactly a quota; C gets the rest and is elected
    assert second.extra["keep:A"] == F(11, 18)
    assert dict(second.tally) == {"A": F(11, 3), "B": 3, "C": F(13, 3)}
    assert second.elected == ("C",) and second.note == "iteration 2 stopped: elected"
    assert last.eliminated == ("B",) and "keep:B" not in last.extra
    assert result.winners == ("A", "C")


def test_fixed_arithmetic_rounds_keep_factors_up() -> None:
    profile = Profile.from_rankings(BALLOTS)
    result = count(profile, "stv-meek", {"seats": 2, "arithmetic": "fixed(3)"})
    quota = result.rounds[0].threshold
    assert quota == F(3667, 1000)  # 3.666 plus the smallest unit
    # kf = (1 * 3.667 rounded up) / 6 rounded up = 0.612
    assert result.rounds[1].extra["keep:A"] == F(612, 1000)


def test_elect_when_converged_waits_for_the_iteration() -> None:
    ballots = [["A"]] * 6 + [["A", "B"]] * 6 + [["B"]] * 7 + [["C"]] * 4 + [["D"]] * 3
    profile = Profile.from_rankings(ballots)
    rules = {"seats": 2, "defeat_batch": "none"}
    at_once = count(profile, "stv-meek", {**rules, "arithmetic": "exact"})
    later = count(profile, "stv-meek", {**rules, "elect": "when-converged"})
    assert at_once.winners == later.winners == ("A", "B")
    # at once: B is elected the moment A's surplus lifts it over the quota
    stopped = at_once.rounds[1]
    assert stopped.elected == ("B",) and stopped.note == "iteration 2 stopped: elected"
    assert stopped.tally["A"] == F(26, 3) and stopped.threshold == F(73, 9)
    # when converged: A is back at the quota (within omega) when B is elected
    converged = later.rounds[1]
    assert converged.elected == ("B",) and converged.note.endswith("omega")
    assert abs(converged.tally["A"] - (converged.threshold or 0)) < F(1, 10**8)


def test_omega_defaults_follow_the_arithmetic() -> None:
    assert MeekRules.build({"arithmetic": "guarded(18,9)"}).omega_places() == 9
    assert MeekRules.build({"arithmetic": "fixed(9)"}).omega_places() == 6
    assert MeekRules.build({"arithmetic": "exact"}).omega_places() == 10
    assert MeekRules.build({"omega": "4"}).omega_places() == 4
    with pytest.raises(RulesError, match="omega"):
        get("stv-warren").rules({"omega": 0})


def test_exact_keep_factors_that_outgrow_their_limit_stop_the_count() -> None:
    rows: list[tuple[list[Any], int]] = [
        ([("A", "B"), "F", "C"], 2),
        ([("D", "A"), "C"], 9),
        ([("E", "A"), "D"], 9),
        ([("A", "D")], 6),
        ([("C", "B"), "A", "D", "E"], 5),
        ([("E", "A"), "C", "D", ("F", "B")], 6),
        ([("F", "C"), "B"], 7),
        (["C"], 2),
    ]
    profile = Profile.from_rankings(
        [r for r, _ in rows], weights=[w for _, w in rows], withdrawn=["F"]
    )
    rules = {"seats": 4, "arithmetic": "exact", "omega": 3, "defeat_batch": "none"}
    with pytest.raises(CountError, match="switch arithmetic"):
        count(profile, "stv-meek", rules)
    guarded = count(profile, "stv-meek", {**rules, "arithmetic": "guarded(18,9)"})
    assert len(guarded.winners) == 4


def test_prf_variant_rounds_keep_values_up() -> None:
    r = Reckoner.parse("fixed(3)")
    profile = Profile.from_rankings([["A", "B", "C"]])
    keep = {0: r.from_fraction(F(333, 1000)), 1: r.from_fraction(F(1, 2)), 2: r.one}
    down, _ = KeepBallots(profile).distribute(keep, meek_split(r), r)
    up, _ = KeepBallots(profile).distribute(keep, meek_split(r, keep_up=True), r)
    # B meets weight 0.667: keeps 0.3335 truncated (0.333) or rounded up (0.334)
    assert [r.fraction(down[c]) for c in range(3)] == [F(333, 1000), F(333, 1000), F(333, 1000)]
    assert [r.fraction(up[c]) for c in range(3)] == [F(333, 1000), F(334, 1000), F(333, 1000)]
