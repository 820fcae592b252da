"""One sweep over every registered method: same signature, documented switches, sound results."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import FORMAT, Result

BALLOTS = (
    [list("ABCD")] * 9
    + [list("BCA")] * 7
    + [list("CBD")] * 6
    + [list("DCBA")] * 4
    + [["E", "A"]] * 3
    + [list("EDC")] * 2
)
PROFILE = Profile.from_rankings(BALLOTS)

ALL = [m.name for m in registry.all_methods()]
RANKED = [m.name for m in registry.all_methods() if m.ballots == "ranked"]
#: Methods that move ballots between piles: every round accounts for every ballot.
TRANSFER = [
    n
    for n in RANKED
    if n.startswith(("irv", "stv-", "academy-", "rctab")) or n in ("bottoms-up", "multi-pass-irv")
]


def test_registry_has_the_ranked_methods_of_the_engine():
    assert {"irv", "bottoms-up", "multi-pass-irv"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_switch_is_documented_with_a_default(name):
    method = registry.get(name)
    assert method.summary
    for f in method.rules_type.switches():
        assert f.metadata.get("doc"), f"{name}: switch {f.name} has no doc"
    rules = method.rules()
    assert method.rules_type.build(rules.as_dict()) == rules  # defaults round-trip


@pytest.mark.parametrize("name", RANKED)
def test_every_method_counts_a_profile_into_a_sound_result(name):
    method = registry.get(name)
    seats = 1 if method.rules_type.single_winner else 2
    result = method.count(PROFILE, {"seats": seats} if seats > 1 else None)
    assert isinstance(result, Result)
    assert result.method == name
    assert 1 <= len(result.winners) <= max(seats, len(result.tied_winners))
    assert set(result.winners) <= set(PROFILE.candidates)
    assert len(set(result.winners)) == len(result.winners)
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["format"] == FORMAT and doc["winners"] == list(result.winners)
    assert [r["round"] for r in doc["rounds"]] == list(range(1, len(doc["rounds"]) + 1))
    for rnd in result.rounds:
        for value in rnd.tally.values():
            assert isinstance(value, Fraction)  # exact, never float
    assert method.count(PROFILE, result.rules).to_json() == result.to_json()  # deterministic


ranking = st.lists(st.sampled_from("ABCDEF"), min_size=1, max_size=6, unique=True)
profiles = st.lists(st.tuples(ranking, st.integers(1, 6)), min_size=2, max_size=30)


@pytest.mark.parametrize("name", RANKED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=profiles, seed=st.integers(0, 2**32 - 1), seats=st.integers(1, 3))
def test_every_method_conserves_ballots_fills_seats_and_ignores_row_order(name, rows, seed, seats):
    method = registry.get(name)
    names = sorted({c for r, _ in rows for c in r})
    seats = 1 if method.rules_type.single_winner else min(seats, len(names))
    ballots, weights = [r for r, _ in rows], [w for _, w in rows]
    profile = Profile.from_rankings(ballots, weights=weights, candidates=names)
    result = method.count(profile, {"seats": seats})
    # more winners than seats only as declared co-winners of an exact tie at the cut (plurality)
    tied, won = set(result.tied_winners), set(result.winners)
    assert len(won) <= seats or (tied <= won and len(won - tied) < seats)
    valid = sum(weights)
    for rnd in (
        result.rounds if name in TRANSFER else ()
    ):  # every vote is on a pile, exhausted or lost to rounding
        total = sum(rnd.tally.values(), Fraction(0)) + rnd.exhausted + rnd.residual
        assert total == valid, f"round {rnd.number}: {total} != {valid}"
    order = random.Random(seed).sample(range(len(rows)), len(rows))
    shuffled = Profile.from_rankings(
        [ballots[i] for i in order], weights=[weights[i] for i in order], candidates=names
    )
    assert method.count(shuffled, {"seats": seats}).to_json() == result.to_json()


def test_the_home_of_every_method_is_where_it_registers():
    assert {m.name: m.counter.__module__ for m in registry.all_methods()} == registry.HOMES
