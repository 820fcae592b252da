"""The Academy's counts (ACADEMY.md §3): worked examples round by round, published checks."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from shortlist.errors import RulesError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Result, Round

CASES = Path(__file__).resolve().parents[1] / "cases" / "academy"


def _load(name: str) -> dict[str, Any]:
    return json.loads((CASES / name).read_text(encoding="utf-8"))


def _worked_counts() -> list[tuple[str, int]]:
    out = []
    for path in sorted(CASES.glob("*.json")):
        out += [(path.name, i) for i in range(len(_load(path.name)["counts"]))]
    return out


def _profile(ballots: list[dict[str, Any]]) -> Profile:
    return Profile.from_rankings(
        [b["ranking"] for b in ballots], weights=[b["count"] for b in ballots]
    )


@pytest.mark.parametrize(("name", "index"), _worked_counts())
def test_worked_example_every_round(name: str, index: int) -> None:
    case = _load(name)
    expected = case["counts"][index]
    result = registry.count(_profile(case["ballots"]), case["method"], expected["rules"])
    assert list(result.winners) == expected["winners"]
    rounds = result.to_json()["rounds"]
    assert len(rounds) == len(expected["rounds"])
    for got, want in zip(rounds, expected["rounds"], strict=True):
        for key, value in want.items():
            assert got[key] == value, f"round {got['round']}, {key}"


# -- published checks: constructed profiles with the published totals -------------------------


def _firsts(firsts: dict[str, int], seconds: dict[str, str] | None = None) -> Profile:
    """``firsts[x]`` ballots ranking x first, then ``seconds[x]`` when given."""
    seconds = seconds or {}
    rankings = [[x, seconds[x]] if x in seconds else [x] for x in firsts]
    return Profile.from_rankings(rankings, weights=list(firsts.values()))


def _surpluses(rnd: Round) -> dict[str, Fraction | None]:
    return {t.source: t.value for t in rnd.transfers if t.kind == "surplus"}


def test_published_check_5500_ballots_10_seats() -> None:
    firsts = {"X1": 1002, "X2": 771, "X3": 601, "X4": 600}
    firsts |= {f"Y{i}": 361 for i in range(1, 7)} | {"Y7": 360}
    assert sum(firsts.values()) == 5500
    seconds = {f"X{i}": f"Y{i}" for i in range(1, 5)}
    result = registry.count(_firsts(firsts, seconds), "academy-nominations", {"seats": 10})
    first = result.rounds[0]
    assert first.threshold == 501
    assert first.extra["trigger"] == 601
    assert first.elected == ("X1", "X2", "X3", "X4")
    # 1,002 passes 1/2 of each ballot, 771 passes 270/771, 601 (the trigger) 100/601; 600 stays
    assert _surpluses(first) == {
        "X1": Fraction(1, 2),
        "X2": Fraction(270, 771),
        "X3": Fraction(100, 601),
    }
    sent = {t.source: dict(t.to) for t in first.transfers}
    assert sent == {"X1": {"Y1": 501}, "X2": {"Y2": 270}, "X3": {"Y3": 100}}
    assert "X4" in first.note
    second = result.rounds[1]
    assert second.tally["X1"] == second.tally["X2"] == second.tally["X3"] == 501
    assert second.tally["X4"] == 600 and second.tally["Y1"] == 361 + 501


@pytest.mark.parametrize(
    ("factor", "trigger", "sent"),
    [
        ("1.2", 505, {"X1": Fraction(273, 694), "X2": Fraction(84, 505)}),
        (
            "1.1",
            463,
            {
                "X1": Fraction(273, 694),
                "X2": Fraction(84, 505),
                "X3": Fraction(83, 504),
                "X4": Fraction(42, 463),
            },
        ),
    ],
)
def test_published_check_4626_ballots(factor: str, trigger: int, sent: dict[str, Any]) -> None:
    firsts = {"X1": 694, "X2": 505, "X3": 504, "X4": 463} | {f"Y{i}": 205 for i in range(12)}
    assert sum(firsts.values()) == 4626
    seconds = {f"X{i}": f"Y{i}" for i in range(1, 5)}
    rules = {"seats": 10, "surplus_factor": factor}
    first = registry.count(_firsts(firsts, seconds), "academy-nominations", rules).rounds[0]
    assert (first.threshold, first.extra["trigger"]) == (421, trigger)
    assert _surpluses(first) == sent


def test_published_check_1738_ballots_5_seats() -> None:
    firsts = {"X1": 290, "X2": 289} | {f"Y{i}": 289 for i in range(4)} | {"Z": 3}
    assert sum(firsts.values()) == 1738
    first = registry.count(_firsts(firsts), "academy-nominations").rounds[0]
    assert first.threshold == 290
    assert first.elected == ("X1",)


def test_fixed_point_arithmetic_cuts_the_transfer_value_and_keeps_the_residual() -> None:
    firsts = {"X1": 1002, "X2": 771, "X3": 601, "X4": 600}
    firsts |= {f"Y{i}": 361 for i in range(1, 7)} | {"Y7": 360}
    seconds = {f"X{i}": f"Y{i}" for i in range(1, 5)}
    rules = {"seats": 10, "arithmetic": "fixed(3)"}
    result = registry.count(_firsts(firsts, seconds), "academy-nominations", rules)
    x2 = next(t for t in result.rounds[0].transfers if t.source == "X2")
    assert x2.value == Fraction("0.35")  # 270/771 = 0.35019... cut to 3 places
    assert dict(x2.to) == {"Y2": Fraction("269.85")}
    assert x2.residual == Fraction("0.15")
    # 100/601 = 0.16638... -> 0.166: 601 x 0.166 = 99.766 moves, 0.234 is lost
    assert result.rounds[1].residual == Fraction("0.15") + Fraction("0.234")
    for rnd in result.rounds:
        assert sum(rnd.tally.values()) + rnd.exhausted + rnd.residual == 5500


# -- entries out at the start, equal rankings, ties -------------------------------------------


def test_an_entry_with_no_first_place_votes_is_out_at_the_start() -> None:
    p = Profile.from_rankings(
        [["A", "Z", "B"], ["B"], ["C"]], weights=[10, 5, 5], candidates=["A", "B", "C", "Z"]
    )
    first = registry.count(p, "academy-nominations", {"seats": 2}).rounds[0]
    assert first.eliminated == ("Z",) and first.tally["Z"] == 0
    assert first.threshold == 7 and first.elected == ("A",)
    assert dict(first.transfers[0].to) == {"B": 3}  # 3/10 of ten ballots, skipping Z


@pytest.mark.parametrize(
    ("overvote", "to", "exhausted"), [("exhaust", {}, 3), ("skip", {"D": 3}, 0)]
)
def test_equal_ranking_follows_the_overvote_switch(
    overvote: str, to: dict[str, int], exhausted: int
) -> None:
    p = Profile.from_rankings([["A", ["B", "C"], "D"], ["B"], ["C"], ["D"]], weights=[10, 3, 3, 4])
    rules = {"seats": 2, "overvote": overvote}
    surplus = registry.count(p, "academy-nominations", rules).rounds[0].transfers[0]
    assert (surplus.source, surplus.value) == ("A", Fraction(3, 10))
    assert dict(surplus.to) == to and surplus.exhausted == exhausted


def test_elimination_tie_goes_to_fewer_first_preferences_then_a_seeded_lot() -> None:
    p = Profile.from_rankings([["A"], ["B"], ["X"], ["Y"], ["Z", "Y"]], weights=[8, 7, 3, 2, 1])
    result = registry.count(p, "academy-nominations", {"seats": 1})
    assert result.rounds[0].eliminated == ("Z",)
    assert dict(result.rounds[1].tally) == {"A": 8, "B": 7, "X": 3, "Y": 3}
    tie = result.rounds[1].tiebreaks[0]
    assert (tie.tied, tie.chosen, tie.rule) == (("X", "Y"), ("Y",), "first-preferences")
    lot = Profile.from_rankings([["A"], ["B"], ["X"], ["Y"]], weights=[8, 7, 1, 1])
    for seed in (0, 1, 2, 3):
        tie = registry.count(lot, "academy-nominations", {"seats": 1, "seed": seed})
        drawn = tie.rounds[0].tiebreaks[0]
        assert (drawn.rule, drawn.seed) == ("lot", seed) and drawn.tied == ("X", "Y")
        assert tie.to_json()["rules"]["seed"] == seed


def test_bad_switches_are_reported_together() -> None:
    method = registry.get("academy-nominations")
    with pytest.raises(RulesError) as err:
        method.rules({"quota_mode": "floating", "arithmetic": "float"})
    assert len(err.value.errors) == 2
    with pytest.raises(RulesError) as err:
        method.rules({"surplus_factor": "0.9", "max_rankings": "0"})
    assert len(err.value.errors) == 2
    with pytest.raises(RulesError, match="min_nominees"):
        registry.get("academy-best-picture-5pct").rules({"min_nominees": "0"})


# -- §3.2 the 5 % rule ------------------------------------------------------------------------


def _count_5pct(
    rows: list[tuple[int, list[str]]], candidates: list[str] | None = None, **rules: Any
) -> Result:
    p = Profile.from_rankings(
        [r for _, r in rows], weights=[w for w, _ in rows], candidates=candidates
    )
    assert p.total_weight == 1000
    return registry.count(p, "academy-best-picture-5pct", rules)


def test_five_percent_rule_at_most_ten() -> None:
    # N = 1,000: q 91, trigger 100, 1 % = 10, 5 % = 50.
    e = [70, 68, 66, 64, 62, 60, 58, 56, 54, 52]
    rows = [(150, ["P1", "L1"]), (95, ["P2"]), (9, ["Z1", "L2"]), (5, ["Z2", "L3"])]
    rows += [(v, [f"E{i}"]) for i, v in enumerate(e, 1)]
    rows += [(45, ["L1"]), (44, ["L2"]), (42, ["L3"])]
    result = _count_5pct(rows)
    quota, one, five = result.rounds
    for rnd in result.rounds:
        assert dict(rnd.extra) == {"trigger": 100, "one_percent": 10, "five_percent": 50}
    assert (quota.threshold, one.threshold, five.threshold) == (91, 10, 50)
    # 150 passes 59/150 of each ballot; 95 reaches the quota but not the trigger: set aside
    assert quota.elected == ("P1", "P2")
    assert [(t.source, t.value, dict(t.to)) for t in quota.transfers] == [
        ("P1", Fraction(59, 150), {"L1": 59})
    ]
    # every entry under 1 % of first places goes at once, ballots at full (current) value
    assert one.eliminated == ("Z1", "Z2")
    assert {t.source: dict(t.to) for t in one.transfers} == {"Z1": {"L2": 9}, "Z2": {"L3": 5}}
    assert (one.tally["P1"], one.tally["P2"], one.tally["L1"]) == (91, 95, 104)
    # 5 %: L1 104, E1..E10, L2 53 -> 14 nominees with P1, P2: the four lowest are dropped
    assert (five.tally["L2"], five.tally["L3"]) == (53, 47)
    assert five.elected == ("L1", "E1", "E2", "E3", "E4", "E5", "E6", "E7")
    assert five.eliminated == ("E10", "L2", "E9", "E8")
    assert result.winners == ("P1", "P2", "L1", "E1", "E2", "E3", "E4", "E5", "E6", "E7")


def test_five_percent_rule_at_least_five() -> None:
    f = [49, 48, 47, 46, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35]
    rows = [(300, ["P", "A"]), (40, ["A"]), (8, ["Z", "B"]), (45, ["B"]), (22, ["F22", "F35"])]
    rows += [(v, [f"F{v}"]) for v in f]
    result = _count_5pct(rows)
    assert result.rounds[0].elected == ("P",)
    assert result.rounds[0].transfers[0].value == Fraction(209, 300)
    assert result.rounds[1].eliminated == ("Z",)
    assert result.rounds[2].elected == ("A", "B")  # 249 and 53: only three nominees
    bottom = result.rounds[3:-1]
    # from the bottom with transfers: F22 first (its 22 ballots lift F35 to 57), then upwards
    assert [r.eliminated for r in bottom] == [(f"F{v}",) for v in [22, *f[::-1][1:-1]]]
    assert dict(bottom[0].transfers[0].to) == {"F35": 22}
    assert bottom[1].tally["F35"] == 57
    assert result.rounds[-1].elected == ("F35", "F49")
    assert result.winners == ("P", "A", "B", "F35", "F49")
    for rnd in result.rounds:
        assert sum(rnd.tally.values()) + rnd.exhausted == 1000


def test_five_percent_rule_reads_five_ranks() -> None:
    # A passes (500 - 91)/500 of each ballot; B to E reach the quota with it (95, set aside),
    # so the surplus goes to the sixth rank, G, only if a sixth rank is read
    rows = [(500, ["A", "B", "C", "D", "E", "G"])] + [(95, [x]) for x in "BCDE"]
    rows += [(20, ["G"]), (30, ["H"]), (30, ["I"]), (40, ["J"])]
    entries = list("ABCDEGHIJK")  # K stands with no first places: out at the start
    five = _count_5pct(rows, entries)
    first = five.rounds[0]
    assert first.eliminated == ("K",)
    assert first.elected == ("A", "B", "C", "D", "E")
    assert (dict(first.transfers[0].to), first.transfers[0].exhausted) == ({}, 409)
    assert five.winners == ("A", "B", "C", "D", "E")
    six = _count_5pct(rows, entries, max_rankings="none")
    assert dict(six.rounds[0].transfers[0].to) == {"G": 409}
    assert six.winners == ("A", "B", "C", "D", "E", "G")


# -- §3.4 Best Picture, the final round ---------------------------------------------------------


def _final(rows: list[tuple[int, list[str]]], **rules: Any) -> Result:
    p = Profile.from_rankings([r for _, r in rows], weights=[w for w, _ in rows])
    return registry.count(p, "academy-best-picture-irv", rules)


def test_final_two_tie_goes_to_more_first_places() -> None:
    result = _final([(5, ["P"]), (3, ["Q"]), (2, ["R", "Q"])])
    last = result.rounds[-1]
    assert dict(last.tally) == {"P": 5, "Q": 5} and last.threshold == 5
    assert result.winners == ("P",)
    tie = last.tiebreaks[0]
    assert (tie.tied, tie.chosen, tie.rule) == (("P", "Q"), ("P",), "place-votes")
    assert tie.detail == "place 1 votes: P 5, Q 3"


def test_final_two_tie_then_second_places() -> None:
    rows = [(4, ["P", "R"]), (4, ["Q", "P"]), (1, ["R", "P"]), (1, ["R", "Q"])]
    result = _final(rows)
    assert result.rounds[0].eliminated == ("R",)
    assert dict(result.rounds[1].tally) == {"P": 5, "Q": 5}
    tie = result.rounds[1].tiebreaks[0]
    assert (tie.chosen, tie.rule, tie.detail) == (("P",), "place-votes", "place 2 votes: P 5, Q 1")
    assert result.winners == ("P",)
    # with the plain ties chain the earlier round (P 4, Q 4) cannot decide: a lot is drawn
    plain = _final(rows, final_tie="ties")
    assert plain.rounds[1].tiebreaks[0].rule == "lot"


def test_final_two_identical_at_every_place_draws_a_lot() -> None:
    result = _final([(1, ["P", "Q"]), (1, ["Q", "P"])], seed=7)
    tie = result.rounds[-1].tiebreaks[0]
    assert (tie.rule, tie.seed, tie.purpose) == ("lot", 7, "elect")
    assert len(result.winners) == 1


@pytest.mark.parametrize(
    ("base", "thresholds"), [("continuing", ["4.5", "3.5"]), ("all", ["4.5", "4.5", "4.5"])]
)
def test_majority_base(base: str, thresholds: list[str]) -> None:
    # 4 P, 3 Q, 2 R (who exhaust): P's 4 of 7 continuing is a majority, 4 of all 9 is not
    result = _final([(4, ["P"]), (3, ["Q"]), (2, ["R"])], majority_base=base)
    assert [r.threshold for r in result.rounds] == [Fraction(t) for t in thresholds]
    assert result.winners == ("P",)


# -- ballots that do not count, switches that document themselves ----------------------------


def test_ballots_without_a_valid_first_choice_are_not_counted() -> None:
    rows: list[list[Any]] = [["A", "B"], ["B"], ["C"], [], [["A", "B"], "C"]]
    p = Profile.from_rankings(rows, weights=[10, 6, 5, 3, 2], candidates=list("ABCD"))
    result = registry.count(p, "academy-nominations", {"seats": 2})
    first = result.rounds[0]
    # N = 21 valid ballots (3 blank, 2 overvoted at the first rank): q = floor(21/3) + 1 = 8
    assert first.threshold == 8
    assert sum(first.tally.values()) == 21 and first.exhausted == 0
    assert result.notes == ("5 ballots had no valid first choice and were not counted",)


def test_every_switch_has_a_doc() -> None:
    names = ("academy-nominations", "academy-best-picture-5pct", "academy-best-picture-irv")
    for name in names:
        method = registry.get(name)
        for f in method.rules_type.switches():
            assert f.metadata.get("doc"), f"{name}: switch {f.name} is undocumented"
        assert method.count(_firsts({"A": 3, "B": 2, "C": 1} | {f"Z{i}": 1 for i in range(8)}))


def test_five_percent_rule_counts_fewer_entries_than_its_ceiling_of_ten():
    from shortlist.methods import registry
    from shortlist.methods.ballots import Profile

    ballots = [list("ABCDEFG")] * 30 + [list("BCDEFGA")] * 25 + [list("GFEDCBA")] * 20
    result = registry.count(Profile.from_rankings(ballots), "academy-best-picture-5pct")
    assert 1 <= len(result.winners) <= 7
