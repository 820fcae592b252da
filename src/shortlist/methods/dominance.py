"""Methods read off the pairwise count and first places, beside the Condorcet family.

* ``superior`` (Superior Voting, W. H. Holliday): a candidate earns a ballot's point when it is
  ranked first on it, or when it beats (one to one, by margin) the candidate ranked first there.
  The most points win. It elects a Condorcet winner whenever one exists.
* ``pareto``: every candidate that no other is ranked above by every voter (the Pareto set).
* ``bracket``: the four with the most first places are seeded into a bracket of one-to-one
  matches (Edward B. Foley's bracket voting).
* ``plurality-runoff``: the two with the most first places meet one to one (by margin).
* ``condorcet-loser-removal``: while some candidate loses to every other one to one (a
  Condorcet loser), remove it and count again among the rest; those left are the winners.

First places count the candidates at each ballot's first marked rank among the continuing ones
(several marked there each get the ballot). Ties at the cut follow ``tie_at_cut``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import Profile
from shortlist.methods.condorcet import (
    Pairwise,
    PairwiseRules,
    _finish,
    pairwise_count,
    rank_positions,
)
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak
from shortlist.methods.rules import switch
from shortlist.methods.scored import as_ranked
from shortlist.methods.tiebreak import TieBreaker


@dataclass(frozen=True)
class DominanceRules(PairwiseRules):
    """Switches of the methods read off dominance (those of the Condorcet family)."""


def first_places(profile: Profile, codes: tuple[int, ...]) -> npt.NDArray[np.int64]:
    """Ballots (weight) whose first marked rank among ``codes`` holds each of ``codes``."""
    pos = rank_positions(profile)[:, list(codes)]
    width = profile.ranks.shape[1]
    best = pos.min(axis=1, keepdims=True)
    top = (pos == best) & (pos < width)
    counts: npt.NDArray[np.int64] = profile.weights @ top.astype(np.int64)
    return counts


@register(
    "superior",
    DominanceRules,
    "Superior Voting: first places, plus those of every candidate one beats one to one.",
)
def count_superior(profile: Profile, rules: DominanceRules) -> Result:
    profile = as_ranked(profile, "superior")
    pw = pairwise_count(profile, rules.unranked)
    firsts = first_places(profile, pw.codes)
    beats = pw.margin > 0
    points = firsts + beats.astype(np.int64) @ firsts
    score = {c: Fraction(int(points[i])) for i, c in enumerate(pw.codes)}
    return _finish("superior", profile, rules, pw, score)


@register("pareto", DominanceRules, "The Pareto set: every candidate no other unanimously beats.")
def count_pareto(profile: Profile, rules: DominanceRules) -> Result:
    profile = as_ranked(profile, "pareto")
    pw = pairwise_count(profile, rules.unranked)
    voters = int(profile.weights[(profile.ranks != -1).any(axis=1)].sum())
    dominated = (pw.support == voters).any(axis=0) if voters else np.zeros(len(pw.codes), bool)
    score = {c: Fraction(0 if dominated[i] else 1) for i, c in enumerate(pw.codes)}
    return _finish("pareto", profile, _all_tied(rules), pw, score, note=_note(score, profile))


@register(
    "condorcet-loser-removal",
    DominanceRules,
    "Remove Condorcet losers one by one; the candidates left win.",
)
def count_condorcet_loser_removal(profile: Profile, rules: DominanceRules) -> Result:
    profile = as_ranked(profile, "condorcet-loser-removal")
    pw = pairwise_count(profile, rules.unranked)
    left = list(range(len(pw.codes)))
    removed: list[int] = []
    while len(left) > 1:
        sub = pw.margin[np.ix_(left, left)]
        losers = [left[i] for i in range(len(left)) if (sub[i] < 0).sum() == len(left) - 1]
        if not losers:
            break
        removed.append(losers[0])
        left.remove(losers[0])
    score = {c: Fraction(0 if i in removed else 1) for i, c in enumerate(pw.codes)}
    names = profile.candidates
    note = "removed in turn: " + ", ".join(names[pw.codes[i]] for i in removed) if removed else ""
    return _finish("condorcet-loser-removal", profile, _all_tied(rules), pw, score, note=note)


def _all_tied(rules: DominanceRules) -> DominanceRules:
    """These methods elect a set: every candidate in it is a (co-)winner."""
    return DominanceRules.build({**rules.as_dict(), "seats": 1, "tie_at_cut": "all"})


def _note(score: dict[int, Fraction], profile: Profile) -> str:
    out = [profile.candidates[c] for c, v in score.items() if not v]
    return "unanimously beaten: " + ", ".join(out) if out else ""


@dataclass(frozen=True)
class RunoffRules(DominanceRules):
    """Switches of plurality with a runoff between the top two."""

    top_ties: str = switch(
        "break",
        "Ties for the top two places, or in the runoff: break them by the tie policy, or follow "
        "every way of breaking them (parallel-universes: all who win in some way win).",
        ("break", "parallel-universes"),
    )

    single_winner = True


@register(
    "plurality-runoff",
    RunoffRules,
    "Plurality with runoff: the two with the most first places meet one to one.",
)
def count_plurality_runoff(profile: Profile, rules: RunoffRules) -> Result:
    profile = as_ranked(profile, "plurality-runoff")
    pw = pairwise_count(profile, rules.unranked)
    names = profile.candidates
    firsts = {c: int(v) for c, v in zip(pw.codes, first_places(profile, pw.codes), strict=True)}
    index = {c: i for i, c in enumerate(pw.codes)}

    def runoff(a: int, b: int) -> tuple[int, ...]:
        m = int(pw.margin[index[a], index[b]])
        return (a,) if m > 0 else (b,) if m < 0 else (a, b)

    pairs: list[tuple[int, int]] = []
    breaks: tuple[Tiebreak, ...] = ()
    won: tuple[int, ...] = pw.codes
    if len(pw.codes) == 1:
        pass
    elif rules.top_ties == "parallel-universes":
        pairs = _top_pairs(firsts)
        won = tuple(sorted({w for a, b in pairs for w in runoff(a, b)}))
    else:
        ties = TieBreaker(rules.tie_policy(), names)
        top, breaks = _seeds(firsts, ties, 2, purpose="runoff place")
        pair = (top[0], top[1])
        pairs = [pair]
        won = runoff(*pair)
        if len(won) > 1:
            pick, tb = ties.pick_highest(list(won), [{c: Fraction(v) for c, v in firsts.items()}])
            won, breaks = (pick,), (*breaks, tb)
    finalists = sorted({c for pair in pairs for c in pair}) or list(won)
    first_round = Round(
        number=1,
        tally={names[c]: Fraction(v) for c, v in firsts.items()},
        eliminated=tuple(names[c] for c in pw.codes if c not in finalists),
        tiebreaks=tuple(breaks) if len(pairs) <= 1 else (),
        extra=pw.extra(names),
    )
    final = Round(
        number=2,
        tally=_runoff_tally(pw, pairs, finalists, firsts, names, index),
        elected=tuple(names[c] for c in won),
        note="runoff between " + " / ".join(f"{names[a]} v {names[b]}" for a, b in pairs),
    )
    return Result(
        method="plurality-runoff",
        rules=rules.as_dict(),
        candidates=names,
        winners=tuple(names[c] for c in won),
        rounds=(first_round, final),
        tied_winners=tuple(names[c] for c in won) if len(won) > 1 else (),
    )


def _runoff_tally(
    pw: Pairwise,
    pairs: list[tuple[int, int]],
    finalists: list[int],
    firsts: dict[int, int],
    names: tuple[str, ...],
    index: dict[int, int],
) -> dict[str, Fraction]:
    """One runoff: each finalist's voters against the other; several (ties): first places."""
    if len(pairs) == 1:
        a, b = pairs[0]
        return {
            names[a]: Fraction(int(pw.support[index[a], index[b]])),
            names[b]: Fraction(int(pw.support[index[b], index[a]])),
        }
    return {names[c]: Fraction(firsts[c]) for c in finalists}


