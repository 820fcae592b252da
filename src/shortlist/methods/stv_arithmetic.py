"""Vote arithmetic of the STV family: exact, fixed-point, and guarded fixed-point.

Droop (jklundell/droop) counts with one of three arithmetics, and its reference counts depend on
which; the STV methods take the same three as their ``arithmetic`` switch:

* ``exact`` (Droop's ``rational``): fractions, no rounding at all;
* ``fixed(p)``: decimals with ``p`` places; every product and quotient is truncated (or rounded
  up where a rule says so) to ``p`` places; sums and differences are exact;
* ``guarded(p,g)``: fixed point with ``p + g`` places, truncating, where two values that differ
  by less than half a unit of the ``p``-th place compare as equal. With enough guard digits it
  decides like exact arithmetic; Droop treats it as exact (no epsilon on the quota).

A :class:`Reckoner` does the arithmetic on *raw* values: a :class:`~fractions.Fraction` when
exact, otherwise an ``int`` counting units of ``10**-(p+g)``. Raw values add, subtract and
multiply by whole numbers with the ordinary operators; everything else goes through the
reckoner. :meth:`Reckoner.fraction` turns a raw value into the exact Fraction the result shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

#: A raw vote value: a Fraction (exact) or an int in units of the last place (fixed, guarded).
Raw = Fraction | int

_FORMS = (
    r"(?P<exact>exact|rational|fraction)",
    r"(?P<kind>fixed|guarded)\s*[(:\-]?\s*(?P<p>\d+)\s*(?:[,/;]\s*(?P<g>\d+)\s*)?\)?",
)


@dataclass(frozen=True)
class Reckoner:
    """One arithmetic: ``kind`` is ``exact``, ``fixed`` or ``guarded``."""

    kind: str = "exact"
    precision: int = 0
    guard: int = 0

    @classmethod
    def parse(cls, text: str) -> Reckoner:
        """``exact``, ``fixed(p)`` or ``guarded(p)`` / ``guarded(p,g)`` (``g`` defaults to p/2)."""
        text = text.strip().lower()
        if re.fullmatch(_FORMS[0], text):
            return cls("exact")
        m = re.fullmatch(_FORMS[1], text)
        if not m:
            raise ValueError(f"arithmetic must be exact, fixed(p) or guarded(p,g), not {text!r}")
        p = int(m.group("p"))
        if m.group("kind") == "fixed":
            if m.group("g") is not None:
                raise ValueError("fixed arithmetic takes one number (its places)")
            return cls("fixed", p)
        g = int(m.group("g")) if m.group("g") is not None else p // 2
        return cls("guarded", p, g)

    def __str__(self) -> str:
        if self.kind == "exact":
            return "exact"
        if self.kind == "fixed":
            return f"fixed({self.precision})"
        return f"guarded({self.precision},{self.guard})"

    # -- properties ---------------------------------------------------------------------------

    @property
    def decides_exactly(self) -> bool:
        """True for exact and guarded arithmetic (Droop's ``V.exact``): no epsilon on quotas."""
        return self.kind == "exact" or (self.kind == "guarded" and self.guard > 0)

    @property
    def _scale(self) -> int:
        return int(10 ** (self.precision + self.guard))

    @property
    def _tolerance(self) -> int:
        """Raw differences below this compare as equal (guarded arithmetic only)."""
        if self.kind != "guarded" or self.guard == 0:
            return 1
        return max(int(10**self.guard) // 2, 1)

    # -- conversions --------------------------------------------------------------------------

    def whole(self, n: int) -> Raw:
        """The raw value of the whole number ``n``."""
        return Fraction(n) if self.kind == "exact" else n * self._scale

    @property
    def zero(self) -> Raw:
        return self.whole(0)

    @property
    def one(self) -> Raw:
        return self.whole(1)

    @property
    def epsilon(self) -> Raw:
        """The smallest positive value (zero for exact arithmetic)."""
        return Fraction(0) if self.kind == "exact" else 1

    def fraction(self, x: Raw) -> Fraction:
        """The exact value of a raw value."""
        if self.kind == "exact":
            return Fraction(x)
        return Fraction(int(x), self._scale)

    def from_fraction(self, x: Fraction) -> Raw:
        """A Fraction as a raw value (truncated to the places of fixed arithmetic)."""
        if self.kind == "exact":
            return x
        return (x.numerator * self._scale) // x.denominator

    def power_of_ten(self, exponent: int) -> Raw:
        """``10**-exponent`` as a raw value (zero if finer than the places)."""
        if self.kind == "exact":
            return Fraction(1, 10**exponent)
        places = self.precision + self.guard
        return 10 ** (places - exponent) if exponent <= places else 0

    # -- products and quotients ---------------------------------------------------------------

    def _rounds_up(self, up: bool) -> bool:
        # Droop ignores the rounding direction when there are guard digits
        return up and not (self.kind == "guarded" and self.guard > 0)

    def mul(self, a: Raw, b: Raw, *, up: bool = False) -> Raw:
        """``a * b``, truncated (or rounded up) to the places."""
        if self.kind == "exact":
            return Fraction(a) * Fraction(b)
        q, rem = divmod(int(a) * int(b), self._scale)
        return q + 1 if rem and self._rounds_up(up) else q

    def div(self, a: Raw, b: Raw, *, up: bool = False) -> Raw:
        """``a / b``, truncated (or rounded up) to the places."""
        if self.kind == "exact":
            return Fraction(a) / Fraction(b)
        q, rem = divmod(int(a) * self._scale, int(b))
        return q + 1 if rem and self._rounds_up(up) else q

    def div_whole(self, a: Raw, n: int) -> Raw:
        """``a / n`` for a whole number ``n``, truncated."""
        return self.div(a, self.whole(n))

    # -- comparisons (guarded arithmetic has a tolerance) -----------------------------------

    def cmp(self, a: Raw, b: Raw) -> int:
        """-1, 0 or 1 as ``a`` is below, equal to or above ``b``."""
        if self.kind == "guarded" and self.guard > 0 and abs(int(a) - int(b)) < self._tolerance:
            return 0
        return (a > b) - (a < b)

    def eq(self, a: Raw, b: Raw) -> bool:
        return self.cmp(a, b) == 0

    def lt(self, a: Raw, b: Raw) -> bool:
        return self.cmp(a, b) < 0

    def le(self, a: Raw, b: Raw) -> bool:
        return self.cmp(a, b) <= 0

    def gt(self, a: Raw, b: Raw) -> bool:
        return self.cmp(a, b) > 0

    def ge(self, a: Raw, b: Raw) -> bool:
        return self.cmp(a, b) >= 0

    def total(self, values: Iterable[Raw]) -> Raw:
        """The exact sum of raw values."""
        out = self.zero
        for v in values:
            out += v
        return out
