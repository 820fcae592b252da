"""Single transferable vote by the weighted inclusive Gregory method (``stv-wigm``).

The order of operations is that of Droop's WIGM rule (jklundell/droop ``rules/wigm.py``) and the
PR Foundation's reference WIGM, whose published counts the tests reproduce:

1. The quota is fixed once, from the valid ballots: Droop's ``votes / (seats + 1)``, which a
   candidate must exceed under exact (or guarded) arithmetic, and which is raised by the smallest
   unit and must be reached under fixed arithmetic; or a whole quota, or Hare's ``votes / seats``.
2. Each round, every hopeful candidate with a quota is elected, highest first, with their surplus
   transfer pending. Elected candidates receive no more transfers.
3. With ``defeat_batch=sure-losers``, every sure loser (see :mod:`stv_losers`) is defeated
   first and their ballots transferred; the round ends there.
4. Otherwise the largest pending surplus is transferred: every ballot on the candidate's pile
   gets the weight ``weight * surplus / vote`` (each product and quotient rounded as the
   arithmetic prescribes) and moves to its next hopeful choice; the candidate keeps a quota.
5. If no surplus is pending, the hopeful candidate with the fewest votes is defeated
   (``defeat_batch=zero``: every hopeful candidate with no votes at once) and their ballots move
   on at their current weight.
6. When the hopeful candidates are no more than the seats left, or every seat is filled, the count
   ends: a last round elects (or defeats) the rest.

Ballots are never looped over in Python: each pile is a numpy sum of ballot counts per distinct
weight (see :mod:`stv_piles`). What a surplus transfer loses to rounding is its ``residual``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.irv import start
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak, Transfer
from shortlist.methods.rules import switch
from shortlist.methods.stv_arithmetic import Raw
from shortlist.methods.stv_losers import sure_losers
from shortlist.methods.stv_piles import WeightedPiles
from shortlist.methods.stv_rules import STVRules, check_profile, highest, lowest


@dataclass(frozen=True)
class WIGMRules(STVRules):
    """Switches of the weighted inclusive Gregory method."""

    quota: str = switch(
        "droop",
        "Quota: droop (valid votes / (seats + 1)) or hare (valid votes / seats).",
        ("droop", "hare"),
    )
    whole_quota: bool = switch(
        False,
        "Use a whole-number quota that must be reached: floor(votes / (seats + 1)) + 1 for "
        "droop, the rounded-up quotient for hare.",
    )
    defeat_batch: str = switch(
        "none",
        "Batch defeats: none; zero (every hopeful candidate with no votes at once, when the "
        "lowest has none and enough candidates are left for the seats); sure-losers (before "
        "any surplus transfer, every candidate who cannot catch up; the PR Foundation's "
        "reference rule with batch defeat).",
        ("none", "zero", "sure-losers"),
    )
    overvote: str = switch(
        "exhaust",
        "A rank marking several continuing candidates: exhaust the ballot, or skip the rank.",
        ("exhaust", "skip"),
    )


@register(
    "stv-wigm",
    WIGMRules,
    "Single transferable vote, weighted inclusive Gregory method (Droop's and the PRF's WIGM).",
)
def count_wigm(profile: Profile, rules: WIGMRules) -> Result:
    return _WIGMCount(profile, rules).run()


class _WIGMCount:
    """The state of one WIGM count."""

    def __init__(self, profile: Profile, rules: WIGMRules) -> None:
        check_profile(profile, rules.seats)
        self.rules = rules
        self.names = profile.candidates
        self.reckoner = rules.reckoner()
        self.piles = WeightedPiles(profile, start(profile), self.reckoner, overvote=rules.overvote)
        self.valid = self.piles.valid_ballots()
        if self.valid == 0:
            raise CountError("there are no valid ballots to count")
        self.quota, self.must_exceed = self._quota()
        self.breaker, self.defeat_breaker = rules.tie_breakers(self.names)
        self.hopeful: list[int] = np.flatnonzero(self.piles.continuing).tolist()
        self.pending: list[int] = []
        self.elected: list[int] = []
        self.defeated: list[int] = []
        self.history: list[dict[int, Fraction]] = []
        self.rounds: list[Round] = []

    # -- the quota ----------------------------------------------------------------------------

    def _quota(self) -> tuple[Raw, bool]:
        """The quota, and whether a candidate must exceed it (rather than reach it)."""
        r, n, seats = self.reckoner, self.valid, self.rules.seats
        if self.rules.quota == "hare":
            if self.rules.whole_quota:
                return r.whole(-(-n // seats)), False
            return r.div(r.whole(n), r.whole(seats), up=True), False
        if self.rules.whole_quota:
            return r.whole(n // (seats + 1) + 1), False
        quota = r.div(r.whole(n), r.whole(seats + 1))
        if r.decides_exactly:
            return quota, True
        return quota + r.epsilon, False

    def has_quota(self, vote: Raw) -> bool:
        if self.must_exceed:
            return self.reckoner.gt(vote, self.quota)
        return self.reckoner.ge(vote, self.quota)

    # -- the count ----------------------------------------------------------------------------

    @property
    def seats_left(self) -> int:
        return self.rules.seats - len(self.elected)

    def run(self) -> Result:
        while len(self.hopeful) > self.seats_left > 0:
            if self._round():
                break
        self._last_round()
        return Result(
            method="stv-wigm",
            rules=self.rules.as_dict(),
            candidates=self.names,
            winners=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
        )

    def votes(self) -> dict[int, Raw]:
        """Every candidate's vote now: piles, and a quota for each elected candidate transferred."""
        votes = {c: self.reckoner.zero for c in self.hopeful}
        votes.update(self.piles.pile_votes())
        for c in self.elected:
            if c not in self.pending:
                votes[c] = self.quota
        return votes

    def _round(self) -> bool:
        """One round; True if a batch defeat ended the count."""
        votes = self.votes()
        begin = self._snapshot(votes)
        elected = self._elect(votes)
        transfers: tuple[Transfer, ...] = ()
        breaks: tuple[Tiebreak, ...] = ()
        losers: list[int] = []
        ended = False
        batch = self._sure_losers(votes)
        if batch:
            losers = batch
            self._defeat(losers)
            ended = len(self.hopeful) <= self.seats_left
            if not ended:
                transfers = self._move_defeated(losers)
        elif self.pending:
            transfers, breaks = self._transfer_surplus(votes)
        elif self.hopeful:
            losers, breaks = self._choose_losers(votes)
            self._defeat(losers)
            transfers = self._move_defeated(losers)
        self._record(begin, elected, losers, transfers, breaks)
        return ended

    def _elect(self, votes: dict[int, Raw]) -> list[int]:
        winners = [c for c in self.hopeful if self.has_quota(votes[c])]
        winners.sort(key=lambda c: (-self.reckoner.fraction(votes[c]), c))
        for c in winners:
            self.hopeful.remove(c)
            self.pending.append(c)
            self.elected.append(c)
            self.piles.hold(c)
        return winners

    def _sure_losers(self, votes: dict[int, Raw]) -> list[int]:
        if self.rules.defeat_batch != "sure-losers":
            return []
        surplus = self.reckoner.total(votes[c] - self.quota for c in self.pending)
        return sure_losers(self.hopeful, votes, surplus, self.seats_left, self.reckoner)

    def _choose_losers(self, votes: dict[int, Raw]) -> tuple[list[int], tuple[Tiebreak, ...]]:
        r = self.reckoner
        low = min(votes[c] for c in self.hopeful)
        if self.rules.defeat_batch == "zero" and r.eq(low, r.zero):
            zeros = [c for c in self.hopeful if r.eq(votes[c], r.zero)]
            if len(self.hopeful) - len(zeros) >= self.seats_left:
                return zeros, ()
        loser, breaks = lowest(self.hopeful, votes, r, self.defeat_breaker, self.history)
        return [loser], breaks

    def _defeat(self, losers: list[int]) -> None:
        for c in losers:
            self.hopeful.remove(c)
            self.defeated.append(c)

    def _move_defeated(self, losers: list[int]) -> tuple[Transfer, ...]:
        moved = self.piles.move_on(losers)
        return tuple(self._transfer(c, "elimination", *moved[c]) for c in losers)

    def _transfer_surplus(
        self, votes: dict[int, Raw]
    ) -> tuple[tuple[Transfer, ...], tuple[Tiebreak, ...]]:
        r = self.reckoner
        source, breaks = highest(self.pending, votes, r, self.breaker, self.history, "surplus")
        self.pending.remove(source)
        vote = votes[source]
        surplus = vote - self.quota
        self.piles.reweigh(source, lambda w: r.div(r.mul(w, surplus), vote))
        to, exhausted = self.piles.move_on([source])[source]
        residual = surplus - r.total(to.values()) - exhausted
        value = r.fraction(surplus) / r.fraction(vote)
        transfer = self._transfer(source, "surplus", to, exhausted, residual, value)
        return (transfer,), breaks

    def _transfer(
        self,
        source: int,
        kind: str,
        to: dict[int, Raw],
        exhausted: Raw,
        residual: Raw | None = None,
        value: Fraction | None = None,
    ) -> Transfer:
        f = self.reckoner.fraction
        return Transfer(
            source=self.names[source],
            kind=kind,
            to={self.names[c]: f(v) for c, v in sorted(to.items())},
            exhausted=f(exhausted),
            residual=f(residual) if residual is not None else Fraction(0),
            value=value,
        )

    # -- records ------------------------------------------------------------------------------

    def _snapshot(self, votes: dict[int, Raw]) -> tuple[dict[int, Fraction], Fraction, Fraction]:
        """The tally (by code), exhausted and residual as they stand."""
        f = self.reckoner.fraction
        tally = {c: f(v) for c, v in sorted(votes.items())}
        exhausted = f(self.piles.exhausted_votes())
        residual = Fraction(self.valid) - sum(tally.values(), Fraction(0)) - exhausted
        return tally, exhausted, residual

    def _record(
        self,
        begin: tuple[dict[int, Fraction], Fraction, Fraction],
        elected: list[int],
        losers: list[int],
        transfers: tuple[Transfer, ...],
        breaks: tuple[Tiebreak, ...],
    ) -> None:
        tally, exhausted, residual = begin
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tally={self.names[c]: v for c, v in tally.items()},
                threshold=self.reckoner.fraction(self.quota),
                elected=tuple(self.names[c] for c in elected),
                eliminated=tuple(self.names[c] for c in losers),
                transfers=transfers,
                exhausted=exhausted,
                residual=residual,
                tiebreaks=breaks,
            )
        )
        self.history.append(tally)

    def _last_round(self) -> None:
        """Elect the hopeful candidates if seats are left, or defeat them; pending stay elected."""
        votes = self.votes()
        begin = self._snapshot(votes)
        rest = sorted(self.hopeful, key=lambda c: (-self.reckoner.fraction(votes[c]), c))
        self.pending.clear()
        elected: list[int] = []
        losers: list[int] = []
        for c in rest:
            if len(self.elected) < self.rules.seats:
                self.elected.append(c)
                elected.append(c)
            else:
                losers.append(c)
        self._defeat(losers)
        for c in elected:
            self.hopeful.remove(c)
        self._record(begin, elected, losers, (), ())
