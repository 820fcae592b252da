"""Properties every count here must have (Hypothesis).

* A Condorcet winner, when there is one, wins under every Condorcet method.
* Pareto: a candidate every voter ranks below another one is never a winner.
* Anonymity: splitting the voters into single ballots in any order changes nothing.
* Neutrality: renaming the candidates renames the winners and changes nothing else.

Winner sets are compared with ``tie_at_cut = all`` (or the co-winners in ``tied_winners``),
so that no lot drawn by seed can differ between a profile and its renamed twin.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shortlist.methods import registry
from shortlist.methods.ballots import Profile

CONDORCET = ("condorcet", "copeland", "minimax", "schulze", "ranked-pairs")
RANKING = ("borda", "rank-sum", "plurality", "bucklin", "coombs")
SWITCHES = {"coombs": {"last_place_ties": "eliminate-all"}}
NAMES = "ABCDEFG"

weak_order = st.lists(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
    min_size=1,
    max_size=5,
)
rows = st.lists(st.tuples(weak_order, st.integers(1, 5)), min_size=1, max_size=12)
strict = st.permutations(list(NAMES[:5]))
strict_rows = st.lists(st.tuples(strict, st.integers(1, 5)), min_size=1, max_size=12)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def clean(rows):
    """Drop repeated names within a ballot (keep the first) and empty ranks."""
    out = []
    for ballot, w in rows:
        seen: set[str] = set()
        ranks = []
        for group in ballot:
            group = [c for c in group if c not in seen]
            seen.update(group)
            if group:
                ranks.append(group)
        out.append((ranks, w))
    return out


def build(rows, names=None) -> Profile:
    names = names or sorted({c for r, _ in rows for g in r for c in g})
    return Profile.from_rankings(
        [r for r, _ in rows], weights=[w for _, w in rows], candidates=names
    )


def winners(profile: Profile, name: str) -> set[str]:
    switches = dict(SWITCHES.get(name, {}))
    if name != "condorcet":
        switches["tie_at_cut"] = "all"
    result = registry.count(profile, name, switches)
    return set(result.tied_winners or result.winners)


@FAST
@given(rows=rows)
def test_a_condorcet_winner_wins_every_condorcet_method(rows):
    profile = build(clean(rows))
    cw = registry.count(profile, "condorcet").winners
    if cw:
        for name in CONDORCET:
            assert winners(profile, name) == set(cw), name


@FAST
@given(rows=strict_rows)
def test_pareto_dominated_candidate_never_wins(rows):
    # make "A" sit just above "B" on every ballot: A Pareto-dominates B
    fixed = []
    for ballot, w in rows:
        order = [c for c in ballot if c != "B"]
        order.insert(order.index("A") + 1, "B")
        fixed.append(([[c] for c in order], w))
    profile = build(fixed)
    for name in (*CONDORCET[1:], "borda", "rank-sum", "plurality"):
        assert "B" not in winners(profile, name), name


@FAST
@given(rows=rows, seed=st.integers(0, 2**32 - 1))
def test_anonymity_voters_in_any_order(rows, seed):
    rows = clean(rows)
    profile = build(rows)
    singles = [(r, 1) for r, w in rows for _ in range(w)]
    random.Random(seed).shuffle(singles)
    twin = build(singles, list(profile.candidates))
    for name in CONDORCET + RANKING:
        ours = registry.count(profile, name, SWITCHES.get(name))
        assert registry.count(twin, name, SWITCHES.get(name)).to_json() == ours.to_json()


@FAST
@given(rows=rows, perm=st.permutations(list(NAMES)))
def test_neutrality_renaming_candidates(rows, perm):
    rows = clean(rows)
    rename = dict(zip(NAMES, perm, strict=True))
    renamed = [([[rename[c] for c in g] for g in r], w) for r, w in rows]
    profile, twin = build(rows), build(renamed)
    for name in CONDORCET + RANKING:
        expect = {rename[c] for c in winners(profile, name)}
        assert winners(twin, name) == expect, name
