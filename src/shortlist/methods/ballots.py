"""Ranked ballots as a compact numpy profile.

A :class:`Profile` holds every distinct ballot once, with its weight (how many voters cast it).

``ranks`` is an ``int32`` array of shape ``(n_ballots, max_ranks)``. Column ``j`` is the voter's
rank ``j + 1``. A cell holds:

* a candidate code ``0 <= c < len(candidates)``;
* :data:`SKIP` (``-1``): no mark at this rank. Trailing ``SKIP`` cells pad short ballots; a
  ``SKIP`` followed by marks is a skipped rank (RCTab's undervote);
* a code ``<= -2``: several candidates marked at the same rank. ``multi[-code - 2]`` is the tuple
  of their codes. A method's rules say what that means: an equal ranking (BLT ``1=2``,
  PrefLib ``{1,2}``) or an overvote (RCTab).

``weights`` is an ``int64`` array of ballot counts. A ballot with no mark at all is kept (a
blank ballot) so that rules that count blank ballots can; methods ignore it otherwise.

The profile is immutable: its arrays are read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from shortlist.errors import BallotFileError, CountError

SKIP = -1
"""Cell value: no mark at this rank."""

RankArray = npt.NDArray[np.int32]
WeightArray = npt.NDArray[np.int64]

#: A voter's rank in the convenience constructors: a candidate, several tied candidates, or None.
RankEntry = str | Sequence[str] | None


def _readonly(a: npt.NDArray[np.generic]) -> None:
    a.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Profile:
    """Distinct ranked ballots with weights, candidates as integer codes."""

    candidates: tuple[str, ...]
    ranks: RankArray
    weights: WeightArray
    multi: tuple[tuple[int, ...], ...] = ()
    withdrawn: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.ranks.ndim != 2:
            raise ValueError("ranks must be a 2-D array")
        if self.weights.shape != (self.ranks.shape[0],):
            raise ValueError("weights must have one entry per ballot row")
        if self.ranks.dtype != np.int32:
            object.__setattr__(self, "ranks", self.ranks.astype(np.int32))
        if self.weights.dtype != np.int64:
            object.__setattr__(self, "weights", self.weights.astype(np.int64))
        _readonly(self.ranks)
        _readonly(self.weights)

    # -- sizes --------------------------------------------------------------------------------

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_rows(self) -> int:
        """Distinct ballot rows (not voters)."""
        return int(self.ranks.shape[0])

    @property
    def max_ranks(self) -> int:
        return int(self.ranks.shape[1])

    @property
    def total_weight(self) -> int:
        """Number of voters (sum of weights), blank ballots included."""
        return int(self.weights.sum())

    def code(self, name: str) -> int:
        """The code of the candidate called ``name``; :class:`CountError` if there is none."""
        try:
            return self.candidates.index(name)
        except ValueError:
            raise CountError(f"unknown candidate {name!r}") from None

    def has_multi_marks(self) -> bool:
        return bool(self.multi)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_rankings(
        cls,
        ballots: Iterable[Sequence[RankEntry]],
        *,
        candidates: Sequence[str] | None = None,
        weights: Iterable[int] | None = None,
        withdrawn: Iterable[str] = (),
    ) -> Profile:
        """Build a profile from Python rankings (for small inputs and tests).

        Each ballot is a sequence of ranks; a rank is a name, a sequence of names (marked at the
        same rank) or ``None`` (a skipped rank). Candidates default to the names in order of first
        appearance. Identical ballots are grouped.
        """
        rows = [list(b) for b in ballots]
        wts = [1] * len(rows) if weights is None else list(weights)
        if len(wts) != len(rows):
            raise ValueError("one weight per ballot is needed")
        names: list[str] = list(candidates) if candidates is not None else []
        index = {n: i for i, n in enumerate(names)}

        def code_of(name: str) -> int:
            if name not in index:
                if candidates is not None:
                    raise CountError(f"unknown candidate {name!r}")
                index[name] = len(names)
                names.append(name)
            return index[name]

        multi: dict[tuple[int, ...], int] = {}
        width = max((len(r) for r in rows), default=0)
        arr = np.full((len(rows), max(width, 1)), SKIP, dtype=np.int32)
        for i, row in enumerate(rows):
            for j, entry in enumerate(row):
                if entry is None:
                    continue
                if isinstance(entry, str):
                    arr[i, j] = code_of(entry)
                    continue
                codes = tuple(code_of(n) for n in entry)
                if len(codes) == 1:
                    arr[i, j] = codes[0]
                elif codes:
                    arr[i, j] = -2 - multi.setdefault(codes, len(multi))
        gone = frozenset(code_of(n) for n in withdrawn)
        profile = cls(
            candidates=tuple(names),
            ranks=arr,
            weights=np.asarray(wts, dtype=np.int64),
            multi=tuple(multi),
            withdrawn=gone,
        )
        return profile.grouped()

    def grouped(self) -> Profile:
        """The same profile with identical rows merged (weights added), rows in sorted order.

        Trailing all-``SKIP`` columns are dropped and zero-weight rows removed.
        """
        ranks = self.ranks
        keep = self.weights > 0
        ranks, weights = ranks[keep], self.weights[keep]
        used = np.flatnonzero((ranks != SKIP).any(axis=0))
        width = int(used[-1]) + 1 if used.size else 1
        ranks = np.ascontiguousarray(ranks[:, :width])
        if ranks.shape[0] == 0:
            return Profile(self.candidates, ranks, weights.copy(), self.multi, self.withdrawn)
        uniq, summed = group_rows(ranks, weights)
        return Profile(
            self.candidates,
            uniq.astype(np.int32),
            summed,
            self.multi,
            self.withdrawn,
        )

    # -- views --------------------------------------------------------------------------------

    def rankings(self) -> list[tuple[tuple[tuple[str, ...] | None, ...], int]]:
        """Every row as ``(ranks, weight)`` with names; a rank is a tuple of names or None.

        Trailing skips are dropped. Meant for small profiles, reports and tests.
        """
        out: list[tuple[tuple[tuple[str, ...] | None, ...], int]] = []
        for row, w in zip(self.ranks.tolist(), self.weights.tolist(), strict=True):
            ranks: list[tuple[str, ...] | None] = []
            for cell in row:
                if cell == SKIP:
                    ranks.append(None)
                elif cell >= 0:
                    ranks.append((self.candidates[cell],))
                else:
                    ranks.append(tuple(self.candidates[c] for c in self.multi[-cell - 2]))
            while ranks and ranks[-1] is None:
                ranks.pop()
            out.append((tuple(ranks), int(w)))
        return out

    def marks(self, cell: int) -> tuple[int, ...]:
        """The candidate codes marked in one cell (empty for a skip)."""
        if cell == SKIP:
            return ()
        if cell >= 0:
            return (cell,)
        return self.multi[-cell - 2]

    def check_codes(self, source: str = "profile") -> None:
        """Raise :class:`BallotFileError` if any cell names a code outside the candidates."""
        n = self.n_candidates
        bad = self.ranks >= n
        bad |= self.ranks < -1 - len(self.multi)
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            raise BallotFileError(f"ballot row {row + 1} names an unknown candidate", path=source)


# -- grouping ---------------------------------------------------------------------------------

_EXACT_FLOAT_SUM = 2**53


def group_rows(ranks: RankArray, weights: WeightArray) -> tuple[RankArray, WeightArray]:
    """Distinct rows of ``ranks`` in lexicographic order, and the summed weight of each.

    The same answer as ``np.unique(ranks, axis=0)``, but each row is first packed into one
    ``int64`` key (its cells as digits in base ``max - min + 1``), which sorts far faster than
    rows; rows too wide for one key get one key per slice of columns. Weights are summed exactly.
    """
    n, width = ranks.shape
    if n == 0:
        return ranks.copy(), weights.copy()
    low, high = int(ranks.min()), int(ranks.max())
    base = high - low + 1
    per_key = max(1, int(62 // max(np.log2(base), 1.0)))
    while base**per_key >= 2**63:
        per_key -= 1
    if per_key < width:
        return _group_by_slices(ranks, weights, low, base, per_key)
    keys = _packed(ranks, low, base)
    uniq_keys, summed = group_keys(keys, weights)
    rows = np.empty((len(uniq_keys), width), dtype=np.int32)
    for j in range(width - 1, -1, -1):
        uniq_keys, digit = np.divmod(uniq_keys, base)
        rows[:, j] = digit + low
    return rows, summed


def _packed(columns: RankArray, low: int, base: int) -> npt.NDArray[np.int64]:
    """Each row's cells as the digits of one integer (most significant first)."""
    keys = np.zeros(columns.shape[0], dtype=np.int64)
    for j in range(columns.shape[1]):
        keys *= base
        keys += columns[:, j] - low
    return keys


