"""Piles: where each distinct ballot currently sits, moved only when its pile changes.

The engine behind IRV and its sequential variants (and a building block for STV). Each ballot
row has a cursor on its ranks; a row's *top* is the first continuing candidate at or after its
cursor, or :data:`EXHAUSTED`. When candidates leave the count only the rows sitting on them
are advanced, so a count costs about one pass over the ballots in all.

Marks at one rank (``multi`` cells) and skipped ranks are read according to two rules:

* ``overvote``: ``"exhaust"`` (a rank with several continuing marks exhausts the ballot) or
  ``"skip"`` (such a rank is passed over) — ``"exhaust-if-multiple"`` is RCTab's default and is
  the same as ``"exhaust"`` here because only continuing marks are considered;
* ``max_skips``: the most consecutive skipped ranks a ballot may pass (``None``: unlimited).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import SKIP, Profile

EXHAUSTED = -1
OVERVOTE_RULES = ("exhaust", "skip")


class Piles:
    """Current top continuing choice of every ballot row of a profile."""

    def __init__(
        self,
        profile: Profile,
        continuing: npt.NDArray[np.bool_],
        *,
        overvote: str = "exhaust",
        max_skips: int | None = None,
        cursor: npt.NDArray[np.int32] | None = None,
    ) -> None:
        if overvote not in OVERVOTE_RULES:
            raise ValueError(f"overvote rule must be one of {OVERVOTE_RULES}")
        self.profile = profile
        self.ranks = profile.ranks
        self.weights = profile.weights
        self.continuing = continuing.copy()
        self.overvote = overvote
        self.max_skips = max_skips
        n = profile.n_rows
        # ``cursor`` lets a part split off a count keep each row's place (its rank so far)
        self.cursor = (
            np.zeros(n, dtype=np.int32) if cursor is None else np.array(cursor, dtype=np.int32)
        )
        self.top = np.full(n, EXHAUSTED, dtype=np.int32)
        self._flat_ranks = np.ascontiguousarray(self.ranks).reshape(-1)
        # float sums of integer weights are exact below 2**53
        most = int(np.abs(self.weights).max(initial=0))
        self._float_sums_exact = most * max(n, 1) < 2**53
        # multi-mark cells resolve to a candidate, EXHAUSTED, or "pass" via a small table
        self._has_multi = bool(profile.multi)
        self._advance(np.arange(n, dtype=np.int64))

    # -- queries ------------------------------------------------------------------------------

    def tally(self) -> npt.NDArray[np.int64]:
        """Weight on each candidate's pile (exhausted rows excluded), as int64."""
        live = self.top >= 0
        size = self.profile.n_candidates
        if self._float_sums_exact:
            sums = np.bincount(self.top[live], weights=self.weights[live], minlength=size)
            return np.rint(sums).astype(np.int64)
        counts = np.zeros(size, dtype=np.int64)
        np.add.at(counts, self.top[live], self.weights[live])
        return counts

    def exhausted_weight(self) -> int:
        return int(self.weights[self.top == EXHAUSTED].sum())

    def rows_on(self, candidates: Iterable[int]) -> npt.NDArray[np.int64]:
        """Indexes of rows whose top is one of ``candidates``."""
        cands = list(candidates)
        if not cands or len(cands) > 4:
            return np.flatnonzero(np.isin(self.top, np.array(cands, dtype=np.int32)))
        on = self.top == cands[0]
        for c in cands[1:]:
            on |= self.top == c
        return np.flatnonzero(on)

    # -- changes ------------------------------------------------------------------------------

    def remove(
        self, candidates: Iterable[int]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
        """Candidates leave the count; rows on them move on.

        Returns the rows that moved and the candidate each was on before.
        """
        cands = list(candidates)
        self.continuing[cands] = False
        rows = self.rows_on(cands)
        before = self.top[rows].copy()
        self._advance(rows)
        return rows, before

    def _advance(self, rows: npt.NDArray[np.int64]) -> None:
        """Move each row's cursor to its first continuing choice (or exhaust it)."""
        width = self.ranks.shape[1]
        pending = rows
        skips = np.zeros(pending.shape[0], dtype=np.int32)
        top = self.top
        # continuing or not by cell code; the codes below 0 (SKIP, _PASS, _EXHAUST) index the
        # padding at the end, which is False
        live = np.zeros(len(self.continuing) + _PADDING, dtype=bool)
        live[: len(self.continuing)] = self.continuing
        if not self._has_multi and self.max_skips is None:
            self._advance_plain(pending, live)
            return
        while pending.size:
            cur = self.cursor[pending]
            done = cur >= width
            if bool(done.any()):
                top[pending[done]] = EXHAUSTED
                pending, cur, skips = pending[~done], cur[~done], skips[~done]
            if not pending.size:
                break
            cell = self._flat_ranks[pending * width + cur]
            if self._has_multi:
                cell = self._resolve_multi(cell)
            hit = live[cell]
            top[pending[hit]] = cell[hit]
            exhaust = cell == _EXHAUST
            top[pending[exhaust]] = EXHAUSTED
            self.cursor[pending[exhaust]] = width
            # a skipped rank counts towards max_skips; an eliminated mark does not
            is_skip = cell == SKIP
            if self.max_skips is not None:
                skips = np.where(is_skip, skips + 1, 0)
                too_many = is_skip & (skips > self.max_skips)
                top[pending[too_many]] = EXHAUSTED
                self.cursor[pending[too_many]] = width
                exhaust |= too_many
            go_on = ~(hit | exhaust)
            self.cursor[pending[go_on]] += 1
            pending, skips = pending[go_on], skips[go_on]

    def _advance_plain(self, pending: npt.NDArray[np.int64], live: npt.NDArray[np.bool_]) -> None:
        """:meth:`_advance` when every cell is one mark or a skip and skips are not limited: a
        row stops at its first continuing mark, or is exhausted past its last rank."""
        width = self.ranks.shape[1]
        top, cursor = self.top, self.cursor
        while pending.size:
            cur = cursor[pending]
            done = cur >= width
            if bool(done.any()):
                top[pending[done]] = EXHAUSTED
                kept = ~done
                pending, cur = pending[kept], cur[kept]
            cell = self._flat_ranks[pending * width + cur]
            hit = live[cell]
            top[pending[hit]] = cell[hit]
            pending = pending[~hit]
            cursor[pending] += 1

    def _resolve_multi(self, cell: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
        """Turn multi-mark cells into a candidate (one continuing mark), a pass or an exhaust."""
        out = cell.copy()
        multi_idx = np.flatnonzero(cell <= -2)
        for i in multi_idx.tolist():
            codes = self.profile.multi[-int(cell[i]) - 2]
            live = [c for c in codes if self.continuing[c]]
            if len(live) == 1:
                out[i] = live[0]
            elif not live:
                out[i] = _PASS
            else:
                out[i] = _EXHAUST if self.overvote == "exhaust" else _PASS
        return out


_PADDING = 128
"""More than the codes below 0 a resolved cell can have (down to :data:`_EXHAUST`)."""
_PASS = -100
"""A rank with no continuing mark: the ballot moves on without counting it as skipped."""
_EXHAUST = -101
"""A rank that exhausts the ballot (an overvote under the exhaust rule)."""
