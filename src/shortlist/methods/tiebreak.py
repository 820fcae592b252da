"""Tie policies shared by every method: explicit order, previous-round counts, seeded lot.

There is no hidden randomness: a lot is drawn from ``random.Random(seed)`` (or Java's
``java.util.Random`` where a rule copies RCTab), and the seed is written into the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from shortlist.errors import RulesError
from shortlist.methods.result import Tiebreak

if TYPE_CHECKING:
    import random

#: The policies a rules document may name, in order of application where they chain.
POLICIES = ("first-preferences", "previous-rounds", "previous-rounds-forward", "order", "lot")


@dataclass(frozen=True)
class TiePolicy:
    """How ties are broken: a chain of rules tried in turn.

    ``chain`` names rules from :data:`POLICIES`; the last one must always decide (``order`` or
    ``lot``). ``order`` lists candidates from the one to favour (keep) first; ``seed`` seeds lots.
    """

    chain: tuple[str, ...] = ("previous-rounds", "lot")
    order: tuple[str, ...] = ()
    seed: int = 0

    @classmethod
    def parse(cls, text: str, *, order: Sequence[str] = (), seed: int = 0) -> TiePolicy:
        chain = tuple(p.strip() for p in text.replace("+", ",").split(",") if p.strip())
        unknown = [p for p in chain if p not in POLICIES]
        if unknown or not chain:
            raise RulesError(
                f"unknown tie policy {','.join(unknown) or text!r}; choose from "
                + ", ".join(POLICIES)
            )
        if chain[-1] not in ("order", "lot"):
            chain = (*chain, "lot")
        return cls(chain, tuple(order), seed)

    def __str__(self) -> str:
        return ",".join(self.chain)


class TieBreaker:
    """Breaks ties during one count and remembers how (for the result).

    ``history`` is the list of earlier rounds' tallies (oldest first), consulted by the
    previous-rounds rules.
    """

    def __init__(self, policy: TiePolicy, names: Sequence[str]) -> None:
        self.policy = policy
        self.names = tuple(names)
        self._rng: random.Random | None = None  # made for the first lot
        self._rank = {n: i for i, n in enumerate(policy.order)}

    def pick_lowest(
        self,
        tied: Sequence[int],
        history: Sequence[Mapping[int, Fraction]],
        purpose: str = "eliminate",
    ) -> tuple[int, Tiebreak]:
        """Choose which of ``tied`` (equal now) is to be treated as lowest."""
        return self._pick(tied, history, purpose, lowest=True)

    def pick_highest(
        self,
        tied: Sequence[int],
        history: Sequence[Mapping[int, Fraction]],
        purpose: str = "elect",
    ) -> tuple[int, Tiebreak]:
        """Choose which of ``tied`` (equal now) is to be treated as highest."""
        return self._pick(tied, history, purpose, lowest=False)

    def _pick(
        self,
        tied: Sequence[int],
        history: Sequence[Mapping[int, Fraction]],
        purpose: str,
        *,
        lowest: bool,
    ) -> tuple[int, Tiebreak]:
        pool = sorted(tied)
        for rule in self.policy.chain:
            pool = self._narrow(rule, pool, history, lowest)
            if len(pool) == 1:
                chosen = pool[0]
                return chosen, Tiebreak(
                    purpose=purpose,
                    tied=tuple(self.names[c] for c in sorted(tied)),
                    chosen=(self.names[chosen],),
                    rule=rule,
                    seed=self.policy.seed if rule == "lot" else None,
                )
        raise AssertionError("the last tie rule always decides")  # pragma: no cover

    def _narrow(
        self,
        rule: str,
        pool: list[int],
        history: Sequence[Mapping[int, Fraction]],
        lowest: bool,
    ) -> list[int]:
        pick: Callable[..., Fraction] = min if lowest else max
        if rule == "first-preferences":
            # the first round's tally (the original count); no history yet: still all tied
            first = history[0] if history else {}
            best = pick(first.get(c, Fraction(0)) for c in pool)
            return [c for c in pool if first.get(c, Fraction(0)) == best]
        if rule in ("previous-rounds", "previous-rounds-forward"):
            rounds = list(history) if rule.endswith("forward") else list(reversed(history))
            for tally in rounds:
                best = pick(tally.get(c, Fraction(0)) for c in pool)
                pool = [c for c in pool if tally.get(c, Fraction(0)) == best]
                if len(pool) == 1:
                    break
            return pool
        if rule == "order":
            missing = [self.names[c] for c in pool if self.names[c] not in self._rank]
            if missing:
                raise RulesError(f"tie order does not list {', '.join(missing)}")
            # order lists the favoured first; the lowest is the one listed last
            key = sorted(pool, key=lambda c: self._rank[self.names[c]])
            return [key[-1] if lowest else key[0]]
        if rule == "lot":
            if self._rng is None:
                import random

                self._rng = random.Random(self.policy.seed)
            return [self._rng.choice(pool)]
        raise RulesError(f"unknown tie rule {rule!r}")
