"""The Condorcet family: condorcet, copeland, minimax, schulze, ranked-pairs.

All of them start from the pairwise count: ``support[a, b]`` is the number of voters who rank
``a`` strictly above ``b``; the margin is ``support[a, b] - support[b, a]``. The count is built
from the grouped ballot rows with numpy (a rank position per row and candidate, then one
weighted comparison per block of rows), never ballot by ballot.

A candidate a ballot leaves unranked is, by default, ranked below every candidate it ranks
(``unranked = below``, pref_voting's "extended strict preference"); with ``unranked = ignore`` a
ballot counts only in the pairs whose two candidates it both ranks (pref_voting's default for
profiles with ties). Candidates marked at the same rank are tied on that ballot. Withdrawn
candidates are left out.

Every result has one round whose ``extra`` holds the pairwise count: ``"support:A>B"`` and
``"margin:A>B"`` for every ordered pair, and for Schulze the strongest paths ``"path:A>B"``.
The round's ``tally`` is the method's own score (Copeland points, minimax worst defeat,
Schulze rank tier...).

Every method but ``condorcet`` ranks the candidates, so ``seats = K`` elects its top K; when
the ranking has a tie at the cut, ``tied_winners`` lists it and the rules' tie policy (or
``tie_at_cut = all``) settles it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak
from shortlist.methods.rules import switch
from shortlist.methods.scored import TopRules, as_ranked, check_seats, choose_top, rules_dict
from shortlist.methods.tiebreak import TieBreaker

IntMatrix = npt.NDArray[np.int64]
BLOCK = 1 << 14
"""Ballot rows compared at once when building the pairwise count."""


# -- the pairwise count ----------------------------------------------------------------------


def rank_positions(profile: Profile) -> npt.NDArray[np.int32]:
    """Each row's rank position of each candidate (column index); ``max_ranks`` if unranked.

    A candidate marked twice keeps its first (highest) rank.
    """
    rows, width = profile.ranks.shape
    pos = np.full((rows, profile.n_candidates), width, dtype=np.int32)
    every = np.arange(rows)
    for j in range(width - 1, -1, -1):
        cell = profile.ranks[:, j]
        single = cell >= 0
        pos[every[single], cell[single]] = j
        for m, codes in enumerate(profile.multi):
            hit = every[cell == -2 - m]
            if hit.size:
                for c in codes:
                    pos[hit, c] = j
    return pos


def continuing_codes(profile: Profile) -> list[int]:
    """Candidates not withdrawn; :class:`CountError` if there are none."""
    live = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    if not live:
        raise CountError("the election has no continuing candidates")
    return live


def support_matrix(profile: Profile, unranked: str = "below") -> IntMatrix:
    """``support[a, b]``: voters ranking ``a`` strictly above ``b`` (all candidate codes)."""
    pos = rank_positions(profile)
    width = profile.ranks.shape[1]
    n = profile.n_candidates
    support = np.zeros(n * n, dtype=np.int64)
    for start in range(0, pos.shape[0], BLOCK):
        block = pos[start : start + BLOCK]
        above = block[:, :, None] < block[:, None, :]
        if unranked == "ignore":
            above &= (block < width)[:, None, :]
        support += profile.weights[start : start + BLOCK] @ above.reshape(len(block), n * n)
    return support.reshape(n, n)


@dataclass(frozen=True)
class Pairwise:
    """The pairwise count over the continuing candidates (``codes``)."""

    codes: tuple[int, ...]
    support: IntMatrix

    @property
    def margin(self) -> IntMatrix:
        out: IntMatrix = self.support - self.support.T
        return out

    def extra(self, names: Sequence[str]) -> dict[str, Fraction]:
        """The ``"support:A>B"`` and ``"margin:A>B"`` entries of a round's ``extra``."""
        out: dict[str, Fraction] = {}
        margin = self.margin
        for i, a in enumerate(self.codes):
            for j, b in enumerate(self.codes):
                if i != j:
                    out[f"support:{names[a]}>{names[b]}"] = Fraction(int(self.support[i, j]))
                    out[f"margin:{names[a]}>{names[b]}"] = Fraction(int(margin[i, j]))
        return out


def pairwise_count(profile: Profile, unranked: str = "below") -> Pairwise:
    codes = continuing_codes(profile)
    full = support_matrix(profile, unranked)
    return Pairwise(tuple(codes), full[np.ix_(codes, codes)])


