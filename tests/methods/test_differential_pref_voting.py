"""Differential test against pref_voting on thousands of random profiles.

Every method that shortlist and pref_voting both have is run on the same random profiles
(3 to 8 candidates); the sets of winners must be equal. shortlist's winner set is its
``tied_winners`` when it met a tie for the seat, else its ``winners``.

* Ranked ballots with ties and truncation (pref_voting's ``ProfileWithTies`` with extended
  strict preference: a ranked candidate beats an unranked one): condorcet, copeland, minimax,
  schulze ("Beat Path"), ranked-pairs (pref_voting's parallel-universe "Ranked Pairs") and
  borda (pref_voting's symmetric "Borda for truncated profiles", shortlist's
  ``truncated = average``).
  Half of these profiles are strict complete rankings (pref_voting's ``Profile``).
* Strict complete rankings only (pref_voting has these methods for them only): plurality,
  borda, dowdall, anti-plurality, positive-negative, bucklin, coombs
  (``last_place_ties = eliminate-all``), irv (``lowest_ties = eliminate-all``), superior,
  pareto, condorcet-loser-removal, simplified bucklin (``majority_winners = all``),
  weighted bucklin (``weights = borda``, ``threshold = half``), irv, coombs and
  plurality-runoff with parallel-universe tie-breaking, bracket (seeding ties by candidate
  number).
* Score ballots on 0 to 5, some candidates unscored (pref_voting's ``GradeProfile``):
  score-sum ("Score Voting", unscored as 0), score-average ("Score Voting" by mean over the
  voters who scored), approval ("Approval", on 0/1 ballots) and star ("STAR", on ballots that
  score every candidate, as pref_voting's STAR compares finalists only on voters who scored
  both). pref_voting's STAR returns every winner of every way of settling a tie for the
  finalist places or in the runoff; shortlist settles those ties by its rules (a runoff tie
  goes to the higher total), so STAR is compared where neither tie occurs.

A fresh seed is drawn each run (``SHORTLIST_DIFF_SEED`` pins one); a failure prints it with the
profile. Known, investigated disagreements:

* Dowdall: pref_voting adds the points 1, 1/2, 1/3 ... as binary floats, so candidates with
  equal exact totals can differ in the last bit, and pref_voting then misses the tie. Found 2
  times in 3,000 random profiles, e.g. 7 x (0, 2, 1), 1 x (1, 2, 0), 8 x (1, 0, 2): candidates
  0 and 1 both have exactly 34/3 (7 + 8/2 + 1/3 and 1 + 8 + 7/3); shortlist reports the tie,
  pref_voting elects 0 alone. A bug of floats in pref_voting, not of either rule. The
  comparison therefore gives pref_voting's own ``scoring_rule`` an exact Fraction score.
* Ranked pairs: pref_voting enumerates every order of equal-margin pairs; profiles where that is
  more than ``MAX_ORDERS`` orders are skipped for this one method (counted below).
"""

from __future__ import annotations

import math
import os
import random
from collections import Counter
from fractions import Fraction

from shortlist.methods import registry

# pref_voting (a test dependency, imported plainly: the suite fails if it is missing) compiles
# its numba kernels on first use (about a minute of one core); run them as
# plain Python instead, which is far quicker for profiles this small.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")
import pref_voting.c1_methods as pv_c1
import pref_voting.grade_methods as pv_grade_methods
import pref_voting.grade_profiles as pv_grades
import pref_voting.iterative_methods as pv_iter
import pref_voting.margin_based_methods as pv_margin
import pref_voting.other_methods as pv_other
import pref_voting.profiles as pv_profiles
import pref_voting.profiles_with_ties as pv_ties
import pref_voting.scoring_methods as pv_scoring

from shortlist.methods.ballots import Profile
from shortlist.methods.scored import ScoreProfile

N_PROFILES = 2000
MAX_ORDERS = 720
SEED = int(os.environ.get("SHORTLIST_DIFF_SEED") or random.SystemRandom().randrange(2**32))


def winner_set(result) -> set[str]:
    return set(result.tied_winners or result.winners)


_RULES: dict[tuple[str, tuple[tuple[str, str], ...]], object] = {}


def count(profile: Profile, name: str, switches: dict[str, str] | None = None):
    """Count with rules built once per method and switches (building them is the slow part)."""
    key = (name, tuple(sorted((switches or {}).items())))
    if key not in _RULES:
        _RULES[key] = registry.get(name).rules(switches)
    return registry.get(name).count(profile, _RULES[key])


def random_weak_orders(rng: random.Random, names: list[str]) -> list[tuple[list[list[str]], int]]:
    """Distinct random ballots, each truncated and with tied groups, with weights."""
    rows: dict[tuple[tuple[str, ...], ...], int] = {}
    for _ in range(rng.randint(1, 12)):
        ranked = rng.sample(names, rng.randint(1, len(names)))
        groups: list[list[str]] = []
        for name in ranked:
            if groups and rng.random() < 0.25:
                groups[-1].append(name)
            else:
                groups.append([name])
        key = tuple(tuple(sorted(g)) for g in groups)
        rows[key] = rows.get(key, 0) + rng.randint(1, 9)
    return [([list(g) for g in key], w) for key, w in rows.items()]


