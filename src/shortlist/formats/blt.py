"""BLT ballot files (the ERS format of OpenSTV, Droop and eSTV), read in every dialect, and written.

The canonical form (see ``shared/data/elections/FORMATS.md`` §1)::

    <candidates> <seats>
    [-<id> ...]  [[tie ...]] [[nick ...]] [[withdrawn ...]] [[undeclared ...]] [[droop k=v ...]]
    <weight> <rank> ... 0          one record per distinct ballot; a rank is an id 1..n,
    (<ballot id>) <rank> ... 0     ``a=b`` (equal ranking, several marks at one rank) or
    ...                            ``-`` (a skipped rank); Droop's nicknames stand for ids
    0
    "<name of candidate 1>" ... "<name of candidate n>"
    "<title>"

What this reader also accepts, because real files do it:

* ``#`` comments (at a line's start or after a space, outside quotes) and ``/* ... */``;
  a UTF-8 byte-order mark; CRLF line ends.
* A ballot record without its closing ``0`` ends at the end of its line (the ERS97 file): one
  line is one record, and a line may hold several records that each end in ``0``.
* Names quoted, quoted with CSV-style doubled quotes (``"A ""B"" C"``) or not quoted at all (one
  name a line), and a title in any of these forms. Glasgow 2007's originals give the names only
  as ``# ALTERNATIVE NAME k: name`` comments; then the line after the ballots is the title.
  Anything after the title (Droop's source and comment lines, notes) is ignored.

The profile keeps what the file says: a record of weight ``w`` with no ranks is ``w`` blank
ballots; a candidate named twice on a ballot stays so (the counting rules say what it means);
withdrawn candidates (``-n`` or ``[withdrawn ...]``) go to :attr:`Profile.withdrawn`.
Ballot ids must be unique and are then dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TextIO

import numpy as np

from shortlist.errors import BallotFileError
from shortlist.formats.ballotfile import (
    BallotFile,
    CellCodes,
    Progress,
    decode,
    is_number,
    profile_from_rows,
    read_bytes,
)
from shortlist.formats.blt_block import NumericBlock, numeric_block
from shortlist.methods.ballots import SKIP, Profile

MAX_WEIGHT = 2**62
_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[\[\]]|[^\s\[\]"]+')
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_ALTERNATIVE_NAME = re.compile(r"^\s*#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s?(.*?)\s*$", re.IGNORECASE)
_OPTIONS = ("tie", "nick", "droop", "withdrawn", "undeclared")


@dataclass(frozen=True)
class _Line:
    number: int
    text: str


@dataclass
class _Header:
    n_candidates: int = 0
    seats: int = 0
    withdrawn: list[str] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)
    option_lines: dict[str, int] = field(default_factory=dict)


# -- reading ----------------------------------------------------------------------------------


def read_blt(path: str | os.PathLike[str], progress: Progress | None = None) -> BallotFile:
    """Read a BLT file in any of the dialects described in the module docstring."""
    where = os.fspath(path)
    return parse_blt(decode(read_bytes(path, progress), where), where)


def parse_blt(text: str, path: str = "<blt>") -> BallotFile:
    """Parse the text of a BLT file; ``path`` is used in error messages."""
    block = numeric_block(text)
    if block is not None:
        head, names_before = _clean_lines(text[: block.start], path)
        tail, names_after = _clean_lines(text[block.end :], path, block.lines_before_end(text))
        lines, alternative_names = head + tail, {**names_before, **names_after}
        try:
            return _BltReader(path, lines, alternative_names, block).read()
        except _Reread:
            pass
    lines, alternative_names = _clean_lines(text, path)
    return _BltReader(path, lines, alternative_names).read()


class _Reread(Exception):
    """The fast block holds something wrong: read it line by line to say where."""


def _clean_lines(text: str, path: str, lines_before: int = 0) -> tuple[list[_Line], dict[int, str]]:
    """Lines without comments (blank ones dropped), and any ``# ALTERNATIVE NAME`` names."""
    lines: list[_Line] = []
    names: dict[int, str] = {}
    in_block = False
    for number, raw in enumerate(text.split("\n"), start=lines_before + 1):
        line = raw.rstrip("\r")
        if not in_block and (found := _ALTERNATIVE_NAME.match(line)):
            names[int(found.group(1))] = found.group(2)
            continue
        line, in_block = _strip_comment(line, in_block)
        if line.strip():
            lines.append(_Line(number, line))
    if in_block:
        raise BallotFileError("a /* comment is never closed", path=path)
    return lines, names