# -- rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairwiseRules(TopRules):
    """Switches of every method of the Condorcet family."""

    unranked: str = switch(
        "below",
        "A candidate a ballot leaves unranked: ranked below those it ranks, or the ballot is "
        "ignored in that candidate's pairs.",
        ("below", "ignore"),
    )


@dataclass(frozen=True)
class CondorcetRules(PairwiseRules):
    single_winner = True


@dataclass(frozen=True)
class CopelandRules(PairwiseRules):
    tie_points: Fraction = switch(
        Fraction(1, 2), "Copeland points for a pairwise tie (a win is 1, a defeat 0)."
    )


@dataclass(frozen=True)
class MinimaxRules(PairwiseRules):
    strength: str = switch(
        "margins",
        "Size of a defeat: the margin, the winning votes, or the votes against in any pair "
        "(pairwise opposition).",
        ("margins", "winning-votes", "pairwise-opposition"),
    )


@dataclass(frozen=True)
class SchulzeRules(PairwiseRules):
    strength: str = switch(
        "margins",
        "Strength of a defeat: its margin or its winning votes.",
        ("margins", "winning-votes"),
    )


@dataclass(frozen=True)
class RankedPairsRules(PairwiseRules):
    max_orders: int = switch(
        100000,
        "Most lock orders explored to find every co-winner when pairs have equal margins.",
    )


# -- shared finish ---------------------------------------------------------------------------


def _finish(
    method: str,
    profile: Profile,
    rules: TopRules,
    pw: Pairwise,
    score: dict[int, Fraction],
    *,
    lowest_best: bool = False,
    more_extra: dict[str, Fraction] | None = None,
    note: str = "",
    extra_breaks: tuple[Tiebreak, ...] = (),
    tied_override: tuple[int, ...] | None = None,
) -> Result:
    names = profile.candidates
    check_seats(len(pw.codes), rules.seats)
    chosen = choose_top(
        score, rules.seats, rules, names, lowest_best=lowest_best, tie_at_cut=rules.tie_at_cut
    )
    extra = pw.extra(names)
    extra.update(more_extra or {})
    tied = tied_override or chosen.tied
    rnd = Round(
        number=1,
        tally={names[c]: score[c] for c in pw.codes},
        elected=tuple(names[c] for c in chosen.winners),
        tiebreaks=extra_breaks + chosen.tiebreaks,
        extra=extra,
        note=note,
    )
    return Result(
        method=method,
        rules=rules_dict(rules),
        candidates=names,
        winners=tuple(names[c] for c in chosen.winners),
        rounds=(rnd,),
        tied_winners=tuple(names[c] for c in sorted(tied)),
    )


def tiers(beats: npt.NDArray[np.bool_]) -> list[list[int]]:
    """Rank positions (0 best) by peeling off, again and again, the unbeaten candidates.

    ``beats[i, j]`` says ``i`` beats ``j``. If every remaining candidate is beaten (a cycle),
    the rest share one tier.
    """
    left = list(range(beats.shape[0]))
    out: list[list[int]] = []
    while left:
        top = [i for i in left if not any(beats[j, i] for j in left)]
        if not top:
            top = list(left)
        out.append(top)
        left = [i for i in left if i not in top]
    return out


def tier_score(codes: Sequence[int], layers: list[list[int]]) -> dict[int, Fraction]:
    """Score ``-tier`` (0 for the best tier), by candidate code."""
    return {codes[i]: Fraction(-t) for t, layer in enumerate(layers) for i in layer}


# -- condorcet -------------------------------------------------------------------------------


@register(
    "condorcet", CondorcetRules, "The Condorcet winner (beats every other one to one), or none."
)
def count_condorcet(profile: Profile, rules: CondorcetRules) -> Result:
    profile = as_ranked(profile, "condorcet")
    pw = pairwise_count(profile, rules.unranked)
    names = profile.candidates
    margin = pw.margin
    wins = (margin > 0).sum(axis=1)
    n = len(pw.codes)
    winner = [pw.codes[i] for i in range(n) if wins[i] == n - 1]
    rnd = Round(
        number=1,
        tally={names[c]: Fraction(int(wins[i])) for i, c in enumerate(pw.codes)},
        elected=tuple(names[c] for c in winner),
        extra=pw.extra(names),
        note="" if winner else "no Condorcet winner: no candidate beats every other one",
    )
    return Result(
        method="condorcet",
        rules=rules_dict(rules),
        candidates=names,
        winners=tuple(names[c] for c in winner),
        rounds=(rnd,),
        notes=() if winner else ("no Condorcet winner",),
    )


