"""Every counting method, by name, with one signature: ``count(profile, rules) -> Result``."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from shortlist.errors import CountError, RulesError
from shortlist.methods.ballots import SKIP, Profile
from shortlist.methods.result import Result
from shortlist.methods.rules import Rules

if TYPE_CHECKING:  # scored ballots are imported only by the methods that count them
    from shortlist.methods.scored import ScoreProfile

    #: The ballots a method counts: ranked (:class:`Profile`) or scored (:class:`ScoreProfile`).
    Ballots = Profile | ScoreProfile

R = TypeVar("R", bound=Rules)

#: Modules that register methods, imported on first use of the registry.
METHOD_MODULES = (
    "shortlist.methods.irv",
    "shortlist.methods.stv",
    "shortlist.methods.meek",
    "shortlist.methods.scottish",
    "shortlist.methods.ers97",
    "shortlist.methods.academy",
    "shortlist.methods.sequential",
    "shortlist.methods.plurality",
    "shortlist.methods.scores",
    "shortlist.methods.positional",
    "shortlist.methods.condorcet",
    "shortlist.methods.dominance",
    "shortlist.methods.rctab",
)


@dataclass(frozen=True)
class Method(Generic[R]):
    """A registered counting method."""

    name: str
    summary: str
    rules_type: type[R]
    counter: Callable[[Any, R], Result]
    ballots: str = "ranked"
    """The ballots the method counts: ``ranked`` (a Profile) or ``scores`` (a ScoreProfile)."""

    def rules(self, values: Mapping[str, Any] | None = None, **more: Any) -> R:
        return self.rules_type.build(values, **more)

    def count(self, profile: Ballots, rules: R | Mapping[str, Any] | None = None) -> Result:
        if rules is None or isinstance(rules, Mapping):
            rules = self.rules(rules)
        if isinstance(profile, Profile):
            check_countable(profile, 1 if rules.seats_at_most else rules.seats)
        return self.counter(profile, rules)


def check_countable(profile: Profile, seats: int) -> None:
    """Refuse an empty election and more seats than standing candidates (:class:`CountError`)."""
    if profile.total_weight == 0 or bool((profile.ranks == SKIP).all()):
        raise CountError("the election has no ballots (or only blank ones)")
    standing = profile.n_candidates - len(profile.withdrawn)
    if seats > standing:
        raise CountError(f"seats out of range: {seats} seats but only {standing} candidates stand")


_METHODS: dict[str, Method[Any]] = {}
_loaded = False


def register(
    name: str, rules: type[R], summary: str, *, ballots: str = "ranked"
) -> Callable[[Callable[[Any, R], Result]], Callable[[Any, R], Result]]:
    """Class the decorated function as the method ``name`` with rules of type ``rules``."""

    def deco(fn: Callable[[Any, R], Result]) -> Callable[[Any, R], Result]:
        if name in _METHODS:
            raise ValueError(f"method {name!r} registered twice")
        _METHODS[name] = Method(name, summary, rules, fn, ballots)
        return fn

    return deco


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in METHOD_MODULES:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise


#: Where each method is registered, so that counting by one method imports only its module
#: (a test checks this table against the registrations).
HOMES = {
    "academy-best-picture-5pct": "shortlist.methods.academy",
    "academy-best-picture-irv": "shortlist.methods.academy",
    "academy-nominations": "shortlist.methods.academy",
    "approval": "shortlist.methods.scores",
    "borda": "shortlist.methods.positional",
    "bottoms-up": "shortlist.methods.sequential",
    "bracket": "shortlist.methods.dominance",
    "bucklin": "shortlist.methods.positional",
    "committee-additions": "shortlist.methods.scores",
    "condorcet": "shortlist.methods.condorcet",
    "condorcet-loser-removal": "shortlist.methods.dominance",
    "coombs": "shortlist.methods.positional",
    "copeland": "shortlist.methods.condorcet",
    "irv": "shortlist.methods.irv",
    "minimax": "shortlist.methods.condorcet",
    "multi-pass-irv": "shortlist.methods.sequential",
    "pareto": "shortlist.methods.dominance",
    "plurality": "shortlist.methods.plurality",
    "plurality-runoff": "shortlist.methods.dominance",
    "rank-sum": "shortlist.methods.positional",
    "ranked-pairs": "shortlist.methods.condorcet",
    "rctab": "shortlist.methods.rctab",
    "rrv": "shortlist.methods.scores",
    "schulze": "shortlist.methods.condorcet",
    "score-average": "shortlist.methods.scores",
    "score-sum": "shortlist.methods.scores",
    "star": "shortlist.methods.scores",
    "stv-ers97": "shortlist.methods.ers97",
    "stv-meek": "shortlist.methods.meek",
    "stv-scottish": "shortlist.methods.scottish",
    "stv-warren": "shortlist.methods.meek",
    "stv-wigm": "shortlist.methods.stv",
    "superior": "shortlist.methods.dominance",
}


def get(name: str) -> Method[Any]:
    """The method called ``name``; :class:`RulesError` (with suggestions) if there is none."""
    if name not in _METHODS and name in HOMES:
        importlib.import_module(HOMES[name])
    if name not in _METHODS:
        _load()
    try:
        return _METHODS[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(_METHODS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise RulesError(
            f"unknown method {name!r}{hint}; `shortlist methods` lists them all"
        ) from None


def all_methods() -> list[Method[Any]]:
    """Every registered method, sorted by name."""
    _load()
    return [_METHODS[n] for n in sorted(_METHODS)]


def count(profile: Profile, method: str, rules: Rules | Mapping[str, Any] | None = None) -> Result:
    """Count ``profile`` by the method called ``method``."""
    return get(method).count(profile, rules)
