"""Rules: every switch of a method, typed, documented and validated.

A method's rules are a frozen dataclass derived from :class:`Rules`. Each field is a switch;
its ``metadata`` holds ``doc`` (one sentence) and optionally ``choices``. :meth:`Rules.build`
makes rules from a mapping of switch names to values (strings are converted, so
``--set quota_mode=fixed`` works) and reports every bad switch at once.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Self

from shortlist.errors import RulesError
from shortlist.methods.numbers import Arithmetic
from shortlist.methods.tiebreak import TiePolicy


def switch(default: Any, doc: str, choices: tuple[str, ...] = ()) -> Any:
    """A rules field with its documentation (and allowed values)."""
    meta = {"doc": doc, "choices": choices}
    if isinstance(default, (list, dict, set)):
        raise TypeError("use tuples for defaults")
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Rules:
    """Switches every method has."""

    seats: int = switch(1, "Number of seats (winners) to fill.")
    ties: str = switch(
        "previous-rounds,lot",
        "Tie policy chain: previous-rounds, previous-rounds-forward, order, lot (comma list).",
    )
    tie_order: tuple[str, ...] = switch(
        (), "Candidates in tie-break order, most favoured first (for the 'order' policy)."
    )
    seed: int = switch(0, "Seed of any lot drawn to break a tie (written into the result).")

    #: Set by subclasses whose method elects exactly one winner.
    single_winner: ClassVar[bool] = False
    #: Set by subclasses whose ``seats`` is a ceiling (at most that many), not a number to fill.
    seats_at_most: ClassVar[bool] = False

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def switches(cls) -> list[dataclasses.Field[Any]]:
        return list(dataclasses.fields(cls))

    @classmethod
    def build(cls, values: Mapping[str, Any] | None = None, **more: Any) -> Self:
        """Rules from switch values (strings are parsed); :class:`RulesError` lists every error."""
        given = {**(values or {}), **more}
        hints = typing.get_type_hints(cls)
        known = {f.name: f for f in dataclasses.fields(cls)}
        errors: list[str] = []
        kwargs: dict[str, Any] = {}
        for key, raw in given.items():
            name = key.replace("-", "_")
            if name not in known:
                errors.append(
                    f"unknown switch {key!r}; this method's switches are: " + ", ".join(known)
                )
                continue
            try:
                value = _convert(raw, hints[name])
            except (ValueError, TypeError) as exc:
                errors.append(f"switch {key}: {exc}")
                continue
            choices = known[name].metadata.get("choices") or ()
            if choices and value not in choices:
                errors.append(f"switch {key}: {value!r} is not one of {', '.join(choices)}")
                continue
            kwargs[name] = value
        if errors:
            raise RulesError("; ".join(errors), errors=tuple(errors))
        rules = cls(**kwargs)
        problems = rules.problems()
        if problems:
            raise RulesError("; ".join(problems), errors=tuple(problems))
        return rules

    def problems(self) -> list[str]:
        """Cross-switch checks; subclasses extend."""
        out = []
        if self.seats < 1:
            out.append(f"switch seats: must be at least 1, not {self.seats}")
        if self.single_winner and self.seats != 1:
            out.append("switch seats: this method elects exactly one winner")
        try:
            TiePolicy.parse(self.ties)
        except RulesError as exc:
            out.append(f"switch ties: {exc}")
        return out

    def tie_policy(self) -> TiePolicy:
        return TiePolicy.parse(self.ties, order=self.tie_order, seed=self.seed)

    def as_dict(self) -> dict[str, Any]:
        """Every switch with its value (for the result document)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = str(v) if isinstance(v, Arithmetic) else v
        return out


def _convert(raw: Any, hint: Any) -> Any:
    """Convert ``raw`` (often a string from the command line) to the switch's type."""
    origin = typing.get_origin(hint)
    if hint is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true or false, not {raw!r}")
    if hint is int:
        if isinstance(raw, (bool, float)):
            raise ValueError(f"expected a whole number, not {raw!r}")
        return int(str(raw).strip()) if not isinstance(raw, int) else raw
    if hint is Fraction:
        if isinstance(raw, float):
            raise ValueError(f"give {raw!r} as text (e.g. '1.2') so it stays exact")
        return Fraction(str(raw).strip())
    if hint is str:
        return str(raw).strip()
    if hint is Arithmetic:
        return raw if isinstance(raw, Arithmetic) else Arithmetic.parse(str(raw))
    if origin is tuple:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(str(x).strip() for x in items if str(x).strip())
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none")):
            return None
        return _convert(raw, args[0])
    raise TypeError(f"unsupported switch type {hint!r}")
