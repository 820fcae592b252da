"""Score, approval and single-choice ballots, and choosing the top K from any candidate score.

A :class:`ScoreProfile` holds every distinct score ballot once, with its weight. ``scores`` is an
``int32`` array of shape ``(n_ballots, n_candidates)``; a cell is the score the voter gave, or
:data:`UNSCORED` when the voter did not score (did not see) the candidate, which is not the same
as the lowest score. ``scale`` is the declared ``(lowest, highest)`` score. ``kind`` says what the
ballots are:

* ``"score"``: scores on the scale (the Academy's preliminary rounds score 6 to 10);
* ``"approval"``: scale ``(0, 1)``, 1 for approved; an unmarked candidate is ``UNSCORED``;
* ``"choice"``: one mark per ballot (scale ``(0, 1)``), the single choice of a final round.

``group`` gives each row's electorate (0: the general vote; 1: a committee), for methods that
count a committee apart (``committee-additions``). Ranked ballots are :class:`ballots.Profile`.

The second half of this module is the step every method here ends with: from a score per
candidate (a tally, a Borda count, a Copeland score...) elect the top K, with the tie at the cut
either broken by the rules' tie policy or left as co-winners, and say which.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError, RulesError
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Tiebreak
from shortlist.methods.rules import Rules, switch
from shortlist.methods.tiebreak import TieBreaker

UNSCORED = -(2**31)
"""Cell value: the voter gave this candidate no score (not seen, not marked)."""

KINDS = ("score", "approval", "choice")

ScoreArray = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class ScoreProfile:
    """Distinct score ballots with weights; candidates as integer codes (columns)."""

    candidates: tuple[str, ...]
    scores: ScoreArray
    weights: npt.NDArray[np.int64]
    scale: tuple[int, int] = (0, 1)
    kind: str = "score"
    group: npt.NDArray[np.int8] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if self.scores.ndim != 2 or self.scores.shape[1] != len(self.candidates):
            raise ValueError("scores must be a 2-D array with one column per candidate")
        if self.weights.shape != (self.scores.shape[0],):
            raise ValueError("weights must have one entry per ballot row")
        lo, hi = self.scale
        if lo > hi or lo <= UNSCORED:
            raise ValueError(f"bad scale {self.scale}")
        object.__setattr__(self, "scores", np.asarray(self.scores, dtype=np.int32))
        object.__setattr__(self, "weights", np.asarray(self.weights, dtype=np.int64))
        group = self.group
        if group is None:
            group = np.zeros(self.scores.shape[0], dtype=np.int8)
        object.__setattr__(self, "group", np.asarray(group, dtype=np.int8))
        self.scores.setflags(write=False)
        self.weights.setflags(write=False)
        self.groups.setflags(write=False)
        self.check()

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_rows(self) -> int:
        return int(self.scores.shape[0])

    @property
    def total_weight(self) -> int:
        return int(self.weights.sum())

    @property
    def groups(self) -> npt.NDArray[np.int8]:
        assert self.group is not None
        return self.group

    def scored(self) -> npt.NDArray[np.bool_]:
        """Which cells hold a score."""
        out: npt.NDArray[np.bool_] = self.scores != UNSCORED
        return out

    def check(self) -> None:
        """:class:`CountError` if a score is off the scale or a single-choice ballot has two."""
        lo, hi = self.scale
        marked = self.scored()
        off = marked & ((self.scores < lo) | (self.scores > hi))
        if off.any():
            row, col = (int(x) for x in np.argwhere(off)[0])
            raise CountError(
                f"ballot row {row + 1} gives {self.candidates[col]!r} the score "
                f"{int(self.scores[row, col])}, outside the scale {lo} to {hi}"
            )
        if self.kind == "choice":
            many = (marked & (self.scores > 0)).sum(axis=1) > 1
            if many.any():
                row = int(np.flatnonzero(many)[0])
                raise CountError(f"ballot row {row + 1} marks more than one single choice")

    @classmethod
    def from_scores(
        cls,
        ballots: Iterable[Mapping[str, int]],
        *,
        candidates: Sequence[str],
        scale: tuple[int, int] = (0, 1),
        kind: str = "score",
        weights: Iterable[int] | None = None,
        group: Iterable[int] | None = None,
    ) -> ScoreProfile:
        """A profile from Python mappings of name to score (for small inputs and tests)."""
        rows = list(ballots)
        index = {n: i for i, n in enumerate(candidates)}
        arr = np.full((len(rows), len(candidates)), UNSCORED, dtype=np.int32)
        for i, row in enumerate(rows):
            for name, value in row.items():
                if name not in index:
                    raise CountError(f"unknown candidate {name!r}")
                arr[i, index[name]] = value
        wts = np.ones(len(rows), np.int64) if weights is None else np.fromiter(weights, np.int64)
        grp = None if group is None else np.fromiter(group, np.int8)
        return cls(tuple(candidates), arr, wts, scale, kind, grp).grouped()

    @classmethod
    def from_approvals(
        cls,
        ballots: Iterable[Iterable[str]],
        *,
        candidates: Sequence[str],
        weights: Iterable[int] | None = None,
    ) -> ScoreProfile:
        """An approval profile from the sets of approved names."""
        rows = [dict.fromkeys(b, 1) for b in ballots]
        return cls.from_scores(
            rows, candidates=candidates, scale=(0, 1), kind="approval", weights=weights
        )

    def grouped(self) -> ScoreProfile:
        """The same profile with identical rows (and groups) merged, zero weights dropped."""
        keep = self.weights > 0
        if not keep.any():
            return self
        lo, hi = self.scale
        # each row as one integer key: a digit per cell (0 unscored, 1 + score - lo), then the
        # group; column by column, so no big temporaries. Else numpy's row-wise unique.
        scores, groups, weights = self.scores[keep], self.groups[keep], self.weights[keep]
        base = max(hi - lo + 2, 2)
        if base ** (self.n_candidates + 1) < 2**62:
            keys = np.zeros(scores.shape[0], dtype=np.int64)
            for j in range(self.n_candidates):
                col = scores[:, j]
                keys *= base
                keys += np.where(col == UNSCORED, 0, col - (lo - 1))
            keys *= base
            keys += groups
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        else:
            rows = np.column_stack([scores, groups.astype(np.int32)])
            _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        summed = _sum_by_row(inverse.reshape(-1), weights, first.shape[0])
        return ScoreProfile(
            self.candidates, scores[first], summed, self.scale, self.kind, groups[first]
        )

    def select(self, rows: npt.NDArray[np.bool_]) -> ScoreProfile:
        """The profile of the given rows only."""
        return ScoreProfile(
            self.candidates,
            self.scores[rows],
            self.weights[rows],
            self.scale,
            self.kind,
            self.groups[rows],
        )


def _sum_by_row(
    rows: npt.NDArray[np.intp], weights: npt.NDArray[np.int64], size: int
) -> npt.NDArray[np.int64]:
    """Exact sums of integer weights by row index (bincount while the total is exact)."""
    if int(weights.sum()) < 2**53 and int(weights.min(initial=0)) >= 0:
        return np.rint(np.bincount(rows, weights=weights, minlength=size)).astype(np.int64)
    exact = np.zeros(size, dtype=np.int64)
    np.add.at(exact, rows, weights)
    return exact


def as_scores(profile: object, method: str) -> ScoreProfile:
    """``profile`` if it holds score ballots; a :class:`CountError` naming the method if not."""
    if isinstance(profile, ScoreProfile):
        if profile.total_weight == 0:
            raise CountError("the election has no ballots")
        return profile
    raise CountError(
        f"method {method!r} counts score or approval ballots, not ranked ballots; "
        "read the file as scores (a CSV with a header naming candidates, or PrefLib .cat)"
    )


def as_ranked(profile: object, method: str) -> Profile:
    """``profile`` if it holds ranked ballots; a :class:`CountError` naming the method if not."""
    if isinstance(profile, Profile):
        return profile
    raise CountError(
        f"method {method!r} counts ranked ballots, not {getattr(profile, 'kind', 'score')} "
        "ballots; give it a ranked file (BLT, PrefLib .soc/.soi/.toc/.toi, ranked CSV)"
    )


# -- choosing the top K ---------------------------------------------------------------------


@dataclass(frozen=True)
class TopRules(Rules):
    """Switches of every method that ranks the candidates by a score and elects the top K."""

    tie_at_cut: str = switch(
        "break",
        "Candidates tied for the last seat: break the tie by the tie policy, or elect them all "
        "as co-winners.",
        ("break", "all"),
    )


@dataclass(frozen=True)
class Chosen:
    """The winners of a top-K choice, the tie at the cut (if any) and how it was settled."""

    winners: tuple[int, ...]
    tied: tuple[int, ...]
    tiebreaks: tuple[Tiebreak, ...]


def choose_top(
    score: Mapping[int, Fraction],
    seats: int,
    rules: Rules,
    names: Sequence[str],
    *,
    lowest_best: bool = False,
    tie_at_cut: str = "break",
    history: Sequence[Mapping[int, Fraction]] = (),
) -> Chosen:
    """Elect the ``seats`` best candidates by ``score``; settle a tie at the cut.

    ``tied`` holds every candidate tied at the cut when the cut splits a tie (for one seat: all
    co-winners). With ``tie_at_cut="all"`` they are all elected and the :class:`Tiebreak` says
    the tie was not broken; otherwise the rules' tie policy picks, one seat at a time.
    """
    sign = -1 if lowest_best else 1
    order = sorted(score, key=lambda c: (-sign * score[c], c))
    if len(order) <= seats:
        return Chosen(tuple(order), (), ())
    cut_value = score[order[seats - 1]]
    above = [c for c in order if sign * score[c] > sign * cut_value]
    tied = [c for c in order if score[c] == cut_value]
    if len(above) + len(tied) <= seats:
        return Chosen(tuple(above + tied), (), ())
    open_seats = seats - len(above)
    if tie_at_cut == "all":
        tb = Tiebreak(
            purpose="elect",
            tied=tuple(names[c] for c in sorted(tied)),
            chosen=tuple(names[c] for c in sorted(tied)),
            rule="none",
            detail=f"not broken: {len(tied)} co-winners for {open_seats} seat(s)",
        )
        return Chosen(tuple(above + sorted(tied)), tuple(sorted(tied)), (tb,))
    breaker = TieBreaker(rules.tie_policy(), names)
    pool, picked, breaks = list(tied), list[int](), list[Tiebreak]()
    past = [{c: sign * v for c, v in h.items()} for h in history]
    while len(picked) < open_seats:
        best, tb = breaker.pick_highest(pool, past, "elect")
        picked.append(best)
        breaks.append(tb)
        pool.remove(best)
    return Chosen(tuple(above + picked), tuple(sorted(tied)), tuple(breaks))


def check_seats(n_candidates: int, seats: int) -> None:
    if n_candidates == 0:
        raise CountError("the election has no candidates")
    if seats > n_candidates:
        raise RulesError(f"switch seats: {seats} seats but only {n_candidates} candidates")


def fraction_tally(names: Sequence[str], score: Mapping[int, Fraction]) -> dict[str, Fraction]:
    """A round tally keyed by name, in candidate order."""
    return {names[c]: score[c] for c in sorted(score)}


def rules_dict(rules: Rules, **extra: Any) -> dict[str, Any]:
    out = rules.as_dict()
    out.update(extra)
    return out
