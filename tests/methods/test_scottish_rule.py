"""The Scottish rule on small elections worked by hand, its switches, and its invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import RulesError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Result


def count(rows: list[tuple[int, str]], seats: int, **switches: object) -> Result:
    names = sorted(set("".join(r for _, r in rows)))
    profile = Profile.from_rankings(
        [list(r) for _, r in rows], weights=[w for w, _ in rows], candidates=names
    )
    return registry.count(profile, "stv-scottish", {"seats": seats, **switches})


def test_equal_lowest_are_split_by_the_most_recent_stage_where_they_differed():
    # 24 papers, 1 seat: 10 A, 4 B, 5 C, 2 DB, 1 EC, 2 E. Quota floor(24 / 2) + 1 = 13.
    # Stage 2 excludes D (2): B 6. Stage 3 excludes E (3): C 6, 2 papers non-transferable.
    # B and C now have 6 each; at the most recent preceding stage (stage 2) B had 6 and C 5, so
    # C is excluded (rule 51). Its 6 papers end there. B (6) goes next, and A, the one continuing
    # candidate left for the one vacancy, is elected without the quota (rule 52).
    result = count([(10, "A"), (4, "B"), (5, "C"), (2, "DB"), (1, "EC"), (2, "E")], seats=1)
    assert [dict(r.tally) for r in result.rounds] == [
        {"A": 10, "B": 4, "C": 5, "D": 2, "E": 3},
        {"A": 10, "B": 6, "C": 5, "E": 3},
        {"A": 10, "B": 6, "C": 6},
        {"A": 10, "B": 6},
        {"A": 10},
    ]
    assert [r.eliminated for r in result.rounds] == [("D",), ("E",), ("C",), ("B",), ()]
    assert [r.exhausted for r in result.rounds] == [0, 0, 2, 8, 14]
    (tiebreak,) = result.rounds[2].tiebreaks
    assert (tiebreak.tied, tiebreak.chosen, tiebreak.rule) == (
        ("B", "C"),
        ("C",),
        "previous-rounds",
    )
    assert result.rounds[-1].elected == ("A",) and result.winners == ("A",)
    assert all(r.threshold == 13 for r in result.rounds)


def test_a_tie_at_every_stage_is_drawn_by_lot_from_the_recorded_seed():
    picks = set()
    for seed in range(8):
        result = count([(3, "A"), (3, "B")], seats=1, seed=seed)
        (tiebreak,) = result.rounds[0].tiebreaks
        assert tiebreak.rule == "lot" and tiebreak.seed == seed
        assert result.rules["seed"] == seed
        assert count([(3, "A"), (3, "B")], seats=1, seed=seed).to_json() == result.to_json()
        picks.add(tiebreak.chosen)
    assert picks == {("A",), ("B",)}


def test_a_withdrawn_candidate_is_passed_over():
    profile = Profile.from_rankings(
        [["W", "A"], ["A"], ["B"], ["B"]], candidates=["A", "B", "W"], withdrawn=["W"]
    )
    result = registry.count(profile, "stv-scottish", {"seats": 1})
    assert dict(result.rounds[0].tally) == {"A": 2, "B": 2}


def test_a_gap_or_an_equal_ranking_ends_a_paper():
    # 2 seats, quota floor(9 / 3) + 1 = 4. C (1) is excluded first: its paper "C, -, A" has no
    # second preference, so it is non-transferable, though it names A third. Then D (2) is
    # excluded: "D, A=B" marks two continuing candidates at once: non-transferable too.
    rows = [["A"]] * 3 + [["B"]] * 3 + [["C", None, "A"], ["D", ("A", "B")], ["D", ("A", "B")]]
    profile = Profile.from_rankings(rows, candidates=["A", "B", "C", "D"])
    result = registry.count(profile, "stv-scottish", {"seats": 2})
    assert [r.eliminated for r in result.rounds[:2]] == [("C",), ("D",)]
    assert [r.exhausted for r in result.rounds] == [0, 1, 3]
    assert dict(result.rounds[-1].tally) == {"A": 3, "B": 3}


def test_bad_switches_are_reported_by_name():
    with pytest.raises(RulesError, match="places"):
        registry.get("stv-scottish").rules({"places": -1})
    with pytest.raises(RulesError, match="places"):
        registry.get("stv-ers97").rules({"places": "two"})
    with pytest.raises(RulesError, match="places"):
        registry.get("stv-ers97").rules({"places": 40})


names = st.sampled_from("ABCDEFG")
rows = st.lists(
    st.tuples(st.integers(1, 9), st.lists(names, min_size=1, max_size=7, unique=True)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, seats=st.integers(1, 4), places=st.sampled_from([0, 2, 5]))
def test_every_stage_conserves_the_valid_vote(rows, seats, places):
    candidates = sorted({c for _, r in rows for c in r})
    profile = Profile.from_rankings(
        [r for _, r in rows], weights=[w for w, _ in rows], candidates=candidates
    )
    seats = min(seats, len(candidates))
    result = registry.count(profile, "stv-scottish", {"seats": seats, "places": places})
    valid = sum(w for w, _ in rows)
    assert 1 <= len(result.winners) <= seats
    assert len(set(result.winners)) == len(result.winners)
    quota = valid // (seats + 1) + 1
    for rnd in result.rounds:
        assert rnd.threshold == quota
        assert sum(rnd.tally.values()) + rnd.exhausted + rnd.residual == valid
        assert all((v * 10**places).denominator == 1 for v in rnd.tally.values())
        assert rnd.residual >= 0 and rnd.exhausted >= 0
    for rnd in result.rounds[:-1]:
        (transfer,) = rnd.transfers
        assert transfer.total == (
            rnd.tally[transfer.source] - quota
            if transfer.kind == "surplus"
            else rnd.tally[transfer.source]
        )
    assert result.rounds[-1].transfers == ()
    assert [n for r in result.rounds for n in r.elected] == list(result.winners)
