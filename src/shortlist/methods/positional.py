"""Counts by rank position: borda (and its variants), rank-sum, bucklin, coombs.

Every ballot is read as rank positions over the continuing candidates: a candidate's position
is one more than the number of candidates the ballot ranks strictly above it, so skipped ranks
do not move anyone down. Candidates marked at the same rank share the positions they span
(two tied at position 2 span positions 2 and 3). The candidates a ballot leaves unranked span
the positions after the last one it ranks.

* ``borda``: each position earns points (``points = borda``: m - 1 for first down to 0, with m
  continuing candidates; ``dowdall``: 1, 1/2, 1/3, ...), and a group sharing positions shares
  their points equally. ``truncated`` says what a ballot that ranks only k candidates gives:
  ``average`` (the unranked share the points left: the symmetric Borda count, the same
  winners as pref_voting's "Borda for truncated profiles"), ``zero`` (the unranked get
  nothing) or ``modified`` (the modified Borda count: the ranked earn k - 1 down to 0).
* ``rank-sum``: the sum of positions; the lowest wins. ``unranked`` places the unranked at the
  average of the positions after k (``average``), at position m (``last``) or k + 1 (``next``).
* ``bucklin``: round r counts, for every candidate, the ballots placing it at position r or
  better; once some candidate has a majority of the valid ballots, the highest count wins.
* ``coombs``: a candidate with a majority of the first choices wins; otherwise the candidate
  placed last by the most ballots is eliminated, and so on. A ballot's first (last) choice is
  the group it places first (last) among the continuing candidates; a group of g shares the
  ballot, 1/g each. ``last_place_ties = eliminate-all`` eliminates every candidate tied for the
  most last places at once (pref_voting's "Coombs"); ``tie-policy`` picks one by the rules.

``seats = K`` elects the top K: borda and rank-sum by their totals; bucklin and coombs by
counting again for each further seat without the candidates already elected.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.condorcet import continuing_codes, rank_positions
from shortlist.methods.numbers import ZERO
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak
from shortlist.methods.rules import switch
from shortlist.methods.scored import TopRules, as_ranked, check_seats, choose_top, rules_dict
from shortlist.methods.tiebreak import TieBreaker

BLOCK = 1 << 13
R = TypeVar("R", bound=TopRules)


@dataclass(frozen=True)
class Places:
    """Rank positions of the continuing candidates on every ballot row.

    ``above[r, i]``: candidates ranked strictly above candidate ``codes[i]`` on row ``r``;
    ``same[r, i]``: candidates sharing its rank (itself included; the unranked share one);
    ``ranked[r]``: how many continuing candidates the row ranks.
    """

    codes: tuple[int, ...]
    above: npt.NDArray[np.int32]
    same: npt.NDArray[np.int32]
    ranked: npt.NDArray[np.int32]
    weights: npt.NDArray[np.int64]

    @property
    def m(self) -> int:
        return len(self.codes)

    def valid(self) -> npt.NDArray[np.bool_]:
        """Rows that rank at least one continuing candidate."""
        out: npt.NDArray[np.bool_] = self.ranked > 0
        return out


def places(profile: Profile, codes: list[int] | None = None) -> Places:
    """The :class:`Places` of ``codes`` (default: the continuing candidates)."""
    codes = continuing_codes(profile) if codes is None else codes
    width = profile.ranks.shape[1]
    pos = rank_positions(profile)[:, codes]
    rows, m = pos.shape
    above = np.empty((rows, m), dtype=np.int32)
    same = np.empty((rows, m), dtype=np.int32)
    for start in range(0, rows, BLOCK):
        block = pos[start : start + BLOCK]
        above[start : start + BLOCK] = (block[:, None, :] < block[:, :, None]).sum(axis=2)
        same[start : start + BLOCK] = (block[:, None, :] == block[:, :, None]).sum(axis=2)
    ranked = (pos < width).sum(axis=1).astype(np.int32)
    return Places(tuple(codes), above, same, ranked, profile.weights)


def sum_by_place(pl: Places, value: Callable[[int, int, int], Fraction]) -> dict[int, Fraction]:
    """Each candidate's total of ``value(above, same, ranked)`` over the valid ballots.

    Cells are first grouped by (candidate, above, same, ranked) with numpy, so ``value`` is
    called once per distinct combination.
    """
    m1 = pl.m + 1
    valid = np.broadcast_to(pl.valid()[:, None], pl.above.shape)
    cand = np.broadcast_to(np.arange(pl.m), pl.above.shape)[valid]
    ranked = np.broadcast_to(pl.ranked[:, None], pl.above.shape)[valid]
    key = ((cand.astype(np.int64) * m1 + pl.above[valid]) * m1 + pl.same[valid]) * m1 + ranked
    weight = np.broadcast_to(pl.weights[:, None], pl.above.shape)[valid]
    uniq, inverse = np.unique(key, return_inverse=True)
    totals = np.zeros(uniq.shape[0], dtype=np.int64)
    np.add.at(totals, inverse.reshape(-1), weight)
    out = {c: ZERO for c in pl.codes}
    for k, w in zip(uniq.tolist(), totals.tolist(), strict=True):
        rest, k_ranked = divmod(k, m1)
        rest, same = divmod(rest, m1)
        i, above = divmod(rest, m1)
        out[pl.codes[i]] += w * value(above, same, k_ranked)
    return out


# -- top K by repeating a single-winner count ------------------------------------------------


def top_k_by_repeating(
    method: str, once: Callable[[Profile, R], Result], profile: Profile, rules: R
) -> Result:
    """Fill ``rules.seats`` by counting again, each time without the candidates elected so far.

    The rounds of every pass follow one another; each round's note says which seat it fills.
    ``tied_winners`` is the tie met for the last seat filled, if any.
    """
    elected: list[str] = []
    rounds: list[Round] = []
    tied: tuple[str, ...] = ()
    while len(elected) < rules.seats:
        gone = profile.withdrawn | {profile.code(n) for n in elected}
        rest = Profile(profile.candidates, profile.ranks, profile.weights, profile.multi, gone)
        result = once(rest, rules)
        seat = f"seat {len(elected) + 1}" if rules.seats > 1 else ""
        for r in result.rounds:
            note = "; ".join(x for x in (seat, r.note) if x)
            rounds.append(replace(r, number=len(rounds) + 1, note=note))
        elected += result.winners
        tied = result.tied_winners
        if not result.winners:  # pragma: no cover - every pass elects someone
            break
    return Result(
        method=method,
        rules=rules_dict(rules),
        candidates=profile.candidates,
        winners=tuple(elected),
        rounds=tuple(rounds),
        tied_winners=tied,
        notes=("each seat after the first: counted again without those elected",)
        if rules.seats > 1
        else (),
    )


# -- borda -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BordaRules(TopRules):
    points: str = switch(
        "borda",
        "Points by position: borda (m-1, ..., 0), dowdall (1, 1/2, 1/3, ...), anti-plurality "
        "(1 for every position but the last) or positive-negative (1 first, -1 last).",
        ("borda", "dowdall", "anti-plurality", "positive-negative"),
    )
    truncated: str = switch(
        "average",
        "A ballot ranking only k candidates: the unranked share the points left (average), "
        "get none (zero), or the ranked earn k-1 down to 0 (modified).",
        ("average", "zero", "modified"),
    )


@lru_cache(maxsize=4096)
def _span_points(points: str, m: int, first: int, size: int) -> Fraction:
    """Mean points of positions ``first .. first + size - 1`` with ``m`` positions."""
    span = range(first, first + size)
    return sum((_position_points(points, m, p) for p in span), ZERO) / size


def _position_points(points: str, m: int, p: int) -> Fraction:
    """Points of position ``p`` (1 = first) out of ``m`` under the ``points`` vector."""
    if points == "borda":
        return Fraction(m - p)
    if points == "dowdall":
        return Fraction(1, p)
    if points == "anti-plurality":
        return Fraction(0 if p == m else 1)
    return Fraction(1 if p == 1 else (-1 if p == m else 0))  # positive-negative


def borda_value(rules: BordaRules, m: int) -> Callable[[int, int, int], Fraction]:
    def value(above: int, same: int, ranked: int) -> Fraction:
        unranked = above == ranked and ranked < m
        if unranked and rules.truncated != "average":
            return ZERO
        size = (rules.truncated == "modified" and ranked) or m
        return _span_points(rules.points, size, above + 1, same)

    return value


@register("borda", BordaRules, "Borda count (and Dowdall): points by rank position.")
def count_borda(profile: Profile, rules: BordaRules) -> Result:
    profile = as_ranked(profile, "borda")
    pl = places(profile)
    score = sum_by_place(pl, borda_value(rules, pl.m))
    return _one_round("borda", profile, rules, score)


def _one_round(
    method: str, profile: Profile, rules: TopRules, score: dict[int, Fraction], low: bool = False
) -> Result:
    names = profile.candidates
    check_seats(len(score), rules.seats)
    chosen = choose_top(
        score, rules.seats, rules, names, lowest_best=low, tie_at_cut=rules.tie_at_cut
    )
    rnd = Round(
        number=1,
        tally={names[c]: v for c, v in score.items()},
        elected=tuple(names[c] for c in chosen.winners),
        tiebreaks=chosen.tiebreaks,
    )
    return Result(
        method=method,
        rules=rules_dict(rules),
        candidates=names,
        winners=tuple(names[c] for c in chosen.winners),
        rounds=(rnd,),
        tied_winners=tuple(names[c] for c in chosen.tied),
    )


# -- rank-sum --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankSumRules(TopRules):
    unranked: str = switch(
        "average",
        "Position of the candidates a ballot leaves unranked: the average of the positions "
        "left, the last position, or the next one after the ranked.",
        ("average", "last", "next"),
    )


@register("rank-sum", RankSumRules, "Rank sum: the lowest total of rank positions wins.")
def count_rank_sum(profile: Profile, rules: RankSumRules) -> Result:
    profile = as_ranked(profile, "rank-sum")
    pl = places(profile)
    m = pl.m

    def value(above: int, same: int, ranked: int) -> Fraction:
        if above == ranked and ranked < m and rules.unranked != "average":
            return Fraction(m if rules.unranked == "last" else ranked + 1)
        return above + Fraction(same + 1, 2)

    return _one_round("rank-sum", profile, rules, sum_by_place(pl, value), low=True)


# -- bucklin ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucklinRules(TopRules):
    majority_winners: str = switch(
        "most",
        "When several candidates pass a majority in the same round: the one with the most "
        "votes wins (Bucklin), or all of them win (Simplified Bucklin).",
        ("most", "all"),
    )
    weights: str = switch(
        "equal",
        "Weight of a choice at place j of m: equal (1: Bucklin) or borda ((m - j) / (m - 1): "
        "Weighted Bucklin, Kilgour, Grégoire and Foley).",
        ("equal", "borda"),
    )
    threshold: str = switch(
        "majority",
        "When a round decides: some candidate holds more than half of the voters (majority), "
        "or at least half (half: Weighted Bucklin's threshold).",
        ("majority", "half"),
    )


@register("bucklin", BucklinRules, "Bucklin: add later choices round by round until a majority.")
def count_bucklin(profile: Profile, rules: BucklinRules) -> Result:
    return top_k_by_repeating("bucklin", _bucklin_once, as_ranked(profile, "bucklin"), rules)


def _bucklin_once(profile: Profile, rules: TopRules) -> Result:
    pl = places(profile)
    names = profile.candidates
    valid = pl.valid()
    total = Fraction(int(pl.weights[valid].sum()))
    rounds: list[Round] = []
    placed = (pl.above < pl.ranked[:, None]) & valid[:, None]
    borda = getattr(rules, "weights", "equal") == "borda"
    half = getattr(rules, "threshold", "majority") == "half"
    tally = {c: ZERO for c in pl.codes}
    for r in range(1, pl.m + 1):
        at_r = placed & (pl.above == r - 1)
        counts = pl.weights @ at_r.astype(np.int64)
        weight = Fraction(pl.m - r, pl.m - 1) if borda and pl.m > 1 else Fraction(1)
        for i, c in enumerate(pl.codes):
            tally[c] += weight * int(counts[i])
        best = max(tally.values())
        if best > total / 2 or (half and best >= total / 2) or r == pl.m:
            chosen = choose_top(tally, 1, rules, names, tie_at_cut=rules.tie_at_cut)
            winners, tied = chosen.winners, chosen.tied
            if getattr(rules, "majority_winners", "most") == "all" and best > total / 2:
                winners = tuple(c for c in tally if tally[c] > total / 2)
                tied = winners if len(winners) > 1 else ()
            rounds.append(_bucklin_round(r, dict(tally), total, names, winners, chosen.tiebreaks))
            return Result(
                method="bucklin",
                rules=rules_dict(rules),
                candidates=names,
                winners=tuple(names[c] for c in winners),
                rounds=tuple(rounds),
                tied_winners=tuple(names[c] for c in tied),
            )
        rounds.append(_bucklin_round(r, dict(tally), total, names, (), ()))
    raise CountError("the election has no candidates")  # pragma: no cover


def _bucklin_round(
    r: int,
    tally: dict[int, Fraction],
    total: Fraction,
    names: tuple[str, ...],
    winners: tuple[int, ...],
    breaks: tuple[Tiebreak, ...],
) -> Round:
    return Round(
        number=r,
        tally={names[c]: v for c, v in tally.items()},
        threshold=total / 2,
        elected=tuple(names[c] for c in winners),
        tiebreaks=breaks,
        note=f"choices 1 to {r} counted",
    )


# -- coombs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoombsRules(TopRules):
    last_place_ties: str = switch(
        "tie-policy",
        "Candidates tied for the most last places: eliminate one by the tie policy (most last "
        "places in earlier rounds; the 'order' policy eliminates the last listed), or "
        "eliminate them all at once, or follow every way of breaking each tie "
        "(parallel-universes, one seat: the winners are those who win in some).",
        ("tie-policy", "eliminate-all", "parallel-universes"),
    )

    def problems(self) -> list[str]:
        out = super().problems()
        if self.last_place_ties == "parallel-universes" and self.seats != 1:
            out.append("switch last_place_ties: parallel-universes counts one seat")
        return out


def group_shares(
    pl: Places, lcm: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """First and last choice tallies (times ``lcm``) of the candidates in ``pl``, valid rows."""
    valid = pl.valid()
    first = (pl.above == 0) & valid[:, None]
    last = (pl.above + pl.same == pl.m) & valid[:, None]
    share_first = pl.weights * (lcm // np.maximum(first.sum(axis=1), 1))
    share_last = pl.weights * (lcm // np.maximum(last.sum(axis=1), 1))
    return share_first @ first.astype(np.int64), share_last @ last.astype(np.int64), valid


@register("coombs", CoombsRules, "Coombs: eliminate the candidate ranked last by the most.")
def count_coombs(profile: Profile, rules: CoombsRules) -> Result:
    profile = as_ranked(profile, "coombs")
    result = top_k_by_repeating("coombs", _coombs_once, profile, rules)
    if rules.last_place_ties != "parallel-universes":
        return result
    from shortlist.methods.universes import Tops, coombs_step, put_winners

    standing = frozenset(c for c in range(profile.n_candidates) if c not in profile.withdrawn)
    won = tuple(
        profile.candidates[c] for c in sorted(put_winners(standing, coombs_step(Tops(profile))))
    )
    return replace(
        result,
        winners=won,
        tied_winners=won if len(won) > 1 else (),
        notes=(*result.notes, "parallel universes: the rounds show one; the winners win in some"),
    )


def _coombs_once(profile: Profile, rules: CoombsRules) -> Result:
    names = profile.candidates
    live = continuing_codes(profile)
    ties = TieBreaker(rules.tie_policy(), names)
    lcm = math.lcm(*range(1, len(live) + 1))
    rounds: list[Round] = []
    history: list[dict[int, Fraction]] = []
    while True:
        pl = places(profile, live)
        first_i, last_i, valid = group_shares(pl, lcm)
        total = Fraction(int(pl.weights[valid].sum()))
        first = {c: Fraction(int(first_i[i]), lcm) for i, c in enumerate(live)}
        last = {c: Fraction(int(last_i[i]), lcm) for i, c in enumerate(live)}
        extra = {f"last:{names[c]}": v for c, v in last.items()}
        leader = max(live, key=lambda c: (first[c], -c))
        number = len(rounds) + 1
        if first[leader] > total / 2 or len(live) == 1 or total == 0:
            rounds.append(_coombs_round(number, first, total, names, extra, elected=[leader]))
            break
        most = max(last.values())
        out = [c for c in live if last[c] == most]
        breaks: tuple[Tiebreak, ...] = ()
        if len(out) > 1 and rules.last_place_ties != "eliminate-all":
            past = [{c: -v for c, v in h.items()} for h in history]
            loser, tb = ties.pick_lowest(out, past, "eliminate")
            out, breaks = [loser], (tb,)
        if len(out) == len(live):
            chosen = choose_top(
                dict.fromkeys(out, ZERO), 1, rules, names, tie_at_cut=rules.tie_at_cut
            )
            rounds.append(
                _coombs_round(
                    number,
                    first,
                    total,
                    names,
                    extra,
                    elected=list(chosen.winners),
                    breaks=chosen.tiebreaks,
                    note="every continuing candidate tied for last",
                )
            )
            break
        rounds.append(_coombs_round(number, first, total, names, extra, out=out, breaks=breaks))
        history.append(last)
        live = [c for c in live if c not in out]
    last_round = rounds[-1]
    tied = last_round.elected if len(last_round.elected) > 1 else ()
    if last_round.tiebreaks and last_round.elected:
        tied = last_round.tiebreaks[-1].tied
    return Result(
        method="coombs",
        rules=rules_dict(rules),
        candidates=names,
        winners=last_round.elected,
        rounds=tuple(rounds),
        tied_winners=tied,
    )


def _coombs_round(
    number: int,
    first: dict[int, Fraction],
    total: Fraction,
    names: tuple[str, ...],
    extra: dict[str, Fraction],
    *,
    elected: list[int] | None = None,
    out: list[int] | None = None,
    breaks: tuple[Tiebreak, ...] = (),
    note: str = "",
) -> Round:
    return Round(
        number=number,
        tally={names[c]: v for c, v in first.items()},
        threshold=total / 2,
        elected=tuple(names[c] for c in elected or ()),
        eliminated=tuple(names[c] for c in out or ()),
        tiebreaks=breaks,
        extra=extra,
        note=note,
    )
