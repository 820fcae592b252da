"""Methods read off the pairwise count and first places, beside the Condorcet family.

* ``superior`` (Superior Voting, W. H. Holliday): a candidate earns a ballot's point when it is
  ranked first on it, or when it beats (one to one, by margin) the candidate ranked first there.
  The most points win. It elects a Condorcet winner whenever one exists.
* ``pareto``: every candidate that no other is ranked above by every voter (the Pareto set).
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
    PairwiseRules,
    _finish,
    pairwise_count,
    rank_positions,
)
from shortlist.methods.registry import register
from shortlist.methods.result import Result
from shortlist.methods.scored import as_ranked


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
