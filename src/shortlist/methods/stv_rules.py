"""Switches and helpers shared by the STV counts: ``stv-wigm``, ``stv-meek``, ``stv-warren``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Tiebreak
from shortlist.methods.rules import Rules, switch
from shortlist.methods.stv_arithmetic import Raw, Reckoner
from shortlist.methods.tiebreak import TieBreaker, TiePolicy


@dataclass(frozen=True)
class STVRules(Rules):
    """Switches every STV count has."""

    arithmetic: str = switch(
        "exact",
        "Vote arithmetic: exact (fractions), fixed(p) (products and quotients truncated to p "
        "places) or guarded(p,g) (p+g places; values within half a unit of the p-th place "
        "are equal).",
    )

    tie_order_style: str = switch(
        "favoured-first",
        "How tie_order decides: favoured-first (the first listed is kept in a defeat and its "
        "surplus goes first) or droop (the first listed is picked in every tie: defeated "
        "first, its surplus first, as Droop reads a BLT [tie] line).",
        ("favoured-first", "droop"),
    )

    def problems(self) -> list[str]:
        out = super().problems()
        try:
            Reckoner.parse(self.arithmetic)
        except ValueError as exc:
            out.append(f"switch arithmetic: {exc}")
        return out

    def reckoner(self) -> Reckoner:
        return Reckoner.parse(self.arithmetic)

    def tie_breakers(self, names: Sequence[str]) -> tuple[TieBreaker, TieBreaker]:
        """Tie breakers for choosing a surplus (or a winner), and for choosing a defeat."""
        policy = self.tie_policy()
        first = TieBreaker(policy, names)
        if self.tie_order_style != "droop":
            return first, first
        reverse = TiePolicy(policy.chain, tuple(reversed(policy.order)), policy.seed)
        return first, TieBreaker(reverse, names)


def check_profile(profile: Profile, seats: int) -> None:
    """A :class:`CountError` if the election has no candidate to count."""
    eligible = profile.n_candidates - len(profile.withdrawn)
    if eligible < 1:
        raise CountError("the election has no eligible candidates")
    if seats < 1:
        raise CountError("the election has no seats to fill")


def lowest(
    candidates: Sequence[int],
    votes: Mapping[int, Raw],
    reckoner: Reckoner,
    ties: TieBreaker,
    history: Sequence[Mapping[int, Fraction]],
    margin: Raw | None = None,
) -> tuple[int, tuple[Tiebreak, ...]]:
    """The candidate with the fewest votes; those within ``margin`` of the fewest tie with it."""
    low = min(votes[c] for c in candidates)
    reach = low + (margin if margin is not None else reckoner.zero)
    tied = [c for c in candidates if reckoner.ge(reach, votes[c])]
    if len(tied) == 1:
        return tied[0], ()
    loser, tb = ties.pick_lowest(tied, history, "defeat")
    return loser, (tb,)


def highest(
    candidates: Sequence[int],
    votes: Mapping[int, Raw],
    reckoner: Reckoner,
    ties: TieBreaker,
    history: Sequence[Mapping[int, Fraction]],
    purpose: str,
) -> tuple[int, tuple[Tiebreak, ...]]:
    """The candidate with the most votes (ties by the tie policy)."""
    high = max(votes[c] for c in candidates)
    tied = [c for c in candidates if reckoner.eq(high, votes[c])]
    if len(tied) == 1:
        return tied[0], ()
    chosen, tb = ties.pick_highest(tied, history, purpose)
    return chosen, (tb,)
