"""The method ``rctab`` on small profiles: each voter-error rule, ties and RCTab's decimals."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import CountError
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.rctab import Fixed, RctabRules, tabulate

NAMES = ["A", "B", "C"]


def first_round(ballots: list[list[object]], **switches: object) -> dict[str, object]:
    profile = Profile.from_rankings(ballots, candidates=NAMES)  # type: ignore[arg-type]
    result = registry.count(profile, "rctab", switches)
    r1 = result.rounds[0]
    return {**{k: str(v) for k, v in r1.tally.items()}, **{k: str(v) for k, v in r1.extra.items()}}


@pytest.mark.parametrize(
    ("rule", "a", "c", "overvotes"),
    [
        ("exhaustImmediately", "1", "0", "1"),  # {A,B} exhausts the ballot
        ("alwaysSkipToNextRank", "1", "1", "0"),  # {A,B} is passed over: C counts
        ("exhaustIfMultipleContinuing", "1", "0", "1"),  # A and B both continue: exhausts
    ],
)
def test_overvote_rules(rule: str, a: str, c: str, overvotes: str) -> None:
    tally = first_round([["A"], [("A", "B"), "C"]], overvote_rule=rule)
    assert (tally["A"], tally["C"], tally["overvotes"]) == (a, c, overvotes)


def test_overvote_label_needs_a_rule_that_can_apply() -> None:
    profile = Profile(
        candidates=tuple(NAMES),
        ranks=__import__("numpy").array([[-2, 0]], dtype="int32"),
        weights=__import__("numpy").array([1]),
        multi=((),),
    )
    assert (
        tabulate(profile, RctabRules(overvote_rule="alwaysSkipToNextRank")).rounds[0].tally["A"]
        == 1
    )
    with pytest.raises(CountError, match="overvote label"):
        tabulate(profile, RctabRules(overvote_rule="exhaustIfMultipleContinuing"))


def test_skipped_ranks_and_duplicates() -> None:
    ballots: list[list[object]] = [[None, None, "B"], ["A", "A", "B"]]
    none_allowed = first_round(ballots, max_skipped_ranks=1)
    assert none_allowed["skippedRankings"] == "1" and none_allowed["B"] == "0"
    assert first_round(ballots, max_skipped_ranks=2)["B"] == "1"
    profile = Profile.from_rankings([["A", "A", "B"], ["B"], ["B"], ["C"]], candidates=NAMES)
    rules = RctabRules(exhaust_on_duplicate=True, winner_mode="singleWinnerMajority")
    second = tabulate(profile, rules).rounds[1]  # C out; then A's ballot is walked again
    assert second.extra["repeatedRankings"] == 0  # A is still continuing: nothing repeats yet
    rules = RctabRules(exhaust_on_duplicate=True, stop_after_round=3)
    profile = Profile.from_rankings([["C", "C", "B"], ["B"], ["B"], ["A"], ["A"]], candidates=NAMES)
    rounds = tabulate(profile, rules).rounds
    assert rounds[1].extra["repeatedRankings"] == 1  # C eliminated: its ballot repeats C


def test_multi_winner_surplus_keeps_rctab_decimals() -> None:
    ballots: list[list[object]] = [["A", "B"]] * 5 + [["B"]] * 2 + [["C"]] * 2
    profile = Profile.from_rankings(ballots, candidates=NAMES)
    rules = RctabRules(seats=2, winner_mode="multiWinnerAllowMultipleWinnersPerRound", places=4)
    result = tabulate(profile, rules)
    r1, r2 = result.rounds[0], result.rounds[1]
    assert str(Fraction(r1.threshold or 0)) == "4"  # floor(9 / 3) + 1
    surplus = r1.transfers[0]
    # A's surplus fraction (5 - 4) / 5 = 0.2000; each ballot moves 0.2000 to B
    assert isinstance(surplus.to["B"], Fixed) and surplus.to["B"].text() == "1.0000"
    assert r2.tally["A"] == 4 and r2.tally["B"].text() == "3.0000"  # type: ignore[attr-defined]


def test_random_tiebreak_draws_from_java_random() -> None:
    """Round 1 ties B and C at one vote: RCTab sorts them and draws floor(nextDouble() * 2)."""
    profile = Profile.from_rankings([["A"], ["B"], ["C"], ["A"]], candidates=["A", "B", "C"])
    # first nextDouble(), printed by Java 17: Random(0) 0.730967787376657 (index 1),
    # Random(12345) 0.3618031071604718 (index 0)
    for seed, loser in ((0, "C"), (12345, "B")):
        rules = RctabRules(tiebreak_mode="random", seed=seed)
        result = tabulate(profile, rules)
        tie = result.rounds[0].tiebreaks[0]
        assert tie.tied == ("B", "C") and tie.chosen == (loser,) and tie.seed == seed


def test_interactive_ties_are_refused() -> None:
    profile = Profile.from_rankings([["A"], ["B"]], candidates=["A", "B"])
    with pytest.raises(CountError, match="operator"):
        tabulate(profile, RctabRules(tiebreak_mode="stopCountingAndAsk"))


def test_fixed_remembers_its_places() -> None:
    assert Fixed.of(Decimal("14866.0000")).text() == "14866.0000"
    assert Fixed.of(Decimal("14866")).text() == "14866"
    assert Fixed.of(Decimal("14866.0000")) == 14866


# -- properties ----------------------------------------------------------------------------------

mark = st.one_of(
    st.none(), st.sampled_from("ABCDE"), st.sets(st.sampled_from("ABCDE"), min_size=2, max_size=3)
)
ballot = st.lists(mark, min_size=0, max_size=5)
profiles = st.lists(st.tuples(ballot, st.integers(1, 5)), min_size=1, max_size=25)
RULE_SETS = st.fixed_dictionaries(
    {
        "overvote_rule": st.sampled_from(
            ["alwaysSkipToNextRank", "exhaustImmediately", "exhaustIfMultipleContinuing"]
        ),
        "max_skipped_ranks": st.sampled_from([None, 0, 1]),
        "exhaust_on_duplicate": st.booleans(),
    }
)


def _profile(rows: list[tuple[list[object], int]]) -> Profile:
    ballots = [[sorted(m) if isinstance(m, set) else m for m in b] for b, _ in rows]
    return Profile.from_rankings(
        ballots,  # type: ignore[arg-type]
        weights=[w for _, w in rows],
        candidates=list("ABCDE"),
    )


@settings(max_examples=60, deadline=None)
@given(rows=profiles, switches=RULE_SETS)
def test_batch_elimination_never_changes_the_winner(
    rows: list[tuple[list[object], int]], switches: dict[str, object]
) -> None:
    """RCTab's claim for batch elimination: those who cannot catch up go together, same winner."""
    profile = _profile(rows)
    one = tabulate(profile, RctabRules(**switches))  # type: ignore[arg-type]
    batch = tabulate(profile, RctabRules(batch_elimination=True, **switches))  # type: ignore[arg-type]
    if not any(r.tiebreaks for r in one.rounds):
        assert batch.winners == one.winners
    assert len(batch.rounds) <= len(one.rounds)


@settings(max_examples=60, deadline=None)
@given(rows=profiles, switches=RULE_SETS)
def test_ballots_are_conserved_and_values_keep_places(
    rows: list[tuple[list[object], int]], switches: dict[str, object]
) -> None:
    profile = _profile(rows)
    rules = RctabRules(
        seats=2,
        winner_mode="multiWinnerAllowMultipleWinnersPerRound",
        places=3,
        **switches,  # type: ignore[arg-type]
    )
    result = tabulate(profile, rules)
    ranked = profile.total_weight - int(profile.weights[(profile.ranks == -1).all(axis=1)].sum())
    for r in result.rounds:
        assert sum(r.tally.values(), Fraction(0)) + r.exhausted + r.residual == ranked
        for v in r.tally.values():
            assert isinstance(v, Fixed) and (v * 1000).denominator == 1  # 3 places at most
