"""Plurality: the most first choices (or single choices) wins.

The final round of every Academy category but Best Picture (ACADEMY.md §3.4): each ballot
marks one entry, the most marks win, and an exact tie gives co-winners (``tie_at_cut = all``,
the default here; ``break`` settles it by the tie policy instead). ``seats = K`` elects the top K.

It counts single-choice ballots (a :class:`ScoreProfile` of kind ``choice``) or ranked ballots
(their first choice among the continuing candidates). A ranked ballot whose first rank marks
several candidates is, by ``overvote``, not counted (``void``) or shared equally between them
(``split``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.positional import places
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round
from shortlist.methods.rules import switch
from shortlist.methods.scored import ScoreProfile, TopRules, check_seats, choose_top, rules_dict


@dataclass(frozen=True)
class PluralityRules(TopRules):
    tie_at_cut: str = switch(
        "all",
        "Candidates tied for the last seat: elect them all as co-winners (the Academy's rule), "
        "or break the tie by the tie policy.",
        ("all", "break"),
    )
    overvote: str = switch(
        "void",
        "A ranked ballot marking several first choices: not counted, or split between them.",
        ("void", "split"),
    )


def first_choices(profile: Profile, overvote: str) -> tuple[dict[int, Fraction], Fraction]:
    """Each continuing candidate's first choices, and the ballots not counted."""
    pl = places(profile)
    valid = pl.valid()
    first = (pl.above == 0) & valid[:, None]
    size = first.sum(axis=1)
    if overvote == "void":
        first &= (size == 1)[:, None]
        counts = pl.weights @ first.astype(np.int64)
        uncounted = int(pl.weights[(size != 1) | ~valid].sum())
        return {c: Fraction(int(counts[i])) for i, c in enumerate(pl.codes)}, Fraction(uncounted)
    lcm = math.lcm(*range(1, pl.m + 1))
    share = pl.weights * (lcm // np.maximum(size, 1))
    counts = share @ first.astype(np.int64)
    tally = {c: Fraction(int(counts[i]), lcm) for i, c in enumerate(pl.codes)}
    return tally, Fraction(int(pl.weights[~valid].sum()))


def single_choices(profile: ScoreProfile) -> tuple[dict[int, Fraction], Fraction]:
    """Marks per candidate on single-choice ballots, and the blank ballots."""
    marked = profile.scored() & (profile.scores > 0)
    many = marked.sum(axis=1)
    if profile.kind != "choice" and bool((many > 1).any()):
        raise CountError(
            "plurality counts one choice per ballot; these ballots approve several "
            "candidates (count them with the approval method)"
        )
    counts = profile.weights @ marked.astype(np.int64)
    blank = int(profile.weights[many == 0].sum())
    return {c: Fraction(int(counts[c])) for c in range(profile.n_candidates)}, Fraction(blank)


@register("plurality", PluralityRules, "Plurality: most first (or single) choices; ties co-win.")
def count_plurality(profile: Profile | ScoreProfile, rules: PluralityRules) -> Result:
    if isinstance(profile, ScoreProfile):
        tally, uncounted = single_choices(profile)
    else:
        tally, uncounted = first_choices(profile, rules.overvote)
    names = profile.candidates
    check_seats(len(tally), rules.seats)
    chosen = choose_top(tally, rules.seats, rules, names, tie_at_cut=rules.tie_at_cut)
    rnd = Round(
        number=1,
        tally={names[c]: v for c, v in tally.items()},
        elected=tuple(names[c] for c in chosen.winners),
        exhausted=uncounted,
        tiebreaks=chosen.tiebreaks,
    )
    return Result(
        method="plurality",
        rules=rules_dict(rules),
        candidates=names,
        winners=tuple(names[c] for c in chosen.winners),
        rounds=(rnd,),
        tied_winners=tuple(names[c] for c in chosen.tied),
    )
