"""pref_voting's minimal profiles: each has a Condorcet winner that the named method misses.

``minimal_<Method>.soc``: the method's set of winners is not just the Condorcet winner (it
misses it, or ties it with others). ``minimal_resolute_<Method>.soc``: the method elects one
candidate and it is not the Condorcet winner. Every file whose method shortlist has is checked
against the shortlist method (with the switches that make it the same rule); the others are
listed in ``NOT_HERE``, and a test fails if a file is neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shortlist.methods import registry
from shortlist.methods.ballots import Profile

CASES = Path(__file__).parents[1] / "cases" / "pref_voting" / "condorcet_winner"

#: pref_voting's method name -> (shortlist method, switches).
SAME_RULE: dict[str, tuple[str, dict[str, str]]] = {
    "Borda": ("borda", {}),
    "Dowdall": ("borda", {"points": "dowdall"}),
    "Anti-Plurality": ("borda", {"points": "anti-plurality"}),
    "Positive-Negative_Voting": ("borda", {"points": "positive-negative"}),
    "Bucklin": ("bucklin", {}),
    "Simplified_Bucklin": ("bucklin", {"majority_winners": "all"}),
    "Weighted_Bucklin": ("bucklin", {"weights": "borda", "threshold": "half"}),
    "Coombs": ("coombs", {"last_place_ties": "eliminate-all"}),
    # pref_voting's Coombs TB eliminates the tied candidate first in its order (0, 1, 2...):
    # shortlist's 'order' policy eliminates the one listed last.
    "Coombs_TB": ("coombs", {"ties": "order"}),
    "Plurality": ("plurality", {}),
    "Instant_Runoff_TB": ("irv", {"ties": "order"}),
    "Instant_Runoff": ("irv", {"lowest_ties": "eliminate-all"}),
    "Instant_Runoff_PUT": ("irv", {"lowest_ties": "parallel-universes"}),
    "Coombs_PUT": ("coombs", {"last_place_ties": "parallel-universes"}),
    "PluralityWRunoff_PUT": ("plurality-runoff", {"top_ties": "parallel-universes"}),
    # pref_voting seeds tied candidates in a tie-breaking order (random, or by candidate number:
    # "lexicographic"); here the candidates in their own order, most favoured first
    "Bracket_Voting": ("bracket", {"ties": "order", "tie_order": "as-numbered"}),
    "Superior_Voting": ("superior", {}),
    "Pareto": ("pareto", {}),
    "Iterated_Removal_Condorcet_Loser": ("condorcet-loser-removal", {}),
}
#: Files whose method shortlist does not have (none left).
NOT_HERE: set[str] = set()


def read_soc(path: Path) -> Profile:
    """A PrefLib .soc file as a profile (enough for these small, strict, complete files)."""
    names: dict[int, str] = {}
    rows, weights = [], []
    for line in path.read_text().splitlines():
        if line.startswith("# ALTERNATIVE NAME"):
            key, name = line[len("# ALTERNATIVE NAME ") :].split(":", 1)
            names[int(key)] = name.strip()
        elif line.strip() and not line.startswith("#"):
            count, order = line.split(":")
            rows.append([names[int(c)] for c in order.split(",")])
            weights.append(int(count))
    return Profile.from_rankings(
        rows, weights=weights, candidates=[names[k] for k in sorted(names)]
    )


def cases() -> list[tuple[str, bool, Path]]:
    out = []
    for path in sorted(CASES.glob("minimal_*.soc")):
        stem = path.stem.removeprefix("minimal_")
        resolute = stem.startswith("resolute_")
        out.append((stem.removeprefix("resolute_"), resolute, path))
    return out


def test_every_case_is_checked_or_listed():
    found = {name for name, _, _ in cases()}
    assert found == set(SAME_RULE) | NOT_HERE
    assert len(cases()) == 35


@pytest.mark.parametrize(
    ("name", "resolute", "path"),
    [c for c in cases() if c[0] in SAME_RULE],
    ids=lambda x: x.name if isinstance(x, Path) else str(x),
)
def test_named_method_misses_the_condorcet_winner(name, resolute, path):
    profile = read_soc(path)
    (cw,) = registry.count(profile, "condorcet").winners  # the profile has one
    for other in ("copeland", "minimax", "schulze", "ranked-pairs"):
        assert registry.count(profile, other).winners == (cw,), other
    method, switches = SAME_RULE[name]
    if switches.get("tie_order") == "as-numbered":
        switches = {**switches, "tie_order": ",".join(profile.candidates)}
    elif switches.get("ties") == "order":
        switches = {**switches, "tie_order": ",".join(reversed(profile.candidates))}
    known = {f.name for f in registry.get(method).rules_type.switches()}
    if "tie_at_cut" in known:  # report co-winners rather than break their tie
        switches = {**switches, "tie_at_cut": "all"}
    result = registry.count(profile, method, switches)
    if resolute:
        assert len(result.winners) == 1 and result.winners != (cw,)
        assert not result.tied_winners
    else:
        assert set(result.winners) != {cw}
