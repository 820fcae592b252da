"""Vote values as a results page shows them: the rule's decimals, never a float artefact.

A ``shortlist-result/1`` document gives every value as an exact string (``"21"``, ``"7.25"``,
``"1796.00000"`` for a rule with 5 decimals, ``"220/21"`` when there is no finite decimal). A
page shows that string as it is when it is short; a value with more decimals than a reader can
use (Meek's 30, a fraction) is shown truncated to :data:`SHOWN_PLACES` decimals after "≈", and
the exact string stays in the page (``data-exact``) for anyone who checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shortlist.methods.numbers import to_decimal_string, truncate

#: Decimals shown for a value whose exact form is longer (the exact form is kept in the page).
SHOWN_PLACES = 4
#: Decimals the document may carry and still be shown as it is (Scottish STV: 5).
SHOWN_AS_IS = 6


@dataclass(frozen=True, order=True)
class Votes:
    """A vote value: ``value`` exact, ``exact`` its document text, ``shown`` what a reader sees."""

    value: Fraction
    exact: str

    @classmethod
    def of(cls, text: str | int | Fraction) -> Votes:
        if isinstance(text, Fraction):
            return cls(text, to_decimal_string(text))
        text = str(text)
        return cls(Fraction(text), text)

    @property
    def shown(self) -> str:
        text = self.exact
        if "/" not in text and len(text.partition(".")[2]) <= SHOWN_AS_IS:
            return text
        return "≈" + to_decimal_string(self.value, SHOWN_PLACES)

    @property
    def approximate(self) -> bool:
        return self.shown.startswith("≈")

    def __bool__(self) -> bool:
        return self.value != 0

    def __add__(self, other: Votes) -> Votes:
        """The sum, shown with as many decimals as its terms (a rule's 5 stay 5)."""
        total = self.value + other.value
        places = max(_decimals(self.exact), _decimals(other.exact))
        if places and truncate(total, places) == total:
            return Votes(total, to_decimal_string(total, places))
        return Votes.of(total)


def _decimals(text: str) -> int:
    return 0 if "/" in text else len(text.partition(".")[2])


ZERO_VOTES = Votes(Fraction(0), "0")


def votes_word(v: Votes) -> str:
    """``1 vote``, ``2 votes``, ``0.5 votes``."""
    return f"{v.shown} {'vote' if v.value == 1 else 'votes'}"


def coordinate(x: Fraction) -> str:
    """An SVG coordinate from an exact value: two decimals, no float on the way."""
    return to_decimal_string(x, 2)
