"""Weighted piles for the inclusive Gregory method: integer ballot counts, few distinct weights.

Every distinct ballot row sits on one pile (see :class:`~shortlist.methods.piles.Piles`) and
carries one *weight* (its current transfer value), stored as an index into a short list of
distinct raw values. A pile's vote is a numpy integer sum of ballot counts per weight, times
those few weights, so a count never loops over ballots in Python.

A candidate can be taken out of the continuing candidates without moving the ballots on their
pile (:meth:`WeightedPiles.hold`): the WIGM elects a candidate and transfers their surplus later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import Profile
from shortlist.methods.piles import EXHAUSTED, Piles
from shortlist.methods.stv_arithmetic import Raw, Reckoner

_DIRECT_SUMS = 1 << 16
"""Up to this many (key, value) pairs, weights are added in a table indexed by the pair."""

IntArray = npt.NDArray[np.int64]


class WeightedPiles:
    """Where each ballot row sits and at what weight."""

    def __init__(
        self,
        profile: Profile,
        continuing: npt.NDArray[np.bool_],
        reckoner: Reckoner,
        *,
        overvote: str = "exhaust",
    ) -> None:
        self.piles = Piles(profile, continuing, overvote=overvote)
        self.reckoner = reckoner
        self.n_candidates = profile.n_candidates
        self.counts = profile.weights
        #: rows that mark no eligible candidate are not valid votes
        self.valid = marks_someone(profile)
        self.values: list[Raw] = [reckoner.one]
        self._value_index: dict[Raw, int] = {reckoner.one: 0}
        self.value_of = np.zeros(profile.n_rows, dtype=np.int64)
        # the vote on each pile and the exhausted vote, summed over every ballot once, then kept
        # up to date as ballots move or are reweighed (exact arithmetic: the same sums)
        self._votes: dict[int, Raw] | None = None
        self._exhausted: Raw | None = None

    # -- queries ------------------------------------------------------------------------------

    @property
    def top(self) -> npt.NDArray[np.int32]:
        return self.piles.top

    @property
    def continuing(self) -> npt.NDArray[np.bool_]:
        return self.piles.continuing

    def valid_ballots(self) -> int:
        return int(self.counts[self.valid].sum())

    def pile_votes(self) -> dict[int, Raw]:
        """The vote on every non-empty pile, by candidate (in candidate order)."""
        if self._votes is None:
            live = self.top >= 0
            self._votes = self._sum_by(
                self.top[live].astype(np.int64), self.value_of[live], self.counts[live]
            )
        return dict(sorted(self._votes.items()))

    def exhausted_votes(self) -> Raw:
        if self._exhausted is None:
            rows = (self.top == EXHAUSTED) & self.valid
            sums = self._sum_by(
                np.zeros(int(rows.sum()), dtype=np.int64), self.value_of[rows], self.counts[rows]
            )
            self._exhausted = sums.get(0, self.reckoner.zero)
        return self._exhausted

    def _sum_by(self, keys: IntArray, value_ids: IntArray, counts: IntArray) -> dict[int, Raw]:
        """Sum of count * value by key: integer sums per (key, value), then a few products."""
        if keys.size == 0:
            return {}
        n_values = len(self.values)
        combined = keys * n_values + value_ids
        span = (int(keys.max()) + 1) * n_values
        if span <= _DIRECT_SUMS:  # few (key, value) pairs: add straight into a table, no sort
            sums = np.zeros(span, dtype=np.int64)
            np.add.at(sums, combined, counts)
            uniq = np.flatnonzero(np.bincount(combined, minlength=span))
            sums = sums[uniq]
        else:
            uniq, inverse = np.unique(combined, return_inverse=True)
            sums = np.zeros(uniq.shape[0], dtype=np.int64)
            np.add.at(sums, inverse.reshape(-1), counts)
        out: dict[int, Raw] = {}
        zero = self.reckoner.zero
        for code, total in zip(uniq.tolist(), sums.tolist(), strict=True):
            key, vid = divmod(code, n_values)
            out[key] = out.get(key, zero) + self.values[vid] * total
        return out

    # -- changes ------------------------------------------------------------------------------

    def hold(self, candidate: int) -> None:
        """Stop ``candidate`` receiving transfers, leaving their ballots where they are."""
        self.piles.continuing[candidate] = False

    def reweigh(self, candidate: int, new_value: Callable[[Raw], Raw]) -> None:
        """Give each ballot on ``candidate``'s pile the weight ``new_value(old weight)``."""
        rows = self.piles.rows_on([candidate])
        old_ids = self.value_of[rows]
        mapping = {
            vid: self._intern(new_value(self.values[vid]))
            # (return_counts: plain np.unique imports numpy.ma to check for masks, ~0.02 s)
            for vid in np.unique(old_ids, return_counts=True)[0].tolist()
        }
        table = np.zeros(len(self.values), dtype=np.int64)
        for old, new in mapping.items():
            table[old] = new
        self.value_of[rows] = table[old_ids]
        if self._votes is not None:
            self._votes.pop(candidate, None)
            if rows.size:
                self._votes[candidate] = self._sum_by(
                    np.zeros(rows.size, dtype=np.int64), self.value_of[rows], self.counts[rows]
                )[0]

    def move_on(self, candidates: Iterable[int]) -> dict[int, tuple[dict[int, Raw], Raw]]:
        """Take ``candidates`` out of the count; move their ballots to the next continuing choice.

        Returns, for each of them, the value received by each candidate and the value exhausted.
        """
        cands = list(candidates)
        rows, came_from = self.piles.remove(cands)
        dest = self.top[rows].astype(np.int64) + 1  # 0: exhausted
        out: dict[int, tuple[dict[int, Raw], Raw]] = {}
        for c in cands:
            mine = came_from == c
            sums = self._sum_by(dest[mine], self.value_of[rows[mine]], self.counts[rows[mine]])
            exhausted = sums.pop(0, self.reckoner.zero)
            out[c] = ({k - 1: v for k, v in sums.items()}, exhausted)
        self._moved(cands, out)
        return out

    def _moved(self, cands: list[int], out: dict[int, tuple[dict[int, Raw], Raw]]) -> None:
        """Keep the piles' votes: the sources' piles are empty, what left them is added."""
        if self._votes is not None:
            zero = self.reckoner.zero
            for c in cands:
                self._votes.pop(c, None)
            for to, _ in out.values():
                for k, v in to.items():
                    self._votes[k] = self._votes.get(k, zero) + v
        if self._exhausted is not None:
            for _, exhausted in out.values():
                self._exhausted = self._exhausted + exhausted

    def _intern(self, value: Raw) -> int:
        vid = self._value_index.get(value)
        if vid is None:
            vid = len(self.values)
            self.values.append(value)
            self._value_index[value] = vid
        return vid


def marks_someone(profile: Profile) -> npt.NDArray[np.bool_]:
    """For each row: does it mark at least one candidate who has not withdrawn?"""
    n, m = profile.n_candidates, len(profile.multi)
    # a cell's value v is looked up at v + m + 1: multi codes, then SKIP, then candidates
    eligible = np.zeros(n + m + 1, dtype=bool)
    for c in range(n):
        eligible[c + m + 1] = c not in profile.withdrawn
    for k, codes in enumerate(profile.multi):
        eligible[m - 1 - k] = any(c not in profile.withdrawn for c in codes)
    return np.asarray(eligible[profile.ranks + (m + 1)].any(axis=1), dtype=bool)
