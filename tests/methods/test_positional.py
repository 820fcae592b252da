"""Borda and its variants, rank-sum, bucklin and coombs: every round against hand counts."""

from __future__ import annotations

from fractions import Fraction

import pytest

from shortlist.errors import CountError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.scored import ScoreProfile

ABCD = ["A", "B", "C", "D"]


def tally(profile, name, switches=None, rnd=0):
    return dict(registry.count(profile, name, switches).rounds[rnd].tally)


def test_borda_truncated_ballot_variants():
    one = Profile.from_rankings([["A"]], candidates=ABCD)
    third = Fraction(1)  # (2 + 1 + 0) / 3
    assert tally(one, "borda") == {"A": 3, "B": third, "C": third, "D": third}
    assert tally(one, "borda", {"truncated": "zero"}) == {"A": 3, "B": 0, "C": 0, "D": 0}
    two = Profile.from_rankings([["A", "B"]], candidates=ABCD)
    assert tally(two, "borda", {"truncated": "modified"}) == {"A": 1, "B": 0, "C": 0, "D": 0}
    assert tally(two, "borda", {"truncated": "zero"}) == {"A": 3, "B": 2, "C": 0, "D": 0}


def test_borda_equal_ranks_share_their_positions():
    prof = Profile.from_rankings([["A", ("B", "C"), "D"]], candidates=ABCD)
    assert tally(prof, "borda") == {"A": 3, "B": Fraction(3, 2), "C": Fraction(3, 2), "D": 0}
    ranks = tally(prof, "rank-sum")
    assert ranks == {"A": 1, "B": Fraction(5, 2), "C": Fraction(5, 2), "D": 4}


def test_dowdall_points_exact():
    prof = Profile.from_rankings([["A", "B"]], candidates=ABCD)
    assert tally(prof, "borda", {"points": "dowdall"}) == {
        "A": 1,
        "B": Fraction(1, 2),
        "C": Fraction(7, 24),  # (1/3 + 1/4) / 2
        "D": Fraction(7, 24),
    }
    assert tally(prof, "borda", {"points": "dowdall", "truncated": "zero"})["C"] == 0


def test_rank_sum_unranked_positions():
    prof = Profile.from_rankings([["A"], ["B", "A"]], candidates=ABCD)
    assert tally(prof, "rank-sum")["C"] == 3 + Fraction(7, 2)  # (2+3+4)/3 and (3+4)/2
    assert tally(prof, "rank-sum", {"unranked": "last"})["C"] == 8
    assert tally(prof, "rank-sum", {"unranked": "next"})["C"] == 2 + 3
    assert registry.count(prof, "rank-sum").winners == ("A",)


def test_borda_top_k_and_tie_at_cut():
    prof = Profile.from_rankings([list("ABCD"), list("BACD")], weights=[1, 1])
    result = registry.count(prof, "borda", {"seats": 1})
    assert result.tied_winners == ("A", "B") and len(result.winners) == 1
    both = registry.count(prof, "borda", {"seats": 1, "tie_at_cut": "all"})
    assert both.winners == ("A", "B")
    assert registry.count(prof, "borda", {"seats": 3}).winners[2] == "C"


def test_bucklin_rounds_and_threshold():
    prof = Profile.from_rankings(
        [list("ABC"), list("BCA"), list("CBA"), ["A"]], weights=[4, 3, 2, 1]
    )
    result = registry.count(prof, "bucklin")
    r1, r2 = result.rounds
    assert r1.threshold == 5 and not r1.elected  # 5 is not more than half of 10
    assert dict(r1.tally) == {"A": 5, "B": 3, "C": 2}
    assert dict(r2.tally) == {"A": 5, "B": 9, "C": 5}
    assert result.winners == ("B",) and r2.elected == ("B",)


def test_coombs_rounds_last_places_and_ties():
    prof = Profile.from_rankings(
        [list("ABC"), list("BCA"), list("CAB"), ["C"]], weights=[4, 3, 2, 2]
    )
    result = registry.count(prof, "coombs")
    r1 = result.rounds[0]
    assert dict(r1.tally) == {"A": 4, "B": 3, "C": 4}
    # last places: C 4 (ABC), A 3 + 1, B 2 + 1: the C-only ballots leave A and B sharing last
    assert {k: v for k, v in r1.extra.items()} == {"last:A": 4, "last:B": 3, "last:C": 4}
    assert r1.eliminated == ("A",) or r1.eliminated == ("C",)
    assert r1.tiebreaks and r1.tiebreaks[0].tied == ("A", "C")
    every = registry.count(prof, "coombs", {"last_place_ties": "eliminate-all"})
    assert every.rounds[0].eliminated == ("A", "C")
    assert every.winners == ("B",)
    ordered = registry.count(prof, "coombs", {"ties": "order", "tie_order": "A,B,C"})
    assert ordered.rounds[0].eliminated == ("C",)  # the last listed goes
    assert ordered.winners == ("A",)


def test_positional_methods_refuse_score_ballots():
    scores = ScoreProfile.from_scores([{"A": 1}], candidates=["A", "B"])
    for name in ("borda", "rank-sum", "bucklin", "coombs"):
        with pytest.raises(CountError, match="counts ranked ballots"):
            registry.get(name).count(scores)


def test_bucklin_and_coombs_fill_more_seats_by_counting_again():
    prof = Profile.from_rankings(
        [list("ABC"), list("BCA"), list("CBA"), ["A"]], weights=[4, 3, 2, 1]
    )
    bucklin = registry.count(prof, "bucklin", {"seats": 2})
    assert bucklin.winners == ("B", "A") and bucklin.notes
    # seat 2, B gone: A 5 and C 2 + 3 first choices, no majority of 10; then A 10, C 9
    assert [dict(r.tally) for r in bucklin.rounds[2:]] == [{"A": 5, "C": 5}, {"A": 10, "C": 9}]
    assert [r.note for r in bucklin.rounds[2:]] == [
        "seat 2; choices 1 to 1 counted",
        "seat 2; choices 1 to 2 counted",
    ]
    coombs = registry.count(prof, "coombs", {"seats": 2})
    assert coombs.winners == ("B", "A")
    assert [r.number for r in coombs.rounds] == [1, 2, 3, 4]
    assert coombs.rounds[2].note == "seat 2" and coombs.rounds[2].tiebreaks  # A, C: 5 last each


def test_rank_sum_orders_as_the_averaged_borda_count():
    prof = Profile.from_rankings(
        [["A", ("B", "C")], ["D", "C"], list("BADC"), ["C"]], weights=[3, 2, 2, 1]
    )
    borda = tally(prof, "borda")
    ranks = tally(prof, "rank-sum")
    voters, m = 8, 4
    assert all(borda[c] + ranks[c] == voters * m for c in borda)  # points + position = m
