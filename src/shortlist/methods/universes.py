"""Parallel-universe tie-breaking (PUT): a winner in some way of breaking every tie.

Elimination methods meet ties for last place. Instead of breaking each tie one way, PUT follows
every branch: a candidate wins if it wins after *some* choice of whom to eliminate at each tie.
The set of winners is computed by recursion over the sets of candidates still standing (each set
is counted once), so it is meant for the small profiles where such ties matter; a count with
several marks at one rank is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.condorcet import rank_positions

#: Given the candidates standing: the winners if the count ends here, else those to branch on.
Step = Callable[[frozenset[int]], tuple[frozenset[int], frozenset[int]]]


def put_winners(standing: frozenset[int], step: Step) -> frozenset[int]:
    """Every candidate that wins in some universe of tie-breaks."""

    @cache
    def solve(left: frozenset[int]) -> frozenset[int]:
        won, branch = step(left)
        if won or len(left) <= 1:
            return won or left
        out: frozenset[int] = frozenset()
        for c in branch:
            out |= solve(left - {c})
        return out

    return solve(standing)


class Tops:
    """First and last choices of each ballot row among any set of standing candidates."""

    def __init__(self, profile: Profile) -> None:
        if profile.multi:
            raise CountError("parallel-universe tie-breaking needs one candidate per rank")
        self.pos = rank_positions(profile)
        self.width = profile.ranks.shape[1]
        self.weights = profile.weights

    def counts(self, left: frozenset[int], last: bool = False) -> dict[int, int]:
        """Weight of rows whose first (or last ranked) choice among ``left`` is each one."""
        codes = sorted(left)
        pos = self.pos[:, codes]
        ranked = pos < self.width
        alive = ranked.any(axis=1)
        masked: npt.NDArray[np.int32] = np.where(ranked, pos, -1 if last else self.width)
        pick = masked.argmax(axis=1) if last else masked.argmin(axis=1)
        got = np.zeros(len(codes), dtype=np.int64)
        np.add.at(got, pick[alive], self.weights[alive])
        return {c: int(got[i]) for i, c in enumerate(codes)}


def majority(firsts: dict[int, int], base: int) -> frozenset[int]:
    return frozenset(c for c, v in firsts.items() if 2 * v > base)


def irv_step(tops: Tops, base_all: int | None) -> Step:
    """IRV: a majority of first choices wins; else branch on each candidate with the fewest."""

    def step(left: frozenset[int]) -> tuple[frozenset[int], frozenset[int]]:
        firsts = tops.counts(left)
        won = majority(firsts, sum(firsts.values()) if base_all is None else base_all)
        low = min(firsts.values())
        return won, frozenset(c for c, v in firsts.items() if v == low)

    return step


def coombs_step(tops: Tops) -> Step:
    """Coombs: a majority of first choices wins; else branch on each with the most last places."""

    def step(left: frozenset[int]) -> tuple[frozenset[int], frozenset[int]]:
        firsts = tops.counts(left)
        won = majority(firsts, sum(firsts.values()))
        lasts = tops.counts(left, last=True)
        high = max(lasts.values())
        return won, frozenset(c for c, v in lasts.items() if v == high)

    return step