def _strip_comment(line: str, in_block: bool) -> tuple[str, bool]:
    """The line without ``#`` and ``/* */`` comments outside quotes; whether a block stays open."""
    if not in_block and "#" not in line and "/*" not in line:
        return line, False
    kept: list[str] = []
    quoted = False
    i = 0
    while i < len(line):
        if in_block:
            end = line.find("*/", i)
            if end < 0:
                break
            kept.append(" ")
            i, in_block = end + 2, False
            continue
        char = line[i]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "#" and (i == 0 or line[i - 1].isspace()):
            break
        elif not quoted and line.startswith("/*", i):
            i, in_block = i + 2, True
            continue
        kept.append(char)
        i += 1
    return "".join(kept), in_block


class _BltReader:
    """One pass over the cleaned lines: header, options, ballots, names, title."""

    def __init__(
        self,
        path: str,
        lines: list[_Line],
        alternative_names: dict[int, str],
        block: NumericBlock | None = None,
    ) -> None:
        self.block = block
        self.path = path
        self.lines = lines
        self.alternative_names = alternative_names
        self.tokens = self._tokens()
        self.header = _Header()
        self.nicknames: dict[str, int] = {}
        self.cells = CellCodes()
        self.rows: list[list[int]] = []
        self.weights: list[int] = []
        self.ballot_ids: set[str] = set()

    def _tokens(self) -> Iterator[tuple[int, int, str]]:
        """(line index, column, token) through the whole file."""
        for index, line in enumerate(self.lines):
            for found in _TOKEN.finditer(line.text):
                yield index, found.start(), found.group()

    def fail(self, message: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(message, path=self.path, line=line)

    def _next(self, expecting: str) -> tuple[int, int, str]:
        try:
            return next(self.tokens)
        except StopIteration:
            last = self.lines[-1].number if self.lines else None
            raise self.fail(f"the file ends where {expecting} should be", last) from None

    # -- the parts of the file, in order ------------------------------------------------------

    def read(self) -> BallotFile:
        self._read_counts()
        index, column = self._read_preamble()
        codes = self._resolve_header()
        end = self._read_ballots(index, column)
        names, title = self._read_names(end)
        self._check_names(names)
        profile = profile_from_rows(
            tuple(names), self.rows, self.weights, self.cells, frozenset(codes["withdrawn"])
        )
        return BallotFile(
            profile=self._with_block(profile),
            path=self.path,
            format="blt",
            title=title,
            seats=self.header.seats,
            tie_order=tuple(names[c] for c in codes["tie"]),
            options=MappingProxyType(_droop_options(self.header.options.get("droop", []))),
            undeclared=tuple(names[c] for c in codes["undeclared"]),
        )

    def _with_block(self, profile: Profile) -> Profile:
        """The profile with the fast block's ballots added."""
        if self.block is None:
            return profile
        ids = self.block.ids
        if int(ids.max()) > self.header.n_candidates:
            raise _Reread
        width = max(profile.max_ranks, ids.shape[1])
        ranks = np.full((profile.n_rows + ids.shape[0], width), SKIP, dtype=np.int32)
        ranks[: profile.n_rows, : profile.max_ranks] = profile.ranks
        ranks[profile.n_rows :, : ids.shape[1]] = ids - 1
        weights = np.concatenate((profile.weights, self.block.weights))
        return Profile(
            profile.candidates, ranks, weights, profile.multi, profile.withdrawn
        ).grouped()

    def _read_counts(self) -> None:
        for attribute, what in (("n_candidates", "the number of candidates"), ("seats", "seats")):
            index, _, token = self._next(what)
            if not is_number(token):
                raise self.fail(
                    f"expected {what} (a whole number), found {token!r}", self.lines[index].number
                )
            setattr(self.header, attribute, int(token))

    def _read_preamble(self) -> tuple[int, int]:
        """Withdrawn ``-n`` ids and ``[...]`` options; returns where the ballots start."""
        while True:
            index, column, token = self._next("the ballots")
            if token == "[":
                self._read_option(index)
            elif token.startswith("-") and is_number(token[1:]):
                self.header.withdrawn.append(token[1:])
                self.header.option_lines.setdefault("withdrawn", self.lines[index].number)
            else:
                return index, column

    def _read_option(self, index: int) -> None:
        line = self.lines[index].number
        _, _, name = self._next("an option's name")
        if name not in _OPTIONS:
            raise self.fail(f"unknown option [{name} ...]", line)
        values: list[str] = []
        while (token := self._next("the ] closing an option")[2]) != "]":
            values.append(token)
        if name == "withdrawn":
            self.header.withdrawn.extend(values)
        else:
            self.header.options.setdefault(name, []).extend(values)
        self.header.option_lines.setdefault(name, line)

    def _resolve_header(self) -> dict[str, list[int]]:
        """Nicknames first, then the candidates the options name, as codes."""
        nicks = self.header.options.get("nick", [])
        n = self.header.n_candidates
        if "nick" in self.header.options:
            if len(nicks) != n or len(set(nicks)) != n:
                raise self.fail(
                    f"[nick] must give {n} different nicknames", self.header.option_lines["nick"]
                )
            self.nicknames = {nick: code for code, nick in enumerate(nicks)}
        codes: dict[str, list[int]] = {}
        for name in ("tie", "withdrawn", "undeclared"):
            values = (
                self.header.withdrawn if name == "withdrawn" else self.header.options.get(name, [])
            )
            where = self.header.option_lines.get(name)
            codes[name] = [self._candidate(v, where) for v in values]
            if len(set(codes[name])) != len(codes[name]):
                raise self.fail(f"[{name}] names a candidate twice", where)
        if "tie" in self.header.options and len(codes["tie"]) != n:
            raise self.fail(
                f"[tie] must list all {n} candidates once", self.header.option_lines["tie"]
            )
        return codes

    def _candidate(self, token: str, line: int | None) -> int:
        """The code of a candidate id (1..n) or nickname."""
        if is_number(token):
            cid = int(token)
            if 1 <= cid <= self.header.n_candidates:
                return cid - 1
            raise self.fail(
                f"candidate id {token} out of range 1..{self.header.n_candidates}", line
            )
        if token in self.nicknames:
            return self.nicknames[token]
        raise self.fail(f"unknown candidate {token!r}", line)

    # -- ballots ------------------------------------------------------------------------------

    def _read_ballots(self, index: int, column: int) -> tuple[int, int]:
        """Read ballot records up to the end marker; returns where the names start."""
        while True:
            line = self.lines[index]
            words = [(m.start(), m.group()) for m in _TOKEN.finditer(line.text, column)]
            end = self._read_ballot_line(words, line.number)
            if end is not None:
                return index, end
            index += 1
            if index == len(self.lines):
                raise self.fail("the ballots never end (no line with a single 0)", line.number)
            column = 0

    def _read_ballot_line(self, words: list[tuple[int, str]], line: int) -> int | None:
        """Every record on one line; the column after the end marker ``0`` if it is here."""
        i = 0
        while i < len(words):
            column, token = words[i]
            if token == "0":
                return column + 1
            weight = self._weight(words, i, line)
            i = self._skip_ballot_id(words, i, line) + 1
            ranks: list[int] = []
            while i < len(words) and words[i][1] != "0":
                ranks.append(self._rank(words[i][1], line))
                i += 1
            i += 1
            self.rows.append(ranks)
            self.weights.append(weight)
        return None

    def _weight(self, words: list[tuple[int, str]], i: int, line: int) -> int:
        token = words[i][1]
        if token.startswith("("):
            return 1
        if not is_number(token):
            raise self.fail(f"ballot weight {token!r} is not a whole number", line)
        weight = int(token)
        if weight >= MAX_WEIGHT:
            raise self.fail(f"ballot weight {token} is too large", line)
        return weight

    def _skip_ballot_id(self, words: list[tuple[int, str]], i: int, line: int) -> int:
        """Index of the last token of a ``(ballot id)``, checking that ids are unique."""
        if not words[i][1].startswith("("):
            return i
        start = i
        while not words[i][1].endswith(")"):
            i += 1
            if i == len(words):
                raise self.fail("a ballot id ( is not closed on its line", line)
        ballot_id = " ".join(w for _, w in words[start : i + 1])[1:-1].strip()
        if ballot_id in self.ballot_ids:
            raise self.fail(f"ballot id ({ballot_id}) appears twice", line)
        self.ballot_ids.add(ballot_id)
        return i

    def _rank(self, token: str, line: int) -> int:
        if token == "-":
            return SKIP
        marks = token.split("=")
        if "-" in marks or "" in marks:
            raise self.fail(f"rank {token!r} is not a candidate or an equal ranking", line)
        return self.cells.cell([self._candidate(m, line) for m in marks])

    # -- names and title ----------------------------------------------------------------------

    def _read_names(self, end: tuple[int, int]) -> tuple[list[str], str]:
        index, column = end
        items = _items(self.lines[index].text[column:])
        for line in self.lines[index + 1 :]:
            items.extend(_items(line.text))
        n = self.header.n_candidates
        if len(items) >= n:
            return items[:n], items[n] if len(items) > n else ""
        if len(self.alternative_names) == n:
            names = [self.alternative_names[k] for k in sorted(self.alternative_names)]
            return names, items[0] if items else ""
        raise self.fail(
            f"expected {n} candidate names after the ballots, found {len(items)}",
            self.lines[-1].number,
        )

    def _check_names(self, names: list[str]) -> None:
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise self.fail(f"two candidates are both called {name!r}")
            seen.add(name)


def _items(text: str) -> list[str]:
    """The names on one line: its quoted strings, or else the whole line."""
    text = text.strip()
    if not text:
        return []
    if text.startswith('"') and (quoted := _QUOTED.findall(text)):
        return [q.replace('""', '"') for q in quoted]
    return [text]


def _droop_options(values: list[str]) -> dict[str, str]:
    """``[droop k=v ...]`` as a mapping; a bare word ``k`` maps to the empty string."""
    options: dict[str, str] = {}
    for value in values:
        key, _, setting = value.partition("=")
        options[key] = setting
    return options


# -- writing ----------------------------------------------------------------------------------


def write_blt(profile: Profile, out: TextIO, *, seats: int, title: str = "") -> None:
    """Write the canonical form: ``=`` for several marks at one rank, ``-`` for a skip.

    Withdrawn candidates are written as ``-n`` ids. Names are quoted, with ``""`` for a quote.
    """
    for name in (*profile.candidates, title):
        if "\n" in name or "\r" in name:
            raise BallotFileError(f"a BLT name cannot hold a line break: {name!r}")
    out.write(f"{profile.n_candidates} {seats}\n")
    if profile.withdrawn:
        out.write(" ".join(f"-{c + 1}" for c in sorted(profile.withdrawn)) + "\n")
    marks = [_blt_cell(profile, cell) for cell in range(-1 - len(profile.multi), 0)]
    for row, weight in zip(profile.ranks.tolist(), profile.weights.tolist(), strict=True):
        while row and row[-1] == SKIP:
            row.pop()
        cells = [str(c + 1) if c >= 0 else marks[c + 1 + len(profile.multi)] for c in row]
        out.write(" ".join([str(weight), *cells, "0"]) + "\n")
    out.write("0\n")
    for name in (*profile.candidates, title):
        out.write('"' + name.replace('"', '""') + '"\n')


def _blt_cell(profile: Profile, cell: int) -> str:
    if cell == SKIP:
        return "-"
    return "=".join(str(c + 1) for c in profile.marks(cell))
