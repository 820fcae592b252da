"""One sweep over every registered method: same signature, documented switches, sound results."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

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


@pytest.mark.parametrize("name", ALL)
def test_every_method_counts_a_profile_into_a_sound_result(name):
    method = registry.get(name)
    if getattr(method, "ballots", "ranked") != "ranked":
        pytest.fail(f"{name}: the sweep needs a profile of its ballot kind")  # pragma: no cover
    seats = 1 if method.rules_type.single_winner else 2
    result = method.count(PROFILE, {"seats": seats} if seats > 1 else None)
    assert isinstance(result, Result)
    assert result.method == name
    assert 1 <= len(result.winners) <= seats
    assert set(result.winners) <= set(PROFILE.candidates)
    assert len(set(result.winners)) == len(result.winners)
    doc = json.loads(json.dumps(result.to_json()))
    assert doc["format"] == FORMAT and doc["winners"] == list(result.winners)
    assert [r["round"] for r in doc["rounds"]] == list(range(1, len(doc["rounds"]) + 1))
    for rnd in result.rounds:
        for value in rnd.tally.values():
            assert isinstance(value, Fraction)  # exact, never float
    assert method.count(PROFILE, result.rules).to_json() == result.to_json()  # deterministic