def random_linear(rng: random.Random, names: list[str]) -> list[tuple[list[str], int]]:
    rows: Counter[tuple[str, ...]] = Counter()
    for _ in range(rng.randint(1, 12)):
        rows[tuple(rng.sample(names, len(names)))] += rng.randint(1, 9)
    return [(list(k), w) for k, w in rows.items()]


def orders_of_equal_margins(prof) -> int:
    margins = Counter()
    for a in prof.candidates:
        for b in prof.candidates:
            m = prof.margin(a, b)
            if a != b and m >= 0:
                margins[m] += 1
    return math.prod(math.factorial(k) for k in margins.values())


PAIRWISE = {
    "copeland": lambda p: pv_c1.copeland(p),
    "minimax": lambda p: pv_margin.minimax(p),
    "schulze": lambda p: pv_margin.beat_path(p),
}


def check_pairwise_family(profile: Profile, prof, where: str) -> bool:
    """Compare the Condorcet family; returns whether ranked pairs was compared."""
    names = profile.candidates
    pv_condorcet = pv_c1.condorcet(prof)
    ours = count(profile, "condorcet").winners
    expect = (names[pv_condorcet[0]],) if len(pv_condorcet) == 1 else ()
    assert ours == expect, f"condorcet {where}"
    for name, pv_method in PAIRWISE.items():
        got = winner_set(count(profile, name))
        assert got == {names[c] for c in pv_method(prof)}, f"{name} {where}"
    if orders_of_equal_margins(prof) > MAX_ORDERS:
        return False
    got = winner_set(count(profile, "ranked-pairs"))
    assert got == {names[c] for c in pv_margin.ranked_pairs(prof)}, f"ranked-pairs {where}"
    return True


def weak_profile(rows, names):
    dicts = [{int(c): k + 1 for k, g in enumerate(r) for c in g} for r, _ in rows]
    prof = pv_ties.ProfileWithTies(
        dicts, rcounts=[w for _, w in rows], candidates=list(range(len(names)))
    )
    prof.use_extended_strict_preference()
    return prof


def linear_profile(rows):
    return pv_profiles.Profile([[int(c) for c in r] for r, _ in rows], rcounts=[w for _, w in rows])


def test_condorcet_family_and_borda_on_ranked_ballots_with_ties_and_truncation():
    """Half the profiles have truncated ballots with ties, half strict complete rankings."""
    rng = random.Random(SEED)
    compared_rp = 0
    for i in range(N_PROFILES):
        names = [str(c) for c in range(rng.randint(3, 8))]
        if i % 2:
            rows = random_linear(rng, names)
            prof = linear_profile(rows)
            ballots = [r for r, _ in rows]
        else:
            rows = random_weak_orders(rng, names)
            prof = weak_profile(rows, names)
            ballots = [r for r, _ in rows]
        where = f"(seed {SEED}, profile {i}: {rows})"
        profile = Profile.from_rankings(ballots, weights=[w for _, w in rows], candidates=names)
        compared_rp += check_pairwise_family(profile, prof, where)
        got = winner_set(count(profile, "borda"))
        pv_borda = pv_scoring.borda if i % 2 else pv_scoring.borda_for_profile_with_ties
        assert got == {names[c] for c in pv_borda(prof)}, f"borda {where}"
    assert compared_rp >= N_PROFILES // 2, f"ranked pairs compared on only {compared_rp}"


def exact_dowdall(prof) -> list[int]:
    return pv_scoring.scoring_rule(prof, score=lambda n, rank: Fraction(1, rank))


LINEAR = {
    "plurality": ({}, lambda p: pv_scoring.plurality(p)),
    "borda": ({}, lambda p: pv_scoring.borda(p)),
    "bucklin": ({}, lambda p: pv_other.bucklin(p)),
    "coombs": ({"last_place_ties": "eliminate-all"}, lambda p: pv_iter.coombs(p)),
}


def exact_borda_weight(m: int, place: int) -> Fraction:
    """Weighted Bucklin's normalised Borda weight, exact (pref_voting's default is a float)."""
    return Fraction(m - place, m - 1) if m > 1 else Fraction(1)


