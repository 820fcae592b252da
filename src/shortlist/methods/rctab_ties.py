"""RCTab's tie-breaks (``Tiebreak.java``): lots from ``java.util.Random``, orders, earlier rounds.

* ``random``: the tied candidates, sorted by name, and one drawn by
  ``floor(nextDouble() * count)``;
* ``useCandidateOrder`` / ``generatePermutation``: the candidate listed first in the config's
  order (or in a permutation shuffled by ``Collections.shuffle`` with the seed) wins a tie to
  be elected; the one listed last loses a tie to be eliminated;
* ``previousRoundCountsThenRandom`` / ``...ThenAsk``: the earlier rounds' tallies, latest first,
  then a lot. Between rounds RCTab keeps the candidates still tied in a ``HashSet``, so a lot
  drawn after them picks from that set's iteration order, reproduced here;
* ``stopCountingAndAsk``: an operator decides; shortlist refuses the count instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from shortlist.errors import CountError
from shortlist.methods.javarandom import (
    JavaRandom,
    copied_capacity,
    hash_order,
    java_shuffle,
    java_sorted,
)
from shortlist.methods.result import Tiebreak

if TYPE_CHECKING:
    from shortlist.methods.rctab import RctabRules

SEEDED = ("random", "previousRoundCountsThenRandom", "generatePermutation")


class RctabTiebreak:
    """Breaks the ties of one tabulation pass (a fresh generator per pass, as in RCTab)."""

    def __init__(self, rules: RctabRules, names: Sequence[str], declared: Sequence[int]) -> None:
        self.rules = rules
        self.mode = rules.tiebreak_mode
        self.names = tuple(names)
        self.permutation = rules.permutation(self.names, declared)
        self.rng: JavaRandom | None = None
        if self.mode in SEEDED:
            rnd = JavaRandom(rules.seed)
            if self.mode == "generatePermutation":
                by_name = {self.names[c]: c for c in declared}
                order = java_sorted(by_name)
                java_shuffle(order, rnd)
                self.permutation = [by_name[n] for n in order]
            else:
                self.rng = rnd

    def select(
        self,
        tied: Sequence[int],
        selecting_winner: bool,
        round_number: int,
        history: Sequence[Mapping[int, Decimal]],
    ) -> tuple[int, Tiebreak]:
        """The candidate who wins (or loses) the tie, and the record of how."""
        names = self.names
        pool = sorted(tied, key=lambda c: names[c].encode("utf-16-be"))
        detail = ""
        if self.mode == "random":
            chosen, rule = self.draw(pool), "lot"
        elif self.mode in ("useCandidateOrder", "generatePermutation"):
            order = self.permutation if selecting_winner else self.permutation[::-1]
            chosen, rule = next(c for c in order if c in pool), "order"
        elif self.mode == "stopCountingAndAsk":
            raise self.needs_operator(pool, round_number)
        else:
            chosen, rule, detail = self.previous_rounds(
                pool, selecting_winner, round_number, history
            )
        record = Tiebreak(
            purpose="elect" if selecting_winner else "eliminate",
            tied=tuple(names[c] for c in pool),
            chosen=(names[chosen],),
            rule=f"{self.mode}:{rule}",
            seed=self.rules.seed if rule == "lot" else None,
            detail=detail,
        )
        return chosen, record

    def previous_rounds(
        self,
        pool: list[int],
        selecting_winner: bool,
        round_number: int,
        history: Sequence[Mapping[int, Decimal]],
    ) -> tuple[int, str, str]:
        names = self.names
        contention = pool
        for back in range(round_number - 1, 0, -1):
            tally = history[back - 1]
            keyed = {names[c]: c for c in contention}
            order = [keyed[n] for n in hash_order(keyed, copied_capacity(len(keyed)))]
            best = (max if selecting_winner else min)(tally[c] for c in order)
            contention = [c for c in order if tally[c] == best]
            if len(contention) == 1:
                return contention[0], "previous-rounds", f"decided by round {back}"
        if self.mode == "previousRoundCountsThenAsk":
            raise self.needs_operator(contention, round_number)
        return self.draw(contention), "lot", "previous rounds tied"

    def draw(self, pool: Sequence[int]) -> int:
        if self.rng is None:  # pragma: no cover - set up with the mode
            raise CountError("a lot is needed but no random seed is set")
        return pool[self.rng.pick_index(len(pool))]

    def needs_operator(self, pool: Sequence[int], round_number: int) -> CountError:
        tied = ", ".join(self.names[c] for c in pool)
        return CountError(
            f"round {round_number}: a tie between {tied} must be broken by the operator "
            f"(tiebreakMode {self.mode}); shortlist does not ask"
        )