# -- copeland --------------------------------------------------------------------------------


@register("copeland", CopelandRules, "Copeland: most pairwise wins (a tie counts tie_points).")
def count_copeland(profile: Profile, rules: CopelandRules) -> Result:
    profile = as_ranked(profile, "copeland")
    pw = pairwise_count(profile, rules.unranked)
    margin = pw.margin
    wins = (margin > 0).sum(axis=1)
    draws = (margin == 0).sum(axis=1) - 1
    score = {
        c: Fraction(int(wins[i])) + rules.tie_points * int(draws[i]) for i, c in enumerate(pw.codes)
    }
    return _finish("copeland", profile, rules, pw, score)


# -- minimax ---------------------------------------------------------------------------------


@register("minimax", MinimaxRules, "Minimax (Simpson-Kramer): the smallest worst pairwise defeat.")
def count_minimax(profile: Profile, rules: MinimaxRules) -> Result:
    profile = as_ranked(profile, "minimax")
    pw = pairwise_count(profile, rules.unranked)
    margin, support = pw.margin, pw.support
    score: dict[int, Fraction] = {}
    for i, c in enumerate(pw.codes):
        others = [j for j in range(len(pw.codes)) if j != i]
        if rules.strength == "pairwise-opposition":
            worst = max((int(support[j, i]) for j in others), default=0)
        else:
            beaten_by = [j for j in others if margin[j, i] > 0]
            size = margin if rules.strength == "margins" else support
            worst = max((int(size[j, i]) for j in beaten_by), default=0)
        score[c] = Fraction(worst)
    return _finish("minimax", profile, rules, pw, score, lowest_best=True)


# -- schulze ---------------------------------------------------------------------------------


def strongest_paths(pw: Pairwise, strength: str) -> IntMatrix:
    """Schulze's strongest path strengths (Floyd-Warshall on the defeat strengths)."""
    margin = pw.margin
    direct = margin if strength == "margins" else pw.support
    paths: IntMatrix = np.where(margin > 0, direct, 0).astype(np.int64)
    n = paths.shape[0]
    np.fill_diagonal(paths, 0)
    for k in range(n):
        through = np.minimum(paths[:, k][:, None], paths[k, :][None, :])
        np.maximum(paths, through, out=paths)
        np.fill_diagonal(paths, 0)
    return paths


@register("schulze", SchulzeRules, "Schulze (beat path): strongest paths decide.")
def count_schulze(profile: Profile, rules: SchulzeRules) -> Result:
    profile = as_ranked(profile, "schulze")
    pw = pairwise_count(profile, rules.unranked)
    paths = strongest_paths(pw, rules.strength)
    beats = paths > paths.T
    names = profile.candidates
    more = {
        f"path:{names[a]}>{names[b]}": Fraction(int(paths[i, j]))
        for i, a in enumerate(pw.codes)
        for j, b in enumerate(pw.codes)
        if i != j
    }
    score = tier_score(pw.codes, tiers(beats))
    return _finish(
        "schulze", profile, rules, pw, score, more_extra=more, note="tally: minus the rank tier"
    )


# -- ranked pairs ----------------------------------------------------------------------------


def _reaches(locked: frozenset[tuple[int, int]], start: int, goal: int) -> bool:
    seen, stack = {start}, [start]
    while stack:
        here = stack.pop()
        if here == goal:
            return True
        for a, b in locked:
            if a == here and b not in seen:
                seen.add(b)
                stack.append(b)
    return False


def _lock(locked: frozenset[tuple[int, int]], pair: tuple[int, int]) -> frozenset[tuple[int, int]]:
    """``locked`` with ``pair`` added unless it would close a cycle."""
    a, b = pair
    return locked if _reaches(locked, b, a) else locked | {pair}


def _sources(locked: frozenset[tuple[int, int]], n: int) -> frozenset[int]:
    beaten = {b for _, b in locked}
    return frozenset(i for i in range(n) if i not in beaten)


