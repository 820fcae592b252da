"""The ``[[categories.rounds]]`` tables of an edition document, and the checks of a chain.

::

    slate       = "entries" | "previous" | { committee = ["key", ...] }
    electorate  = "all-active" | { branches = [...] } | { opt_in = true, branches = [...] }
                  | { committee = 30, seed = 7, branches = [...] }
    gate        = "none" | "viewed-all" | "attest" | { min_viewed = 5 }
    ballot      = { kind = "rank", max_ranks = 5 }   # or score (min_score, max_score),
                                                      # single, approval (max_choices)
    method      = "academy-nominations"               # any registered method
    rules       = { seats = 5 }                        # its switches
    opens       = "2023-01-12T09:00 America/Los_Angeles"
    closes      = "2023-01-17T17:00 America/Los_Angeles"
    revision    = "until-close" | "lock-on-submit"
    publication = { mode = "alphabetical" | "full", embargo = "2023-01-24T05:30 ..." }
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shortlist.domain.model import (
    BallotKind,
    BallotSpec,
    Electorate,
    ElectorateKind,
    Gate,
    GateKind,
    Publication,
    PublicationMode,
    Revision,
    RoundSpec,
    Slate,
    SlateSource,
    Window,
)
from shortlist.domain.toml_lines import Path
from shortlist.errors import RulesError
from shortlist.methods import registry

if TYPE_CHECKING:
    from shortlist.domain.edition_file import Reader

ROUND_FIELDS = (
    "key", "name", "slate", "electorate", "gate", "ballot", "method", "rules",
    "opens", "closes", "revision", "publication",
)  # fmt: skip


def read_round(
    reader: Reader, value: Any, path: Path, branches: frozenset[str]
) -> RoundSpec | None:
    table = reader.table(value, path, ROUND_FIELDS)
    key = reader.key(table, path)
    name = reader.field(table, path, "name", str, key)
    opens = reader.instant(table, path, "opens")
    closes = reader.instant(table, path, "closes")
    if opens and closes and closes <= opens:
        reader.problem((*path, "closes"), "the window closes before it opens")
    method = reader.field(table, path, "method", str)
    rules = reader.field(table, path, "rules", dict, {}) or {}
    if method is not None:
        _check_method(reader, (*path, "method"), method, rules)
    parts = (
        _slate(reader, table.get("slate", "entries"), (*path, "slate")),
        _electorate(reader, table.get("electorate", "all-active"), (*path, "electorate"), branches),
        _gate(reader, table.get("gate", "none"), (*path, "gate")),
        _ballot(reader, table.get("ballot", {}), (*path, "ballot")),
        _choice(reader, table, path, "revision", Revision, Revision.UNTIL_CLOSE),
        _publication(reader, table.get("publication", {}), (*path, "publication"), closes),
    )
    if None in (key, name, opens, closes, method, *parts):
        return None
    slate, electorate, gate, ballot, revision, publication = parts
    return RoundSpec(
        key or "", name or "", Window(opens, closes), method or "", rules,  # type: ignore[arg-type]
        slate, electorate, gate, ballot, revision, publication,  # type: ignore[arg-type]
    )  # fmt: skip


def _check_method(reader: Reader, path: Path, method: str, rules: dict[str, Any]) -> None:
    try:
        registry.get(method).rules(rules)
    except RulesError as exc:
        where = path if "unknown method" in str(exc) else (*path[:-1], "rules")
        for error in exc.errors:
            reader.problem(where, error)


def _choice(
    reader: Reader, table: dict[str, Any], path: Path, key: str, enum: Any, default: Any
) -> Any:
    raw = table.get(key, default.value)
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        reader.problem((*path, key), f"{raw!r} is not one of {allowed}")
        return None


def _slate(reader: Reader, value: Any, path: Path) -> Slate | None:
    if isinstance(value, str):
        if value in ("entries", "previous"):
            return Slate(SlateSource(value))
        reader.problem(path, f"{value!r} is not entries, previous or {{committee = [...]}}")
        return None
    table = reader.table(value, path, ("committee",))
    picks = reader.field(table, path, "committee", list)
    return None if picks is None else Slate(SlateSource.COMMITTEE, tuple(map(str, picks)))


def _electorate(
    reader: Reader, value: Any, path: Path, branches: frozenset[str]
) -> Electorate | None:
    if value == "all-active":
        return Electorate()
    if isinstance(value, str):
        reader.problem(path, f"{value!r} is not all-active or a table")
        return None
    table = reader.table(value, path, ("branches", "opt_in", "committee", "seed"))
    names = reader.field(table, path, "branches", list, []) or []
    for name in names:
        if name not in branches:
            reader.problem((*path, "branches"), f"unknown branch {name!r}")
    size = reader.field(table, path, "committee", int, None)
    seed = reader.field(table, path, "seed", int, 0) or 0
    if size is not None:
        if size < 1:
            reader.problem((*path, "committee"), "a committee needs at least one member")
        return Electorate(ElectorateKind.COMMITTEE, tuple(names), size, seed)
    if reader.field(table, path, "opt_in", bool, False):
        return Electorate(ElectorateKind.OPT_IN, tuple(names))
    kind = ElectorateKind.BRANCHES if names else ElectorateKind.ALL_ACTIVE
    return Electorate(kind, tuple(names))


def _gate(reader: Reader, value: Any, path: Path) -> Gate | None:
    if isinstance(value, str):
        if value in ("none", "viewed-all", "attest"):
            return Gate(GateKind(value))
        reader.problem(path, f"{value!r} is not none, viewed-all, attest or {{min_viewed = n}}")
        return None
    table = reader.table(value, path, ("min_viewed",))
    n = reader.field(table, path, "min_viewed", int)
    if n is not None and n < 1:
        reader.problem((*path, "min_viewed"), "must be at least 1")
        return None
    return None if n is None else Gate(GateKind.MIN_VIEWED, n)


def _ballot(reader: Reader, value: Any, path: Path) -> BallotSpec | None:
    table = reader.table(
        value, path, ("kind", "max_ranks", "min_score", "max_score", "max_choices")
    )
    kind = _choice(reader, table, path, "kind", BallotKind, BallotKind.RANK)
    numbers = {
        key: reader.field(table, path, key, int, default)
        for key, default in (
            ("max_ranks", 5),
            ("min_score", 0),
            ("max_score", 10),
            ("max_choices", 0),
        )
    }
    if None in numbers.values() or kind is None:
        return None
    spec = BallotSpec(kind, **numbers)  # type: ignore[arg-type]
    if spec.max_ranks < 1:
        reader.problem((*path, "max_ranks"), "must be at least 1")
    if spec.min_score >= spec.max_score:
        reader.problem((*path, "max_score"), "must be above min_score")
    return spec


def _publication(reader: Reader, value: Any, path: Path, closes: Any) -> Publication | None:
    table = reader.table(value, path, ("mode", "embargo"))
    mode = _choice(reader, table, path, "mode", PublicationMode, PublicationMode.ALPHABETICAL)
    embargo = reader.instant(table, path, "embargo", required=False)
    if embargo and closes and embargo < closes:
        reader.problem((*path, "embargo"), "the embargo ends before the window closes")
    return None if mode is None else Publication(mode, embargo)


def check_first(reader: Reader, path: Path, raw: Any) -> None:
    """The first round of a chain cannot draw on a previous round."""
    first = raw[0] if isinstance(raw, list) and raw else None
    if isinstance(first, dict) and first.get("slate") == "previous":
        reader.problem((*path, "rounds", 0, "slate"), "the first round has no previous round")


def check_chain(
    reader: Reader, path: Path, rounds: list[RoundSpec], entries: frozenset[str]
) -> None:
    """A chain's rounds follow one another: the first draws on entries (or picks), a later one
    opens after the earlier closes, and a committee picks only entries."""
    for i, spec in enumerate(rounds):
        where = (*path, "rounds", i)
        if i > 0 and spec.window.opens < rounds[i - 1].window.closes:
            reader.problem((*where, "opens"), "opens before the previous round closes")
        for pick in spec.slate.picks:
            if pick not in entries:
                reader.problem((*where, "slate"), f"committee pick {pick!r} is not an entry")
    if rounds and rounds[0].slate.source is SlateSource.ENTRIES and not entries:
        reader.problem((*path, "entries"), "the first round draws on entries but there are none")
