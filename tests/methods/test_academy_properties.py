"""Properties of the Academy's counts that must hold for any ballots."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.numbers import ZERO

ENTRIES = "ABCDEFGH"

rankings = st.lists(
    st.permutations(ENTRIES).flatmap(lambda p: st.integers(1, 5).map(lambda n: list(p[:n]))),
    min_size=1,
    max_size=14,
)
counts = st.lists(st.integers(1, 40), min_size=14, max_size=14)
nomination_rules = st.fixed_dictionaries(
    {
        "seats": st.integers(1, 5),
        "quota_mode": st.sampled_from(["recalculate", "fixed"]),
        "surplus_rounds": st.sampled_from(["first_only", "every_round"]),
        "surplus_factor": st.sampled_from(["1", "1.1", "1.2"]),
        "arithmetic": st.sampled_from(["exact", "fixed(2)"]),
        "seed": st.integers(0, 3),
    }
)


def _profile(rows: list[list[str]], weights: list[int]) -> Profile:
    return Profile.from_rankings(rows, weights=weights[: len(rows)], candidates=list(ENTRIES))


def _shuffled(p: Profile, seed: int) -> Profile:
    order = np.random.default_rng(seed).permutation(p.n_rows)
    return Profile(p.candidates, p.ranks[order], p.weights[order], p.multi, p.withdrawn)


def _check(p: Profile, method: str, rules: dict[str, Any], most: int) -> None:
    result = registry.count(p, method, rules)
    voters = p.total_weight
    for rnd in result.rounds:
        # every ballot is somewhere: on an entry, exhausted, or lost to rounding
        assert sum(rnd.tally.values(), ZERO) + rnd.exhausted + rnd.residual == voters
        assert rnd.residual >= 0 and rnd.exhausted >= 0
    assert len(result.winners) == len(set(result.winners)) <= most
    shuffled = registry.count(_shuffled(p, 1), method, rules)
    assert shuffled.to_json() == result.to_json()


@settings(max_examples=60, deadline=None)
@given(rankings, counts, nomination_rules)
def test_nominations_conserve_weight_fill_at_most_s_and_ignore_row_order(
    rows: list[list[str]], weights: list[int], rules: dict[str, Any]
) -> None:
    p = _profile(rows, weights)
    _check(p, "academy-nominations", rules, rules["seats"])
    result = registry.count(p, "academy-nominations", rules)
    standing = sum(1 for c in ENTRIES if any(r[0] == c for r in rows))
    assert len(result.winners) == min(rules["seats"], standing)


@settings(max_examples=40, deadline=None)
@given(rankings, counts, st.sampled_from(["first_places", "current"]))
def test_five_percent_rule_conserves_weight_and_nominates_at_most_ten(
    rows: list[list[str]], weights: list[int], basis: str
) -> None:
    rules = {"seats": 8, "min_nominees": 3, "elimination_basis": basis}
    _check(_profile(rows, weights), "academy-best-picture-5pct", rules, 8)


@settings(max_examples=40, deadline=None)
@given(rankings, counts, st.sampled_from(["continuing", "all"]))
def test_best_picture_final_conserves_weight_and_elects_one(
    rows: list[list[str]], weights: list[int], base: str
) -> None:
    p = _profile(rows, weights)
    _check(p, "academy-best-picture-irv", {"majority_base": base}, 1)
    assert len(registry.count(p, "academy-best-picture-irv", {"majority_base": base}).winners) == 1
