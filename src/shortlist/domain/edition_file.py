"""An edition as a TOML document: read it, check everything, report every problem at once.

The document (see ``examples/academy-95.toml``)::

    [edition]      key, name, body, timezone, category_quota (optional)
    [[branches]]   code, name
    [[categories]] key, name
      [[categories.entries]]  key, title, credits = [{person, role, member}]
      [[categories.rounds]]   key, name, slate, electorate, gate, ballot, method, rules,
                              opens, closes, revision, publication

Every problem is a :class:`Problem` with the file, the field path and the line;
:func:`read_edition` raises one :class:`EditionError` holding them all.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path as FilePath
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shortlist.domain import rounds_file
from shortlist.domain.errors import EditionError, Problem
from shortlist.domain.model import Branch, Category, Credit, Edition, Entry, Member
from shortlist.domain.times import parse_instant
from shortlist.domain.toml_lines import LineIndex, Path, dotted

T = TypeVar("T")

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9\-]*$")


class Reader:
    """Reads fields of a parsed document, noting a :class:`Problem` for each bad one."""

    def __init__(self, file: str, index: LineIndex) -> None:
        self.file = file
        self.index = index
        self.problems: list[Problem] = []

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, dotted(path), message, self.index.line(path)))

    def table(self, value: Any, path: Path, known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, f"must be a table, not {_kind(value)}")
            return {}
        for key in value:
            if key not in known:
                self.problem((*path, key), f"unknown field; known fields: {', '.join(known)}")
        return value

    def field(
        self, table: dict[str, Any], path: Path, key: str, kind: type[T], default: Any = ...
    ) -> T | None:
        if key not in table:
            if default is ...:
                self.problem((*path, key), "is required")
                return None
            return default  # type: ignore[no-any-return]
        value = table[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.problem((*path, key), f"must be {kind.__name__}, not {_kind(value)}")
            return None
        return value  # type: ignore[no-any-return]

    def key(self, table: dict[str, Any], path: Path, name: str = "key") -> str | None:
        value = self.field(table, path, name, str)
        if value is not None and not _KEY_RE.match(value):
            self.problem((*path, name), f"{value!r} must be lower-case letters, digits and '-'")
            return None
        return value

    def instant(
        self, table: dict[str, Any], path: Path, key: str, required: bool = True
    ) -> datetime | None:
        text = self.field(table, path, key, str, ... if required else None)
        if text is None:
            return None
        try:
            return parse_instant(text)
        except ValueError as exc:
            self.problem((*path, key), str(exc))
            return None

    def items(self, value: Any, path: Path, read: Callable[[Any, Path], T | None]) -> list[T]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"must be a list, not {_kind(value)}")
            return []
        out = [read(item, (*path, i)) for i, item in enumerate(value)]
        return [x for x in out if x is not None]

    def unique(self, keys: list[tuple[str, Path]], what: str) -> None:
        seen: set[str] = set()
        for key, path in keys:
            if key in seen:
                self.problem(path, f"duplicate {what} {key!r}")
            seen.add(key)


def _kind(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def read_edition(
    path: str | FilePath, members: list[Member] | None = None, *, text: str | None = None
) -> Edition:
    """The edition in the TOML file ``path``; :class:`EditionError` with every problem.

    With ``members``, credits naming a member number are checked against the roll.
    """
    name = str(path)
    if text is None:
        text = FilePath(path).read_text(encoding="utf-8")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise EditionError([Problem(name, "", f"not valid TOML: {exc}", line)]) from None
    reader = Reader(name, LineIndex(text))
    edition = _edition(reader, document, members)
    if reader.problems or edition is None:
        raise EditionError(reader.problems)
    return edition


def _edition(reader: Reader, doc: dict[str, Any], members: list[Member] | None) -> Edition | None:
    reader.table(doc, (), ("edition", "branches", "categories"))
    head = reader.table(doc.get("edition", {}), ("edition",), _EDITION_FIELDS)
    if "edition" not in doc:
        reader.problem(("edition",), "is required")
    timezone = reader.field(head, ("edition",), "timezone", str)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            reader.problem(("edition", "timezone"), f"unknown time zone {timezone!r}")
    quota = reader.field(head, ("edition",), "category_quota", int, None)
    branches = reader.items(doc.get("branches"), ("branches",), lambda v, p: _branch(reader, v, p))
    reader.unique([(b.code, ("branches", i, "code")) for i, b in enumerate(branches)], "branch")
    codes = frozenset(b.code for b in branches)
    roll = None if members is None else frozenset(m.number for m in members)
    categories = reader.items(
        doc.get("categories"),
        ("categories",),
        lambda v, p: _category(reader, v, p, codes, roll),
    )
    if not categories:
        reader.problem(("categories",), "an edition needs at least one category")
    reader.unique([(c.key, ("categories", i, "key")) for i, c in enumerate(categories)], "category")
    key = reader.key(head, ("edition",))
    title = reader.field(head, ("edition",), "name", str)
    body = reader.field(head, ("edition",), "body", str)
    if None in (key, title, body, timezone):
        return None
    return Edition(
        key or "",
        title or "",
        body or "",
        timezone or "",
        tuple(branches),
        tuple(categories),
        quota,
    )


_EDITION_FIELDS = ("key", "name", "body", "timezone", "category_quota")


def _branch(reader: Reader, value: Any, path: Path) -> Branch | None:
    table = reader.table(value, path, ("code", "name"))
    code = reader.key(table, path, "code")
    name = reader.field(table, path, "name", str)
    return Branch(code, name) if code and name else None


def _category(
    reader: Reader, value: Any, path: Path, branches: frozenset[str], roll: frozenset[str] | None
) -> Category | None:
    table = reader.table(value, path, ("key", "name", "entries", "rounds"))
    key = reader.key(table, path)
    name = reader.field(table, path, "name", str)
    entries = reader.items(
        table.get("entries"), (*path, "entries"), lambda v, p: _entry(reader, v, p, roll)
    )
    reader.unique([(e.key, (*path, "entries", i, "key")) for i, e in enumerate(entries)], "entry")
    rounds = reader.items(
        table.get("rounds"),
        (*path, "rounds"),
        lambda v, p: rounds_file.read_round(reader, v, p, branches),
    )
    if "rounds" not in table:
        reader.problem((*path, "rounds"), "a category needs at least one round")
    reader.unique([(r.key, (*path, "rounds", i, "key")) for i, r in enumerate(rounds)], "round")
    rounds_file.check_first(reader, path, table.get("rounds"))
    rounds_file.check_chain(reader, path, rounds, frozenset(e.key for e in entries))
    if key is None or name is None:
        return None
    return Category(key, name, tuple(entries), tuple(rounds))


def _entry(reader: Reader, value: Any, path: Path, roll: frozenset[str] | None) -> Entry | None:
    table = reader.table(value, path, ("key", "title", "credits"))
    key = reader.key(table, path)
    title = reader.field(table, path, "title", str)
    credits = reader.items(
        table.get("credits"), (*path, "credits"), lambda v, p: _credit(reader, v, p, roll)
    )
    return Entry(key, title, tuple(credits)) if key and title else None


def _credit(reader: Reader, value: Any, path: Path, roll: frozenset[str] | None) -> Credit | None:
    table = reader.table(value, path, ("person", "role", "member"))
    person = reader.field(table, path, "person", str)
    role = reader.field(table, path, "role", str)
    member = reader.field(table, path, "member", str, None)
    if member is not None and roll is not None and member not in roll:
        reader.problem((*path, "member"), f"member {member!r} is not on the roll")
    return Credit(person, role, member) if person and role else None