def _top_pairs(firsts: dict[int, int]) -> list[tuple[int, int]]:
    """Every pair that can meet in the runoff when ties for the top places go every way."""
    best = max(firsts.values())
    first = [c for c, v in firsts.items() if v == best]
    if len(first) > 1:
        return [(a, b) for a in first for b in first if a < b]
    second_best = max(v for c, v in firsts.items() if c != first[0])
    return [(first[0], c) for c, v in firsts.items() if c != first[0] and v == second_best]


@register(
    "bracket",
    DominanceRules,
    "Bracket voting (E. B. Foley): the top four by first places play one-to-one matches.",
)
def count_bracket(profile: Profile, rules: DominanceRules) -> Result:
    """Seeds 1-4 by first places (ties by the tie policy); 1 v 4 and 2 v 3 (with three
    candidates seed 1 has a bye), then the final; a drawn match goes to the higher seed."""
    profile = as_ranked(profile, "bracket")
    pw = pairwise_count(profile, rules.unranked)
    names = profile.candidates
    firsts = {c: int(v) for c, v in zip(pw.codes, first_places(profile, pw.codes), strict=True)}
    index = {c: i for i, c in enumerate(pw.codes)}
    ties = TieBreaker(rules.tie_policy(), names)
    seeds, breaks = _seeds(firsts, ties, min(4, len(pw.codes)))

    def match(a: int, b: int) -> int:  # a is the higher seed
        return a if int(pw.margin[index[a], index[b]]) >= 0 else b

    if len(seeds) == 1:
        winner = seeds[0]
        note = "one candidate"
    elif len(seeds) == 2:
        winner = match(*seeds)
        note = f"final: {names[seeds[0]]} v {names[seeds[1]]}"
    else:
        top = seeds[0] if len(seeds) == 3 else match(seeds[0], seeds[3])
        bottom = match(seeds[1], seeds[2])
        winner = (
            match(top, bottom) if seeds.index(top) < seeds.index(bottom) else match(bottom, top)
        )
        note = f"semi-finals won by {names[top]} and {names[bottom]}"
    rnd = Round(
        number=1,
        tally={names[c]: Fraction(v) for c, v in firsts.items()},
        elected=(names[winner],),
        tiebreaks=breaks,
        extra=pw.extra(names),
        note="seeds: " + ", ".join(names[c] for c in seeds) + "; " + note,
    )
    return Result(
        method="bracket",
        rules=rules.as_dict(),
        candidates=names,
        winners=(names[winner],),
        rounds=(rnd,),
    )


def _seeds(
    firsts: dict[int, int], ties: TieBreaker, count: int, purpose: str = "seed"
) -> tuple[list[int], tuple[Tiebreak, ...]]:
    """The ``count`` candidates with the most first places, in order (ties by the policy)."""
    history = [{c: Fraction(v) for c, v in firsts.items()}]
    seeds: list[int] = []
    breaks: list[Tiebreak] = []
    while len(seeds) < count:
        rest = {c: v for c, v in firsts.items() if c not in seeds}
        best = max(rest.values())
        tied = [c for c, v in rest.items() if v == best]
        if len(tied) > 1:
            choice, tb = ties.pick_highest(tied, history, purpose=purpose)
            seeds.append(choice)
            breaks.append(tb)
        else:
            seeds.append(tied[0])
    return seeds, tuple(breaks)
