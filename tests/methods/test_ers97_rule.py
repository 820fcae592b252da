"""The ERS97 rules (Electoral Reform Society, 3rd edition, 1997), worked by hand.

How strong the evidence is: no complete published ERS97 count of ballots we hold is in the
acceptance data. The booklet's model election (section 8) is published as a narrative with only
part of its paperwork; the ballots in ``cases/ers97`` were reverse-engineered from it by a third
party (who later withdrew them as not matching the booklet's detailed result sheet), and they come
with a Meek count, not an ERS97 one. So only the model election's first two stages, which the
booklet states in figures and these ballots reproduce, are checked against published numbers.
Everything else is small elections worked out by hand from the rules' text, each figure derived in
the comments: one for each way ERS97 differs from the Scottish rule.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.formats import read_ballots
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Result

F = Fraction
ERS97 = Path(__file__).resolve().parents[1] / "cases" / "ers97" / "ers97.blt"


def count(rows: list[tuple[int, str]], seats: int, **switches: object) -> Result:
    profile = Profile.from_rankings(
        [list(r) for _, r in rows],
        weights=[w for w, _ in rows],
        candidates=sorted(set("".join(r for _, r in rows))),
    )
    return registry.count(profile, "stv-ers97", {"seats": seats, **switches})


def tallies(result: Result) -> list[dict[str, Fraction]]:
    return [dict(r.tally) for r in result.rounds]


def test_a_later_surplus_moves_only_the_last_batch_received():
    # 30 papers, 3 seats: 12 ABC, 5 BD, 4 CD, 5 DC, 4 ED.
    # Quota (5.1.6): 30 / 4 = 7.5 exactly -> 7.50.
    # Stage 1: A 12 is elected; surplus 4.50. Not deferred (5.2.2): the two lowest, C 4 and E 4,
    #   differ by 0 and C + E + 4.50 = 12.50 exceeds D's 5.
    # Stage 2: A's surplus arose at the first stage, so all 12 papers are examined (5.3.1); all go
    #   to B. They carry 12 > 4.50, so each moves at 4.50 / 12 = 0.375 -> 0.37 (5.3.7):
    #   B gets 12 x 0.37 = 4.44 -> 9.44 and is elected; 4.50 - 4.44 = 0.06 is non-transferable.
    # Stage 3: B's surplus 1.94 arose at a later stage, so only the last batch received is
    #   examined (5.3.2): the 12 papers from A at 0.37, not B's own 5 first preferences (which
    #   would have gone to D). Next preference C. They carry 12 x 0.37 = 4.44 > 1.94, so each moves
    #   at 1.94 / 12 = 0.1616 -> 0.16: C gets 1.92 -> 5.92; 0.02 more is non-transferable (0.08).
    #   Not deferred: C 4 + E 4 ... E 4 + 1.94 = 5.94 > C 4.
    # Stage 4: no surplus; E (4) is lowest and E + D = 9 > C 5.92, so E alone is excluded: its 4
    #   papers go to D, 5 + 4 = 9 >= 7.50: D is elected and the places are filled.
    result = count([(12, "ABC"), (5, "BD"), (4, "CD"), (5, "DC"), (4, "ED")], seats=3)
    assert tallies(result) == [
        {"A": 12, "B": 5, "C": 4, "D": 5, "E": 4},
        {"A": F("7.5"), "B": F("9.44"), "C": 4, "D": 5, "E": 4},
        {"A": F("7.5"), "B": F("7.5"), "C": F("5.92"), "D": 5, "E": 4},
        {"A": F("7.5"), "B": F("7.5"), "C": F("5.92"), "D": 9},
    ]
    assert [r.threshold for r in result.rounds] == [F("7.5")] * 4
    assert [r.elected for r in result.rounds] == [("A",), ("B",), (), ("D",)]
    assert [r.eliminated for r in result.rounds] == [(), (), ("E",), ()]
    a, b = result.rounds[0].transfers[0], result.rounds[1].transfers[0]
    assert (a.kind, a.value, dict(a.to), a.residual) == (
        "surplus",
        F("0.37"),
        {"B": F("4.44")},
        F("0.06"),
    )
    assert (b.kind, b.value, dict(b.to), b.residual) == (
        "surplus",
        F("0.16"),
        {"C": F("1.92")},
        F("0.02"),
    )
    assert [r.residual for r in result.rounds] == [0, F("0.06"), F("0.08"), F("0.08")]
    assert result.winners == ("A", "B", "D")
    assert result.to_json()["rounds"][1]["tally"]["B"] == "9.44"  # two decimals in JSON


def test_a_surplus_that_cannot_save_the_lowest_is_deferred_and_they_go_together():
    # 24 papers, 2 seats: 9 AC, 7 BA, 6 CB, 1 DB, 1 EC. Quota 24 / 3 = 8.00.
    # Stage 1: A 9 is elected, surplus 1.00. Lowest D 1, E 1, then C 6, B 7.
    #   5.2.2(b): D + E + 1.00 = 3 does not exceed C's 6, so the surplus is deferred.
    #   5.2.5: exclude as many as possible: D + E + 1.00 = 3 <= C 6, but D + E + C + 1 = 9 > B 7;
    #   and two continuing candidates (B, C) remain for one place. D and E go together.
    # Stage 2: one batch of value 1: D's paper to B (8), E's to C (7). B reaches 8.00: elected,
    #   the places are filled and A's surplus is never transferred (5.5.2).
    result = count([(9, "AC"), (7, "BA"), (6, "CB"), (1, "DB"), (1, "EC")], seats=2)
    assert tallies(result) == [
        {"A": 9, "B": 7, "C": 6, "D": 1, "E": 1},
        {"A": 9, "B": 8, "C": 7},
    ]
    first = result.rounds[0]
    assert first.elected == ("A",) and first.eliminated == ("D", "E")
    assert [(t.source, t.kind, dict(t.to)) for t in first.transfers] == [
        ("D", "elimination", {"B": 1}),
        ("E", "elimination", {"C": 1}),
    ]
    assert result.rounds[1].elected == ("B",) and result.winners == ("A", "B")


def test_without_deferral_or_bulk_exclusion_the_switches_restore_one_step_at_a_time():
    # The same papers. Stage 2 transfers A's surplus: 9 papers to C at 1.00 / 9 = 0.111 -> 0.11,
    #   C gets 0.99 -> 6.99, 0.01 non-transferable. Stage 3 excludes E (1) alone, tie with D
    #   broken by the earliest point where they differed: never, so by lot.
    result = count(
        [(9, "AC"), (7, "BA"), (6, "CB"), (1, "DB"), (1, "EC")],
        seats=2,
        defer_surpluses=False,
        bulk_exclusion=False,
    )
    second = tallies(result)[1]
    assert second == {"A": 8, "B": 7, "C": F("6.99"), "D": 1, "E": 1}
    assert result.rounds[1].residual == F("0.01")
    (tiebreak,) = result.rounds[1].tiebreaks
    assert set(tiebreak.tied) == {"D", "E"} and tiebreak.rule == "lot" and tiebreak.seed == 0
    assert len(result.rounds[1].eliminated) == 1


def test_ties_look_at_the_earliest_point_and_the_quota_drops_while_nobody_is_elected():
    # 24 papers, 1 seat: 10 A, 4 B, 5 C, 2 DB, 1 EC, 2 E. Quota 24 / 2 = 12.00.
    # Stage 2: D (2) is lowest; D + E = 5 > B 4, so D alone goes: B 6.
    # Stage 3: E (3) goes: 1 paper to C (6), 2 non-transferable. Nobody is elected yet, so the
    #   quota is worked again without them (5.4.8): (24 - 2) / 2 = 11.00.
    # Stage 4: B 6 and C 6 are equal lowest. At the earliest point where they differed, the first
    #   stage, B had 4 and C 5, so B is excluded (the most recent point, after D's papers moved,
    #   had B 6 > C 5 and would have excluded C). B's 6 papers have no next preference: the
    #   non-transferable vote is 8 and the quota falls to (24 - 8) / 2 = 8.00; A (10) is elected.
    rows = [(10, "A"), (4, "B"), (5, "C"), (2, "DB"), (1, "EC"), (2, "E")]
    result = count(rows, seats=1)
    assert tallies(result) == [
        {"A": 10, "B": 4, "C": 5, "D": 2, "E": 3},
        {"A": 10, "B": 6, "C": 5, "E": 3},
        {"A": 10, "B": 6, "C": 6},
        {"A": 10, "C": 6},
    ]
    assert [r.threshold for r in result.rounds] == [12, 12, 11, 8]
    assert [r.exhausted for r in result.rounds] == [0, 0, 2, 8]
    assert [r.eliminated for r in result.rounds] == [("D",), ("E",), ("B",), ()]
    (tiebreak,) = result.rounds[2].tiebreaks
    assert tiebreak.chosen == ("B",) and tiebreak.rule == "previous-rounds-forward"
    assert result.winners == ("A",)
    latest = count(rows, seats=1, ties="previous-rounds,lot")
    assert latest.rounds[2].eliminated == ("C",)


def test_the_model_election_first_stage_and_first_surplus_as_the_booklet_prints_them():
    # ERS97 section 8.1-8.2 (published text): 753 valid papers, 6 places. Quota 753 / 7 =
    # 107.57142 -> 107.58. Smith, 134, is elected; his surplus 26.42 exceeds the difference of
    # the last two (Glazier 24 - Monk 23 = 1), so it is transferred, not deferred. 123 of his
    # 134 papers are transferable, worth 123 > 26.42, so each moves at 26.42 / 123 -> 0.21;
    # 123 x 0.21 = 25.83 moves on and 26.42 - 25.83 = 0.59 is the non-transferable difference.
    blt = read_ballots(ERS97)
    result = registry.count(blt.profile, "stv-ers97", {"seats": blt.seats})
    first = result.rounds[0]
    assert first.threshold == F("107.58")
    assert first.tally["Smith"] == 134 and first.elected == ("Smith",)
    assert (first.tally["Glazier"], first.tally["Monk"]) == (24, 23)
    assert sum(first.tally.values()) == 753
    (transfer,) = first.transfers
    assert transfer.value == F("0.21") and transfer.residual == F("0.59")
    assert transfer.kind == "surplus" and sum(transfer.to.values()) == F("25.83")
    assert result.rounds[1].tally["Smith"] == F("107.58")
    assert len(result.winners) == 6


names = st.sampled_from("ABCDEF")
rows = st.lists(
    st.tuples(st.integers(1, 9), st.lists(names, min_size=1, max_size=6, unique=True)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, seats=st.integers(1, 4), defer=st.booleans(), bulk=st.booleans())
def test_every_stage_conserves_the_valid_vote(rows, seats, defer, bulk):
    candidates = sorted({c for _, r in rows for c in r})
    profile = Profile.from_rankings(
        [r for _, r in rows], weights=[w for w, _ in rows], candidates=candidates
    )
    switches = {
        "seats": min(seats, len(candidates)),
        "defer_surpluses": defer,
        "bulk_exclusion": bulk,
    }
    result = registry.count(profile, "stv-ers97", switches)
    valid = sum(w for w, _ in rows)
    assert 1 <= len(result.winners) <= switches["seats"]
    assert len(set(result.winners)) == len(result.winners)
    for rnd in result.rounds:
        assert sum(rnd.tally.values()) + rnd.exhausted + rnd.residual == valid
        assert all((v * 100).denominator == 1 for v in rnd.tally.values())
        assert rnd.residual >= 0 and rnd.exhausted >= 0
    for rnd in result.rounds[:-1]:
        assert len(rnd.transfers) >= 1