def _group_by_slices(
    ranks: RankArray, weights: WeightArray, low: int, base: int, per_key: int
) -> tuple[RankArray, WeightArray]:
    """Group rows too wide for one key: a key per slice of columns, sorted together."""
    keys = [
        _packed(ranks[:, j : j + per_key], low, base) for j in range(0, ranks.shape[1], per_key)
    ]
    order = np.lexsort(keys[::-1])
    starts = np.zeros(len(order), dtype=bool)
    starts[0] = True
    for key in keys:
        ordered = key[order]
        starts[1:] |= ordered[1:] != ordered[:-1]
    first = np.flatnonzero(starts)
    summed = np.add.reduceat(weights[order], first).astype(np.int64)
    return np.ascontiguousarray(ranks[order[first]]).astype(np.int32), summed


def group_keys(
    keys: npt.NDArray[np.int64], weights: WeightArray
) -> tuple[npt.NDArray[np.int64], WeightArray]:
    """The distinct keys, sorted, and the exact sum of the weights of each."""
    if bool((weights == 1).all()):
        uniq_keys, counts = np.unique(keys, return_counts=True)
        return uniq_keys, counts.astype(np.int64)
    uniq_keys, inverse = np.unique(keys, return_inverse=True)
    return uniq_keys, _sum_by_group(inverse.reshape(-1), weights, len(uniq_keys))


def _sum_by_group(groups: npt.NDArray[np.intp], weights: WeightArray, size: int) -> WeightArray:
    """Exact per-group sums of integer weights."""
    if int(np.abs(weights).max(initial=0)) * len(weights) < _EXACT_FLOAT_SUM:
        sums = np.bincount(groups, weights=weights, minlength=size)
        return np.rint(sums).astype(np.int64)
    exact = np.zeros(size, dtype=np.int64)
    np.add.at(exact, groups, weights)
    return exact
