"""Instant-runoff voting (IRV): the single-winner ranked count.

Each round counts every ballot for its top continuing choice. A candidate with more than half
of the continuing ballots (``majority_base = continuing``; ``all``: of all valid ballots) wins.
Otherwise the candidate with the fewest votes is eliminated (ties by the tie policy) and each of
its ballots moves to its next continuing choice; a ballot with none left is exhausted. With
``batch_elimination`` every candidate whose combined votes cannot catch the next one up is
eliminated at once (RCTab's batch elimination; it never changes the winner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from shortlist.errors import CountError
from shortlist.methods.ballots import SKIP, Profile
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
    lowest_ties: str = switch(
        "break",
        "Candidates tied for the fewest votes: break the tie by the tie policy and eliminate one, "
        "or eliminate them all at once (if every continuing candidate is tied, all are "
        "co-winners; pref_voting's Instant Runoff), or follow every way of breaking each tie "
        "(parallel-universes: the winners are those who win in some; the rounds show one).",
        ("break", "eliminate-all", "parallel-universes"),
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
    ties = TieBreaker(rules.tie_policy(), profile.candidates)
    continuing = start(profile)
    _, rounds = irv_pass(profile, rules, continuing, ties)
    elected = rounds[-1].elected
    notes: tuple[str, ...] = ()
    if rules.lowest_ties == "parallel-universes":
        elected = _universe_winners(profile, rules, continuing)
        notes = ("parallel universes: the rounds show one; the winners win in some",)
    return Result(
        method="irv",
        rules=rules.as_dict(),
        candidates=profile.candidates,
        winners=elected,
        rounds=tuple(rounds),
        tied_winners=elected if len(elected) > 1 else (),
        notes=notes,
    )


def _universe_winners(profile: Profile, rules: IRVRules, continuing: np.ndarray) -> tuple[str, ...]:
    from shortlist.methods.universes import Tops, irv_step, put_winners

    tops = Tops(profile)
    base = None if rules.majority_base == "continuing" else profile.total_weight
    standing = frozenset(int(c) for c in np.flatnonzero(continuing))
    won = put_winners(standing, irv_step(tops, base))
    return tuple(profile.candidates[c] for c in sorted(won))


#: Given the continuing candidates and their tallies: the threshold in force, and the candidates
#: elected if the count stops in this round (``None`` to eliminate and go on).
Decision = Callable[[list[int], dict[int, Fraction]], tuple[Fraction | None, list[int] | None]]


def irv_pass(
    profile: Profile,
    rules: IRVRules,
    continuing: np.ndarray,
    ties: TieBreaker,
    *,
    first_round: int = 1,
    note: str = "",
) -> tuple[int | None, list[Round]]:
    """One instant-runoff count among the ``continuing`` candidates: the winner and the rounds."""
    total_valid = Fraction(profile.total_weight - blank_weight(profile))

    def decide(live: list[int], tally: dict[int, Fraction]) -> tuple[Fraction, list[int] | None]:
        base = sum(tally.values(), ZERO) if rules.majority_base == "continuing" else total_valid
        threshold = base / 2
        leader = max(live, key=lambda c: tally[c]) if live else None
        majority = leader is not None and tally[leader] > threshold
        if (
            rules.lowest_ties == "eliminate-all"
            and not majority
            and len(live) > 1
            and len(set(tally.values())) == 1
        ):
            return threshold, live  # every continuing candidate tied: co-winners
        if len(live) <= 1 or (majority and (not rules.continue_until_two or len(live) <= 2)):
            return threshold, [leader] if leader is not None and (
                majority or len(live) == 1
            ) else []
        return threshold, None

    rounds = elimination_count(profile, rules, continuing, ties, decide, first_round, note)
    elected = rounds[-1].elected
    return (profile.candidates.index(elected[0]) if elected else None), rounds


def elimination_count(
    profile: Profile,
    rules: IRVRules,
    continuing: np.ndarray,
    ties: TieBreaker,
    decide: Decision,
    first_round: int = 1,
    note: str = "",
) -> list[Round]:
    """Eliminate the last and transfer, round after round, until ``decide`` elects."""
    piles = Piles(profile, continuing, overvote=rules.overvote, max_skips=rules.max_skips)
    names = profile.candidates
    blank = blank_weight(profile)
    history: list[dict[int, Fraction]] = []
    rounds: list[Round] = []
    # the piles once; then each round moves only the losers' rows, and what they carried
    # (the transfers) is added to the piles they went to
    counts = piles.tally()
    exhausted = piles.exhausted_weight()
    while True:
        live = np.flatnonzero(piles.continuing).tolist()
        tally = {c: Fraction(int(counts[c])) for c in live}
        threshold, elected = decide(live, tally)
        common: dict[str, Any] = {
            "number": first_round + len(rounds),
            "tally": {names[c]: v for c, v in tally.items()},
            "threshold": threshold,
            "exhausted": Fraction(exhausted - blank),
            "note": note,
        }
        if elected is not None:
            rounds.append(Round(elected=tuple(names[c] for c in elected), **common))
            return rounds
        losers, breaks = _choose_losers(
            live,
            tally,
            history,
            ties,
            rules.batch_elimination,
            eliminate_all_tied=rules.lowest_ties == "eliminate-all",
        )
        moved, came_from = piles.remove(losers)
        history.append(tally)
        transfers = elimination_transfers(piles, moved, came_from, losers)
        counts = counts.copy()
        counts[losers] = 0
        got = np.zeros(len(names) + 1, dtype=np.int64)
        np.add.at(got, piles.top[moved] + 1, piles.weights[moved])
        counts += got[1:]
        exhausted += int(got[0])
        rounds.append(
            Round(
                eliminated=tuple(names[c] for c in losers),
                transfers=transfers,
                tiebreaks=breaks,
                **common,
            )
        )


def blank_weight(profile: Profile) -> int:
    """Weight of ballots with no mark at all (they are not valid votes)."""
    first_blank = np.flatnonzero(profile.ranks[:, 0] == SKIP)
    blank = first_blank[(profile.ranks[first_blank] == SKIP).all(axis=1)]
    return int(profile.weights[blank].sum())


def _choose_losers(
    live: list[int],
    tally: dict[int, Fraction],
    history: list[dict[int, Fraction]],
    ties: TieBreaker,
    batch: bool,
    *,
    eliminate_all_tied: bool = False,
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
    if eliminate_all_tied:
        names = ties.names
        together = tuple(names[c] for c in tied)
        return tied, (Tiebreak("eliminate", together, together, "eliminate-all"),)
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
