"""Exact arithmetic for counting: fractions, and the fixed-point decimals some rules prescribe.

Every vote value in shortlist is a :class:`fractions.Fraction`. A rule that prescribes
fixed-point arithmetic (the Scottish rule: 5 decimal places, truncating) applies
:meth:`Arithmetic.round` at the points its text names; the values stay Fractions, so no binary
floating point ever enters a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_PREC, Decimal, localcontext
from fractions import Fraction

ZERO = Fraction(0)
ONE = Fraction(1)


@dataclass(frozen=True)
class Arithmetic:
    """``exact`` (``places is None``) or fixed point with ``places`` decimals, truncating."""

    places: int | None = None

    @classmethod
    def parse(cls, text: str) -> Arithmetic:
        """``exact`` or ``fixed(d)`` / ``fixed:d`` / ``fixed-d``."""
        text = text.strip().lower()
        if text in ("exact", "rational", "fraction"):
            return cls(None)
        m = re.fullmatch(r"fixed[(:\-]?\s*(\d+)\s*\)?", text)
        if not m:
            raise ValueError(f"arithmetic must be 'exact' or 'fixed(d)', not {text!r}")
        return cls(int(m.group(1)))

    def __str__(self) -> str:
        return "exact" if self.places is None else f"fixed({self.places})"

    @property
    def exact(self) -> bool:
        return self.places is None

    def round(self, x: Fraction) -> Fraction:
        """Truncate ``x`` (towards minus infinity) to the prescribed places; exact: unchanged."""
        if self.places is None:
            return x
        scale = 10**self.places
        return Fraction((x.numerator * scale) // x.denominator, scale)

    def round_up(self, x: Fraction) -> Fraction:
        """Round ``x`` up to the prescribed places; exact: unchanged."""
        if self.places is None:
            return x
        scale = 10**self.places
        return Fraction(-((-x.numerator * scale) // x.denominator), scale)


def truncate(x: Fraction, places: int) -> Fraction:
    """``x`` truncated (rounded down) to ``places`` decimals."""
    return Arithmetic(places).round(x)


def is_finite_decimal(x: Fraction) -> bool:
    d = x.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def to_decimal_string(x: Fraction, places: int | None = None) -> str:
    """Exact text for a vote value.

    With ``places``, the value truncated and shown with exactly that many decimals. Without,
    an integer (``"21"``), a finite decimal (``"7.25"``) or, when the value has no finite
    decimal form, the exact fraction (``"220/21"``).
    """
    if places is not None:
        t = truncate(x, places)
        q = Decimal(t.numerator) / Decimal(t.denominator)
        return f"{q.quantize(Decimal(1).scaleb(-places)):f}" if places else str(int(t))
    if x.denominator == 1:
        return _text(x.numerator)
    if is_finite_decimal(x):
        digits = 0
        d = x.denominator
        while d != 1:
            digits += 1
            d = d // 10 if d % 10 == 0 else (d // 2 if d % 2 == 0 else d // 5)
        scaled = x * 10**digits
        sign = "-" if scaled < 0 else ""
        n = abs(scaled.numerator)
        s = _text(n).rjust(digits + 1, "0")
        return f"{sign}{s[:-digits]}.{s[-digits:]}".rstrip("0").rstrip(".")
    return f"{_text(x.numerator)}/{_text(x.denominator)}"


def _text(n: int) -> str:
    """An integer's decimal digits, however many: exact counts (Meek's, with fractions) can
    outgrow the 4,300 digits Python's ``str`` converts by default."""
    if n.bit_length() < 14_000:
        return str(n)
    with localcontext() as context:
        context.prec = MAX_PREC
        return str(Decimal(n))


def parse_number(text: str) -> Fraction:
    """Parse ``"21"``, ``"7.25"``, ``"220/21"`` exactly."""
    return Fraction(text.strip())
