"""Score and approval counts, every round checked against hand counts."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import CountError, RulesError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.scored import ScoreProfile

FILMS = ["A", "B", "C", "D", "E"]


def academy_prelim() -> ScoreProfile:
    """Scores 6 to 10 from the films' viewers (ACADEMY.md §3.3)."""
    ballots = [
        ({"A": 10, "B": 8, "C": 9}, 3),
        ({"A": 9, "B": 8, "D": 10}, 2),
        ({"B": 7, "C": 9, "E": 10}, 1),
        ({"C": 6, "D": 6}, 2),
    ]
    return ScoreProfile.from_scores(
        [b for b, _ in ballots], candidates=FILMS, scale=(6, 10), weights=[w for _, w in ballots]
    )


def test_score_average_with_minimum_scorers_floor_and_top_k():
    result = registry.count(
        academy_prelim(), "score-average", {"seats": 2, "min_scorers": 2, "floor": "7.5"}
    )
    rnd = result.rounds[0]
    assert dict(rnd.tally) == {
        "A": Fraction(48, 5),  # (3*10 + 2*9) / 5
        "B": Fraction(47, 6),  # (24 + 16 + 7) / 6
        "C": Fraction(48, 6),  # (27 + 9 + 12) / 6
        "D": Fraction(32, 4),  # (20 + 12) / 4
        "E": Fraction(10),  # one scorer only
    }
    assert rnd.extra["scorers:E"] == 1 and rnd.extra["scorers:C"] == 6
    assert rnd.eliminated == ("E",)  # too few scorers; B is 7.83 >= 7.5 and stays
    assert rnd.threshold == Fraction("7.5")
    # A first; C and D tie at 8 for the second place: all tied are included by default
    assert result.winners == ("A", "C", "D") and result.tied_winners == ("C", "D")


def test_score_average_tie_at_cut_prefers_more_scorers():
    result = registry.count(
        academy_prelim(), "score-average", {"seats": 2, "min_scorers": 2, "cut_tie": "more-scorers"}
    )
    assert result.winners == ("A", "C")  # C: 6 scorers, D: 4
    tb = result.rounds[0].tiebreaks[0]
    assert tb.rule == "more-scorers" and tb.chosen == ("C",)


def test_score_average_floor_can_leave_places_empty():
    result = registry.count(academy_prelim(), "score-average", {"seats": 3, "floor": "9"})
    assert result.winners == ("E", "A")
    assert "only 2 of 3 places filled" in result.rounds[0].note


def test_rrv_reweights_each_round():
    profile = ScoreProfile.from_scores(
        [{"A": 10, "B": 9, "C": 0}, {"C": 10}],
        candidates=["A", "B", "C"],
        scale=(0, 10),
        weights=[3, 2],
    )
    result = registry.count(profile, "rrv", {"seats": 2})
    first, second = result.rounds
    assert dict(first.tally) == {"A": 30, "B": 27, "C": 20}
    # the A voters now weigh 1 / (1 + 10/10) = 1/2
    assert dict(second.tally) == {"B": Fraction(27, 2), "C": 20}
    assert result.winners == ("A", "C")
    assert registry.count(profile, "score-sum", {"seats": 2}).winners == ("A", "B")


def test_sequential_proportional_approval():
    profile = ScoreProfile.from_approvals(
        [["A", "B"], ["C"]], candidates=["A", "B", "C"], weights=[3, 2]
    )
    plain = registry.count(profile, "approval", {"seats": 2})
    assert plain.winners == ("A", "B")
    pav = registry.count(profile, "approval", {"seats": 2, "proportional": True})
    assert len(pav.rounds) == 2 and pav.winners[1] == "C"
    assert pav.rounds[0].tiebreaks[0].tied == ("A", "B")
    assert dict(pav.rounds[1].tally) == {
        "B" if pav.winners[0] == "A" else "A": Fraction(3, 2),
        "C": 2,
    }


