"""The Condorcet family on published examples: every pairwise count, path and score checked."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from shortlist.errors import CountError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.condorcet import pairwise_count, strongest_paths
from shortlist.methods.result import FORMAT
from shortlist.methods.scored import ScoreProfile

# Markus Schulze's example (Schulze 2011, §3.1; Wikipedia "Schulze method"): 45 voters.
SCHULZE = Profile.from_rankings(
    [list(s) for s in ["ACBED", "ADECB", "BEDAC", "CABED", "CAEBD", "CBADE", "DCEBA", "EBADC"]],
    weights=[5, 5, 8, 3, 7, 2, 7, 8],
    candidates=list("ABCDE"),
)
#: d[X, Y] in the published table: voters preferring X to Y.
SCHULZE_D = {
    "A": (0, 20, 26, 30, 22),
    "B": (25, 0, 16, 33, 18),
    "C": (19, 29, 0, 17, 24),
    "D": (15, 12, 28, 0, 14),
    "E": (23, 27, 21, 31, 0),
}
#: p[X, Y]: strongest path strengths (winning votes) in the published table.
SCHULZE_P = {
    "A": (0, 28, 28, 30, 24),
    "B": (25, 0, 28, 33, 24),
    "C": (25, 29, 0, 29, 24),
    "D": (25, 28, 28, 0, 24),
    "E": (25, 28, 28, 31, 0),
}

# The Tennessee capital example (Wikipedia, "Condorcet method"), per 100 voters.
TENNESSEE = Profile.from_rankings(
    [
        ["Memphis", "Nashville", "Chattanooga", "Knoxville"],
        ["Nashville", "Chattanooga", "Knoxville", "Memphis"],
        ["Chattanooga", "Knoxville", "Nashville", "Memphis"],
        ["Knoxville", "Chattanooga", "Nashville", "Memphis"],
    ],
    weights=[42, 26, 15, 17],
)


def test_pairwise_count_matches_schulzes_table():
    pw = pairwise_count(SCHULZE)
    for i, x in enumerate("ABCDE"):
        assert tuple(int(v) for v in pw.support[i]) == SCHULZE_D[x]


def test_strongest_paths_match_schulzes_table():
    paths = strongest_paths(pairwise_count(SCHULZE), "winning-votes")
    for i, x in enumerate("ABCDE"):
        assert tuple(int(v) for v in paths[i]) == SCHULZE_P[x]


def test_schulze_ranks_e_a_c_b_d_and_records_paths_and_margins():
    result = registry.count(SCHULZE, "schulze", {"strength": "winning-votes", "seats": 5})
    assert result.winners == ("E", "A", "C", "B", "D")
    extra = result.rounds[0].extra
    assert extra["path:E>D"] == 31 and extra["path:A>B"] == 28
    assert extra["support:B>D"] == 33 and extra["margin:B>D"] == 33 - 12
    assert registry.count(SCHULZE, "schulze").winners == ("E",)  # margins agree here


def test_tennessee_every_method_as_published():
    # Nashville is the Condorcet winner; Borda totals 194/173/126/107 per 100 voters.
    nashville = ("Nashville",)
    for name in ("condorcet", "copeland", "minimax", "schulze", "ranked-pairs"):
        assert registry.count(TENNESSEE, name).winners == nashville, name
    borda = registry.count(TENNESSEE, "borda").rounds[0].tally
    assert dict(borda) == {"Memphis": 126, "Nashville": 194, "Chattanooga": 173, "Knoxville": 107}
    assert registry.count(TENNESSEE, "plurality").winners == ("Memphis",)
    assert registry.count(TENNESSEE, "coombs").winners == nashville
    bucklin = registry.count(TENNESSEE, "bucklin")
    assert [dict(r.tally)["Nashville"] for r in bucklin.rounds] == [26, 68]
    assert bucklin.winners == nashville
    copeland = registry.count(TENNESSEE, "copeland").rounds[0].tally
    assert dict(copeland) == {"Memphis": 0, "Nashville": 3, "Chattanooga": 2, "Knoxville": 1}


def test_no_condorcet_winner_in_a_cycle():
    cycle = Profile.from_rankings([list("ABC"), list("BCA"), list("CAB")])
    result = registry.count(cycle, "condorcet")
    assert result.winners == ()
    assert "no Condorcet winner" in result.rounds[0].note
    schulze = registry.count(cycle, "schulze")
    assert schulze.tied_winners == ("A", "B", "C") and len(schulze.winners) == 1
    assert schulze.rounds[0].tiebreaks[0].rule == "lot"
    assert schulze.rounds[0].tiebreaks[0].seed == 0
    every = registry.count(cycle, "schulze", {"tie_at_cut": "all"})
    assert every.winners == ("A", "B", "C")
    assert every.rounds[0].tiebreaks[0].rule == "none"


def test_minimax_strengths_differ_on_truncated_ballots():
    # A>B 6-3, B>C 7-4, C>A 7-4: every candidate's one defeat has margin 3.
    prof = Profile.from_rankings(
        [list("ABC"), list("BCA"), list("CAB"), ["C"]], weights=[4, 3, 2, 2]
    )
    pw = pairwise_count(prof)
    assert [int(pw.margin[2, 0]), int(pw.margin[0, 1]), int(pw.margin[1, 2])] == [3, 3, 3]
    wv = registry.count(prof, "minimax", {"strength": "winning-votes"}).rounds[0].tally
    mg = registry.count(prof, "minimax").rounds[0].tally
    assert wv["A"] == 7 and mg["A"] == 3
    po = registry.count(prof, "minimax", {"strength": "pairwise-opposition"}).rounds[0].tally
    assert wv["B"] == 6 and po["B"] == 6 and po["C"] == 7  # C loses only to B, 4 to 7


def test_unranked_below_or_ignored():
    prof = Profile.from_rankings([["A"], ["B", "C"], ["C", "B"]], weights=[3, 2, 2])
    below = pairwise_count(prof, "below")
    ignore = pairwise_count(prof, "ignore")
    assert int(below.support[0, 1]) == 3 and int(below.support[1, 0]) == 4
    assert int(ignore.support[0, 1]) == 0 and int(ignore.support[1, 0]) == 0
    assert int(ignore.support[1, 2]) == 2
    assert registry.count(prof, "condorcet", {"unranked": "ignore"}).winners == ()


def test_ranked_pairs_lists_every_co_winner_over_lock_orders():
    # A>B, B>C, C>A all by margin 1: every order locks two of three; each can win.
    cycle = Profile.from_rankings([list("ABC"), list("BCA"), list("CAB")])
    result = registry.count(cycle, "ranked-pairs", {"ties": "order", "tie_order": "B,A,C"})
    assert result.tied_winners == ("A", "B", "C")
    # pairs by the order of their winners: B>C, then A>B; C>A would close a cycle
    assert result.winners == ("A",)
    tb = result.rounds[0].tiebreaks[0]
    assert tb.rule == "order" and tb.chosen == ("B", "A", "C")
    assert result.rounds[0].extra["locked:B>C"] == 1


def test_top_k_and_json_document():
    result = registry.count(SCHULZE, "copeland", {"seats": 2})
    assert len(result.winners) == 2
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["format"] == FORMAT
    assert doc["rounds"][0]["extra"]["margin:E>D"] == "17"
    assert all(isinstance(v, Fraction) for v in result.rounds[0].tally.values())


def test_withdrawn_candidates_are_left_out():
    prof = Profile.from_rankings(
        [list(s) for s in ["ACBED", "BEDAC", "EBADC"]], weights=[5, 8, 8], withdrawn=["E"]
    )
    pw = pairwise_count(prof)
    assert len(pw.codes) == 4
    assert "E" not in registry.count(prof, "schulze").rounds[0].tally


@pytest.mark.parametrize("name", ["condorcet", "copeland", "minimax", "schulze", "ranked-pairs"])
def test_score_ballots_are_refused_by_name(name):
    scores = ScoreProfile.from_scores([{"A": 1}], candidates=["A", "B"])
    with pytest.raises(CountError, match=f"method '{name}' counts ranked ballots"):
        registry.get(name).count(scores)
