"""Multi-seat counts built from instant runoff, as RCTab's Minneapolis Park Board variants.

* ``bottoms-up``: eliminate the last candidate, transfer, and repeat until only as many
  candidates continue as there are seats; they are all elected (no quota, no surpluses). With
  ``percentage_threshold`` (RCTab's "bottoms-up using percentage threshold") the count stops as
  soon as every continuing candidate holds at least that share of the continuing votes, and all
  of them are elected.
* ``multi-pass-irv`` (sequential IRV): an instant-runoff count elects one winner; the count is
  run again from the start without the winners so far, until every seat is filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shortlist.methods.ballots import Profile
from shortlist.methods.irv import IRVRules, elimination_count, irv_pass, start
from shortlist.methods.numbers import ZERO
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round
from shortlist.methods.rules import switch
from shortlist.methods.tiebreak import TieBreaker


@dataclass(frozen=True)
class SequentialRules(IRVRules):
    """Switches of the multi-seat IRV variants (those of IRV, for any number of seats)."""

    single_winner = False

    def problems(self) -> list[str]:
        out = super().problems()
        if self.lowest_ties != "break":
            out.append("switch lowest_ties: only 'break' applies to the multi-seat variants")
        return out


@dataclass(frozen=True)
class BottomsUpRules(SequentialRules):
    """Switches of the bottoms-up count."""

    percentage_threshold: Fraction | None = switch(
        None,
        "Stop when every continuing candidate has at least this share of the continuing votes "
        "(a fraction, e.g. 0.15); none: stop when continuing candidates equal the seats.",
    )

    def problems(self) -> list[str]:
        out = super().problems()
        pct = self.percentage_threshold
        if pct is not None and not 0 < pct <= 1:
            out.append("switch percentage_threshold: must be above 0 and at most 1")
        return out


@register(
    "bottoms-up",
    BottomsUpRules,
    "Eliminate the last until the continuing candidates fit the seats (or all pass a share).",
)
def count_bottoms_up(profile: Profile, rules: BottomsUpRules) -> Result:
    continuing = start(profile)
    names = profile.candidates
    pct = rules.percentage_threshold

    def decide(
        live: list[int], tally: dict[int, Fraction]
    ) -> tuple[Fraction | None, list[int] | None]:
        active = sum(tally.values(), ZERO)
        threshold = active * pct if pct is not None else None
        if pct is None:
            done = len(live) <= rules.seats
        else:
            done = all(tally[c] >= active * pct for c in live)
        return threshold, sorted(live, key=lambda c: (-tally[c], c)) if done else None

    ties = TieBreaker(rules.tie_policy(), names)
    rounds = elimination_count(profile, rules, continuing, ties, decide)
    return Result(
        method="bottoms-up",
        rules=rules.as_dict(),
        candidates=names,
        winners=rounds[-1].elected,
        rounds=tuple(rounds),
    )


@register(
    "multi-pass-irv",
    SequentialRules,
    "Sequential IRV: elect one by instant runoff, remove the winners, count again.",
)
def count_multi_pass_irv(profile: Profile, rules: SequentialRules) -> Result:
    continuing = start(profile)
    names = profile.candidates
    ties = TieBreaker(rules.tie_policy(), names)
    winners: list[int] = []
    rounds: list[Round] = []
    for seat in range(1, rules.seats + 1):
        winner, passed = irv_pass(
            profile,
            rules,
            continuing,
            ties,
            first_round=len(rounds) + 1,
            note=f"pass {seat}",
        )
        rounds.extend(passed)
        if winner is None:
            break
        winners.append(winner)
        continuing = continuing.copy()
        continuing[winner] = False
    return Result(
        method="multi-pass-irv",
        rules=rules.as_dict(),
        candidates=names,
        winners=tuple(names[c] for c in winners),
        rounds=tuple(rounds),
    )