def _all_lock_winners(
    groups: list[list[tuple[int, int]]], n: int, budget: int
) -> frozenset[int] | None:
    """Winners over every order of locking equal-margin pairs; None past ``budget`` states."""
    memo: dict[
        tuple[int, frozenset[tuple[int, int]], frozenset[tuple[int, int]]], frozenset[int]
    ] = {}

    def walk(
        g: int, locked: frozenset[tuple[int, int]], rest: frozenset[tuple[int, int]]
    ) -> frozenset[int]:
        if len(memo) > budget:
            raise _TooMany
        if not rest:
            if g + 1 >= len(groups):
                return _sources(locked, n)
            return walk(g + 1, locked, frozenset(groups[g + 1]))
        key = (g, locked, rest)
        if key not in memo:
            out: frozenset[int] = frozenset()
            for pair in sorted(rest):
                out |= walk(g, _lock(locked, pair), rest - {pair})
            memo[key] = out
        return memo[key]

    if not groups:
        return frozenset(range(n))
    try:
        return walk(0, frozenset(), frozenset(groups[0]))
    except _TooMany:
        return None


class _TooMany(Exception):
    pass


def _pair_groups(margin: IntMatrix) -> list[list[tuple[int, int]]]:
    """Pairs with a positive margin, in groups of equal margin, largest first."""
    n = margin.shape[0]
    pairs = [(i, j) for i in range(n) for j in range(n) if margin[i, j] > 0]
    pairs.sort(key=lambda p: -int(margin[p]))
    groups: list[list[tuple[int, int]]] = []
    for p in pairs:
        if groups and margin[groups[-1][0]] == margin[p]:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _tie_order(
    profile: Profile, rules: RankedPairsRules, codes: Sequence[int]
) -> tuple[list[int], Tiebreak]:
    """A ranking of the candidates that orders pairs of equal margin (Tideman's tie-breaker)."""
    names = profile.candidates
    breaker = TieBreaker(rules.tie_policy(), names)
    pool, order, rule = list(codes), [], "order"
    while pool:
        best, tb = breaker.pick_highest(pool, (), "order")
        if len(pool) > 1:
            rule = tb.rule
        order.append(best)
        pool.remove(best)
    tb = Tiebreak(
        purpose="order pairs of equal margin",
        tied=tuple(names[c] for c in codes),
        chosen=tuple(names[c] for c in order),
        rule=rule,
        seed=rules.seed if rule == "lot" else None,
        detail="pairs of equal margin are locked by this order of their winners, then losers",
    )
    return order, tb


@register("ranked-pairs", RankedPairsRules, "Ranked pairs (Tideman): lock the largest margins.")
def count_ranked_pairs(profile: Profile, rules: RankedPairsRules) -> Result:
    profile = as_ranked(profile, "ranked-pairs")
    pw = pairwise_count(profile, rules.unranked)
    margin, n = pw.margin, len(pw.codes)
    groups = _pair_groups(margin)
    breaks: tuple[Tiebreak, ...] = ()
    if any(len(g) > 1 for g in groups):
        order, tb = _tie_order(profile, rules, pw.codes)
        rank = {pw.codes.index(c): k for k, c in enumerate(order)}
        groups = [sorted(g, key=lambda p: (rank[p[0]], rank[p[1]])) for g in groups]
        breaks = (tb,)
    locked: frozenset[tuple[int, int]] = frozenset()
    for pair in (p for g in groups for p in g):
        locked = _lock(locked, pair)
    beats = np.zeros((n, n), dtype=bool)
    for a, b in locked:
        beats[a, b] = True
    layers = tiers(_closure(beats))
    score = tier_score(pw.codes, layers)
    names = profile.candidates
    more = {
        f"locked:{names[pw.codes[a]]}>{names[pw.codes[b]]}": Fraction(int(margin[a, b]))
        for a, b in locked
    }
    tied: tuple[int, ...] | None = None
    note = "tally: minus the rank tier"
    if breaks and rules.seats == 1:
        every = _all_lock_winners(_pair_groups(margin), n, rules.max_orders)
        if every is None:
            note += "; too many lock orders to list every co-winner"
        else:
            tied = tuple(sorted(pw.codes[i] for i in every)) if len(every) > 1 else ()
    return _finish(
        "ranked-pairs",
        profile,
        rules,
        pw,
        score,
        more_extra=more,
        note=note,
        extra_breaks=breaks,
        tied_override=tied,
    )


def _closure(beats: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Transitive closure of a relation."""
    out = beats.copy()
    for k in range(out.shape[0]):
        out |= out[:, k][:, None] & out[k, :][None, :]
    return out
