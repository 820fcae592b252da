"""Keep-factor distribution of votes: one pass of a Meek or Warren count over every ballot.

Each ballot starts with weight 1 and meets its ranked candidates in turn. A continuing candidate
(hopeful or elected) with keep factor ``kf`` keeps part of the weight and passes on the rest:

* Meek: keeps ``weight * kf`` and passes on ``weight * (1 - kf)`` (each product truncated);
* Warren: keeps ``min(kf, weight)`` and passes on what is left.

A hopeful candidate's keep factor is 1 (keeps everything); a defeated candidate's is 0 (passes
everything on). What passes the last ranked candidate is exhausted; what the truncations lose is
the residual.

Ballot rows that share their first ranks share that part of the work: rows are stored as a
prefix tree, so a pass costs one step per tree node, not per ballot. A row that ranks several
candidates equal splits its weight equally between the continuing ones at that rank (Droop's
rule for equal rankings) and is walked on its own. A rank of such a row whose candidates have
all left the count is passed over, or, with ``stop_at_gap`` (Droop 0.14), ends the row: its
weight is exhausted there. (Rows without equal ranks always pass over defeated candidates.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from shortlist.methods.ballots import SKIP, Profile
from shortlist.methods.stv_arithmetic import Raw, Reckoner

#: keep, passed on = split(keep factor, weight)
Split = Callable[[Raw, Raw], tuple[Raw, Raw]]


def meek_split(reckoner: Reckoner, *, keep_up: bool = False) -> Split:
    """Meek's split; ``keep_up``: the kept value is rounded up and the rest passed on (PRF)."""
    one = reckoner.one

    def split(kf: Raw, weight: Raw) -> tuple[Raw, Raw]:
        return reckoner.mul(weight, kf), reckoner.mul(weight, one - kf)

    def split_up(kf: Raw, weight: Raw) -> tuple[Raw, Raw]:
        keep = reckoner.mul(weight, kf, up=True)
        return keep, weight - keep

    return split_up if keep_up else split


def warren_split(reckoner: Reckoner) -> Split:
    def split(kf: Raw, weight: Raw) -> tuple[Raw, Raw]:
        keep = kf if reckoner.lt(kf, weight) else weight
        return keep, weight - keep

    return split


class KeepBallots:
    """The ballots of a profile, arranged for repeated keep-factor passes."""

    def __init__(self, profile: Profile, *, stop_at_gap: bool = False) -> None:
        self.stop_at_gap = stop_at_gap
        self.parent: list[int] = []
        self.candidate: list[int] = []
        self.through: list[int] = []  # ballots passing each tree node
        self.ending: list[int] = []  # ballots whose last rank is this node
        self.equal_rows: list[tuple[tuple[tuple[int, ...], ...], int]] = []
        self.valid = 0
        index: dict[tuple[int, int], int] = {}
        gone = profile.withdrawn
        for row, count in zip(profile.ranks.tolist(), profile.weights.tolist(), strict=True):
            ranks = _clean(row, profile, gone)
            if not ranks or not count:
                continue
            self.valid += count
            if any(len(r) > 1 for r in ranks):
                self.equal_rows.append((ranks, count))
            else:
                self._add(index, [r[0] for r in ranks], count)

    def _add(self, index: dict[tuple[int, int], int], ranks: list[int], count: int) -> None:
        node = -1
        for c in ranks:
            key = (node, c)
            child = index.get(key)
            if child is None:
                child = len(self.parent)
                index[key] = child
                self.parent.append(node)
                self.candidate.append(c)
                self.through.append(0)
                self.ending.append(0)
            self.through[child] += count
            node = child
        self.ending[node] += count

    def distribute(
        self, keep: Mapping[int, Raw], split: Split, reckoner: Reckoner
    ) -> tuple[dict[int, Raw], Raw]:
        """Votes kept by each continuing candidate (those in ``keep``), and the value exhausted."""
        zero = reckoner.zero
        votes = dict.fromkeys(keep, zero)
        left: list[Raw] = []
        exhausted = zero
        one = reckoner.one
        for node, c in enumerate(self.candidate):
            p = self.parent[node]
            weight = one if p < 0 else left[p]
            kf = keep.get(c)
            if kf and weight:
                kept, weight = split(kf, weight)
                votes[c] += kept * self.through[node]
            left.append(weight)
            if self.ending[node]:
                exhausted += weight * self.ending[node]
        for ranks, count in self.equal_rows:
            exhausted += _walk(ranks, 0, one, count, keep, split, reckoner, votes, self.stop_at_gap)
        return votes, exhausted


def _walk(
    ranks: Sequence[tuple[int, ...]],
    i: int,
    weight: Raw,
    count: int,
    keep: Mapping[int, Raw],
    split: Split,
    reckoner: Reckoner,
    votes: dict[int, Raw],
    stop_at_gap: bool,
) -> Raw:
    """Distribute one equal-ranking row from rank ``i``; returns the value exhausted."""
    while i < len(ranks) and not any(c in keep for c in ranks[i]):
        if stop_at_gap:
            return weight * count
        i += 1
    if i >= len(ranks) or not weight:
        return weight * count
    live = [c for c in ranks[i] if c in keep]
    share = reckoner.div_whole(weight, len(live))
    exhausted = reckoner.zero
    for c in live:
        kept, rest = split(keep[c], share)
        votes[c] += kept * count
        exhausted += _walk(ranks, i + 1, rest, count, keep, split, reckoner, votes, stop_at_gap)
    return exhausted


def _clean(row: list[int], profile: Profile, gone: frozenset[int]) -> tuple[tuple[int, ...], ...]:
    """A row's ranks without skips and withdrawn candidates, each rank a tuple of codes."""
    out = []
    for cell in row:
        if cell == SKIP:
            continue
        marks = tuple(c for c in profile.marks(cell) if c not in gone)
        if marks:
            out.append(marks)
    return tuple(out)