def test_positional_methods_on_strict_complete_rankings():
    rng = random.Random(SEED + 1)
    for i in range(N_PROFILES):
        names = [str(c) for c in range(rng.randint(3, 8))]
        rows = random_linear(rng, names)
        where = f"(seed {SEED}, linear profile {i}: {rows})"
        profile = Profile.from_rankings(
            [r for r, _ in rows], weights=[w for _, w in rows], candidates=names
        )
        prof = linear_profile(rows)
        for name, (switches, pv_method) in LINEAR.items():
            got = winner_set(count(profile, name, {**switches, "tie_at_cut": "all"}))
            assert got == {names[int(c)] for c in pv_method(prof)}, f"{name} {where}"
        got = winner_set(count(profile, "borda", {"points": "dowdall"}))
        assert got == {names[c] for c in exact_dowdall(prof)}, f"dowdall {where}"
        for points, pv_method in (
            ("anti-plurality", pv_scoring.anti_plurality),
            ("positive-negative", pv_scoring.positive_negative_voting),
        ):
            got = winner_set(count(profile, "borda", {"points": points, "tie_at_cut": "all"}))
            assert got == {names[int(c)] for c in pv_method(prof)}, f"{points} {where}"
        got = winner_set(count(profile, "irv", {"lowest_ties": "eliminate-all"}))
        assert got == {names[int(c)] for c in pv_iter.instant_runoff(prof)}, f"irv {where}"
        for name, pv_method in (
            ("superior", pv_other.superior_voting),
            ("pareto", pv_other.pareto),
            ("condorcet-loser-removal", pv_iter.iterated_removal_cl),
        ):
            got = winner_set(count(profile, name, {"tie_at_cut": "all"}))
            assert got == {names[int(c)] for c in pv_method(prof)}, f"{name} {where}"
        got = winner_set(count(profile, "bucklin", {"majority_winners": "all"}))
        simplified = pv_other.simplified_bucklin(prof)
        assert got == {names[int(c)] for c in simplified}, f"simplified bucklin {where}"
        got = winner_set(count(profile, "bucklin", {"weights": "borda", "threshold": "half"}))
        weighted = pv_other.weighted_bucklin(prof, score=exact_borda_weight)
        assert got == {names[int(c)] for c in weighted}, f"weighted bucklin {where}"
        for name, switches, pv_method in (
            ("irv", {"lowest_ties": "parallel-universes"}, pv_iter.instant_runoff_put),
            ("coombs", {"last_place_ties": "parallel-universes"}, pv_iter.coombs_put),
            (
                "plurality-runoff",
                {"top_ties": "parallel-universes"},
                pv_iter.plurality_with_runoff_put,
            ),
        ):
            got = winner_set(count(profile, name, switches))
            assert got == {names[int(c)] for c in pv_method(prof)}, f"{name} PUT {where}"
        as_numbered = {"ties": "order", "tie_order": ",".join(names)}
        got = winner_set(count(profile, "bracket", as_numbered))
        expected = pv_other.bracket_voting(prof, tie_break="lexicographic")
        assert got == {names[int(c)] for c in expected}, f"bracket {where}"


def random_scores(
    rng: random.Random, n: int, top: int, complete: bool
) -> list[tuple[dict[int, int], int]]:
    rows = []
    for _ in range(rng.randint(1, 12)):
        row = {c: rng.randint(0, top) for c in range(n) if complete or rng.random() < 0.7}
        rows.append((row, rng.randint(1, 9)))
    return rows


def test_score_methods_on_score_ballots():
    rng = random.Random(SEED + 2)
    star_compared = 0
    for i in range(N_PROFILES):
        n = rng.randint(3, 8)
        names = [str(c) for c in range(n)]
        top = 1 if i % 3 == 0 else 5
        rows = random_scores(rng, n, top, complete=i % 3 == 2)
        where = f"(seed {SEED}, score profile {i}: {rows})"
        kind = "approval" if top == 1 else "score"
        profile = ScoreProfile.from_scores(
            [{names[c]: g for c, g in r.items()} for r, _ in rows],
            candidates=names,
            scale=(0, top),
            kind=kind,
            weights=[w for _, w in rows],
        )
        grades = pv_grades.GradeProfile(
            [r for r, _ in rows],
            list(range(top + 1)),
            gcounts=[w for _, w in rows],
            candidates=list(range(n)),
        )
        sums = {names[c] for c in pv_grade_methods.score_voting(grades, ungraded_score=0)}
        assert winner_set(count(profile, "score-sum", {"tie_at_cut": "all"})) == sums, where
        got = winner_set(count(profile, "score-average", {"tie_at_cut": "all"}))
        if any(scored for scored, _ in rows):
            graded = pv_grade_methods.score_voting(grades, evaluation_method="mean")
            assert got == {names[c] for c in graded}, f"score-average {where}"
        else:
            # Known difference: when nobody scored anyone, pref_voting makes every candidate a
            # co-winner; the Academy's score average (§3.3) needs a minimum number of scorers
            # (default 1), so no entry advances.
            assert got == set(), f"score-average {where}"
        if top == 1:
            got = winner_set(count(profile, "approval", {"tie_at_cut": "all"}))
            assert got == {names[c] for c in pv_grade_methods.approval(grades)}, f"approval {where}"
        elif i % 3 == 2:
            result = count(profile, "star")
            if not any(r.tiebreaks for r in result.rounds):
                star_compared += 1
                expect = {names[c] for c in pv_grade_methods.star(grades)}
                assert set(result.winners) == expect, f"star {where}"
    assert star_compared >= N_PROFILES // 6, f"star compared on only {star_compared}"
