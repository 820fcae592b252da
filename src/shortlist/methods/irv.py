"""Instant-runoff voting (IRV): the single-winner ranked count.

Each round counts every ballot for its top continuing choice. A candidate with more than half
of the continuing ballots (``majority_base = continuing``; ``all``: of all valid ballots) wins.
Otherwise the candidate with the fewest votes is eliminated (ties by the tie policy) and each of
its ballots moves to its next continuing choice; a ballot with none left is exhausted. With
``batch_elimination`` every candidate whose combined votes cannot catch the next one up is
eliminated at once (RCTab's batch elimination; it never changes the winner).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.numbers import ZERO
from shortlist.methods.piles import Piles
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak, Transfer
from shortlist.methods.rules import Rules, switch
from shortlist.methods.tiebreak import TieBreaker


@dataclass(frozen=True)
class IRVRules(Rules):
    """Switches of instant-runoff voting."""

    majority_base: str = switch(
        "continuing",
        "What a majority is of: continuing ballots (the usual rule) or all valid ballots.",
        ("continuing", "all"),
    )
    overvote: str = switch(
        "exhaust",
        "A rank marked for several continuing candidates: exhaust the ballot, or skip the rank.",
        ("exhaust", "skip"),
    )
    max_skips: int | None = switch(
        None, "Most consecutive skipped ranks a ballot may pass before it exhausts (none: any)."
    )
    batch_elimination: bool = switch(
        False, "Eliminate at once every candidate who cannot catch up with the next one."
    )
    continue_until_two: bool = switch(
        False, "Keep eliminating after a majority until two candidates remain."
    )

    single_winner = True


def start(profile: Profile) -> np.ndarray:
    """The continuing mask at the start of a count: every candidate not withdrawn."""
    if profile.n_candidates == 0:
        raise CountError("the election has no candidates")
    continuing = np.ones(profile.n_candidates, dtype=bool)
    for c in profile.withdrawn:
        continuing[c] = False
    if not continuing.any():
        raise CountError("every candidate has withdrawn")
    return continuing


@register("irv", IRVRules, "Instant-runoff voting: eliminate the last, transfer, until a majority.")
def count_irv(profile: Profile, rules: IRVRules) -> Result:
    continuing = start(profile)
    piles = Piles(profile, continuing, overvote=rules.overvote, max_skips=rules.max_skips)
    names = profile.candidates
    ties = TieBreaker(rules.tie_policy(), names)
    total_valid = profile.total_weight - _blank_weight(piles)
    history: list[dict[int, Fraction]] = []
    rounds: list[Round] = []
    winner: int | None = None
    while True:
        live = np.flatnonzero(piles.continuing).tolist()
        counts = piles.tally()
        tally = {c: Fraction(int(counts[c])) for c in live}
        active = sum(tally.values(), ZERO)
        base = active if rules.majority_base == "continuing" else Fraction(total_valid)
        threshold = base / 2
        leader = max(live, key=lambda c: tally[c]) if live else None
        has_majority = leader is not None and tally[leader] > threshold
        if has_majority and winner is None:
            winner = leader
        number = len(rounds) + 1
        exhausted = Fraction(piles.exhausted_weight() - _blank_weight(piles))
        if len(live) <= 1 or (winner is not None and (not rules.continue_until_two or len(live) <= 2)):
            if winner is None and live:
                winner = live[0]
            rounds.append(
                Round(
                    number=number,
                    tally={names[c]: v for c, v in tally.items()},
                    threshold=threshold,
                    elected=(names[winner],) if winner is not None else (),
                    exhausted=exhausted,
                )
            )
            break
        losers, breaks = _choose_losers(live, tally, history, ties, rules.batch_elimination)
        moved, came_from = piles.remove(losers)
        transfers = elimination_transfers(piles, moved, came_from, losers)
        history.append(tally)
        rounds.append(
            Round(
                number=number,
                tally={names[c]: v for c, v in tally.items()},
                threshold=threshold,
                eliminated=tuple(names[c] for c in losers),
                transfers=transfers,
                exhausted=exhausted,
                tiebreaks=breaks,
            )
        )
    return Result(
        method="irv",
        rules=rules.as_dict(),
        candidates=names,
        winners=(names[winner],) if winner is not None else (),
        rounds=tuple(rounds),
    )


def _blank_weight(piles: Piles) -> int:
    """Weight of ballots with no mark at all (they are not valid votes)."""
    blank = (piles.ranks == -1).all(axis=1)
    return int(piles.weights[blank].sum())


def _choose_losers(
    live: list[int],
    tally: dict[int, Fraction],
    history: list[dict[int, Fraction]],
    ties: TieBreaker,
    batch: bool,
) -> tuple[list[int], tuple[Tiebreak, ...]]:
    """The candidate(s) to eliminate this round, and any tie broken to find them."""
    if batch:
        order = sorted(live, key=lambda c: tally[c])
        running = ZERO
        cut = 0
        for i in range(len(order) - 1):
            running += tally[order[i]]
            if running < tally[order[i + 1]]:
                cut = i + 1
        if cut >= 2:
            return order[:cut], ()
    low = min(tally[c] for c in live)
    tied = [c for c in live if tally[c] == low]
    if len(tied) == 1:
        return tied, ()
    loser, tb = ties.pick_lowest(tied, history)
    return [loser], (tb,)


def elimination_transfers(
    piles: Piles, moved: np.ndarray, came_from: np.ndarray, losers: list[int]
) -> tuple[Transfer, ...]:
    """What moved where when ``losers`` left the count: one transfer per eliminated candidate."""
    names = piles.profile.candidates
    out = []
    for loser in losers:
        rows = moved[came_from == loser]
        got = np.zeros(len(names) + 1, dtype=np.int64)
        np.add.at(got, piles.top[rows] + 1, piles.weights[rows])
        to = {names[c]: Fraction(int(got[c + 1])) for c in np.flatnonzero(got[1:]).tolist()}
        out.append(
            Transfer(
                source=names[loser], kind="elimination", to=to, exhausted=Fraction(int(got[0]))
            )
        )
    return tuple(out)