def test_star_runoff_between_the_two_highest_totals():
    profile = ScoreProfile.from_scores(
        [{"A": 5, "B": 4}, {"B": 5, "C": 4}, {"C": 5, "B": 1, "A": 0}],
        candidates=["A", "B", "C"],
        scale=(0, 5),
        weights=[4, 3, 2],
    )
    result = registry.count(profile, "star")
    first, runoff = result.rounds
    assert dict(first.tally) == {"A": 20, "B": 33, "C": 22}
    assert dict(runoff.tally) == {"B": 7, "C": 2}  # 4 A-voters give C nothing: B above
    assert result.winners == ("B",)
    assert runoff.exhausted == 0


def test_star_runoff_tie_goes_to_the_higher_total():
    profile = ScoreProfile.from_scores(
        [{"A": 5, "B": 0}, {"B": 5, "A": 4}], candidates=["A", "B"], scale=(0, 5)
    )
    result = registry.count(profile, "star")
    assert dict(result.rounds[1].tally) == {"A": 1, "B": 1}
    assert result.winners == ("A",)  # totals 9 against 5
    assert result.rounds[1].tiebreaks[0].rule == "previous-rounds"


def test_committee_additions_are_marked_confidential():
    general = [({"A": 10, "B": 9, "C": 6}, 5), ({"B": 10, "D": 6}, 3)]
    committee = [({"D": 10, "C": 7}, 2)]
    rows = general + committee
    profile = ScoreProfile.from_scores(
        [b for b, _ in rows],
        candidates=["A", "B", "C", "D"],
        scale=(6, 10),
        weights=[w for _, w in rows],
        group=[0, 0, 1],
    )
    result = registry.count(profile, "committee-additions", {"seats": 3, "committee_seats": 1})
    assert result.rounds[0].elected == ("A", "B")
    assert result.rounds[1].elected == ("D",)
    assert "confidential" in result.rounds[1].note and result.notes
    assert result.winners == ("A", "B", "D")
    with pytest.raises(RulesError, match="committee_seats"):
        registry.count(profile, "committee-additions", {"seats": 1, "committee_seats": 2})


@pytest.mark.parametrize(
    "name", ["approval", "score-sum", "score-average", "rrv", "star", "committee-additions"]
)
def test_ranked_ballots_are_refused_by_name(name):
    ranked = Profile.from_rankings([["A", "B"]])
    with pytest.raises(CountError, match=f"method '{name}' counts score or approval ballots"):
        registry.get(name).count(ranked)


def test_scores_off_the_scale_are_refused():
    with pytest.raises(CountError, match="outside the scale 6 to 10"):
        ScoreProfile.from_scores([{"A": 5}], candidates=["A"], scale=(6, 10))
    with pytest.raises(CountError, match="approval counts approval ballots"):
        registry.count(academy_prelim(), "approval")


score_row = st.fixed_dictionaries({}, optional={c: st.integers(6, 10) for c in FILMS})


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(score_row, st.integers(1, 4)), min_size=1, max_size=10))
def test_neutrality_and_anonymity_of_score_methods(rows):
    rename = dict(zip(FILMS, "VWXYZ", strict=True))
    profile = ScoreProfile.from_scores(
        [r for r, _ in rows], candidates=FILMS, scale=(6, 10), weights=[w for _, w in rows]
    )
    twin = ScoreProfile.from_scores(
        [{rename[k]: v for k, v in r.items()} for r, _ in reversed(rows)],
        candidates=list("ZYXWV"),
        scale=(6, 10),
        weights=[w for _, w in reversed(rows)],
    )
    for name in ("score-sum", "score-average", "star"):
        ours = registry.count(profile, name, {"tie_at_cut": "all"} if name != "star" else None)
        theirs = registry.count(twin, name, {"tie_at_cut": "all"} if name != "star" else None)
        if name != "star" or not any(r.tiebreaks for r in ours.rounds):  # a lot is not neutral
            ours_set = set(ours.tied_winners or ours.winners)
            assert set(theirs.tied_winners or theirs.winners) == {rename[c] for c in ours_set}
