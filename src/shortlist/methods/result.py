"""The result of a count: immutable data, round by round, exact.

A :class:`Round` reads like a row of an official count sheet: the ``tally`` at the start of
the round (after everything earlier rounds moved), the ``threshold`` in force, who was
``elected`` and who was ``eliminated`` in this round, and the ``transfers`` carried out at the
end of it (each from one candidate, to each receiving candidate, with what was exhausted and
what was lost to rounding). ``exhausted`` and ``residual`` are the running totals as of this
round's tally. Every tie met in the round is in ``tiebreaks`` with the rule that broke it.

This is the model of RCTab's detailed report (a tally, then the round's results with their
transfers), which also fits a stage of an official Scottish count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from shortlist.methods.numbers import ZERO, to_decimal_string

FORMAT = "shortlist-result/1"


def _frozen(m: Mapping[str, Fraction]) -> Mapping[str, Fraction]:
    return MappingProxyType(dict(m))


@dataclass(frozen=True)
class Tiebreak:
    """A tie met during the count and how it was broken.

    ``purpose`` is what the tie decided (``"eliminate"``, ``"elect"``, ``"order"``...),
    ``tied`` the candidates involved, ``chosen`` the ones picked for that purpose, ``rule`` the
    rule that decided (``"previous-rounds"``, ``"first-preferences"``, ``"order"``, ``"lot"``...)
    and ``seed`` the seed of the lot, when one was drawn.
    """

    purpose: str
    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    rule: str
    seed: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "purpose": self.purpose,
            "tied": list(self.tied),
            "chosen": list(self.chosen),
            "rule": self.rule,
        }
        if self.seed is not None:
            out["seed"] = self.seed
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class Transfer:
    """Votes moved from one candidate: a surplus (``kind="surplus"``) or an elimination.

    ``to`` maps each receiving candidate to the value it received; ``exhausted`` is the value
    that found no continuing choice; ``residual`` the value lost to rounding. ``value`` is the
    transfer value (ratio) applied, when the rule has one.
    """

    source: str
    kind: str
    to: Mapping[str, Fraction]
    exhausted: Fraction = ZERO
    residual: Fraction = ZERO
    value: Fraction | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "to", _frozen(self.to))

    @property
    def total(self) -> Fraction:
        return sum(self.to.values(), ZERO) + self.exhausted + self.residual

    def to_json(self, places: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.source,
            "kind": self.kind,
            "to": {k: num(v, places) for k, v in self.to.items()},
            "exhausted": num(self.exhausted, places),
            "residual": num(self.residual, places),
        }
        if self.value is not None:
            out["value"] = num(self.value)
        return out


@dataclass(frozen=True)
class Round:
    """One round (stage) of a count."""

    number: int
    tally: Mapping[str, Fraction]
    threshold: Fraction | None = None
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    exhausted: Fraction = ZERO
    residual: Fraction = ZERO
    tiebreaks: tuple[Tiebreak, ...] = ()
    extra: Mapping[str, Fraction] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "tally", _frozen(self.tally))
        object.__setattr__(self, "extra", _frozen(self.extra))

    def to_json(self, places: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "round": self.number,
            "threshold": None if self.threshold is None else num(self.threshold, places),
            "tally": {k: num(v, places) for k, v in self.tally.items()},
            "elected": list(self.elected),
            "eliminated": list(self.eliminated),
            "exhausted": num(self.exhausted, places),
            "residual": num(self.residual, places),
            "transfers": [t.to_json(places) for t in self.transfers],
            "tiebreaks": [t.to_json() for t in self.tiebreaks],
        }
        if self.extra:
            out["extra"] = {k: num(v, places) for k, v in self.extra.items()}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Result:
    """A finished count: ``winners`` in order of election, and every round."""

    method: str
    rules: Mapping[str, Any]
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    rounds: tuple[Round, ...]
    tied_winners: tuple[str, ...] = ()
    places: int | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))

    def to_json(self) -> dict[str, Any]:
        """The ``shortlist-result/1`` document."""
        out: dict[str, Any] = {
            "format": FORMAT,
            "method": self.method,
            "rules": {k: _rule_value(v) for k, v in self.rules.items()},
            "candidates": list(self.candidates),
            "winners": list(self.winners),
            "rounds": [r.to_json(self.places) for r in self.rounds],
        }
        if self.tied_winners:
            out["tied_winners"] = list(self.tied_winners)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def num(x: Fraction, places: int | None = None) -> str:
    """An exact vote value as a JSON string (see :func:`numbers.to_decimal_string`)."""
    return to_decimal_string(x, places)


def _rule_value(v: Any) -> Any:
    if isinstance(v, Fraction):
        return to_decimal_string(v)
    if isinstance(v, (list, tuple)):
        return [_rule_value(x) for x in v]
    if v is None or isinstance(v, (bool, int, str, float)):
        return v
    return str(v)
