"""PrefLib ordinal files: ``.soc .soi .toc .toi``, in the current format and the old one.

The current format (since 2022) opens with ``# KEY: value`` lines; ``# ALTERNATIVE NAME i:
name`` names alternative ``i`` (numbered from 1 by the spec, from 0 in some files: the ids are
taken as given). Each further line is ``count: order``, best first, with tied alternatives in
braces: ``13: 1, {4, 3}, 2``. A brace group becomes one rank with several marks.

The old format (before 2022) starts with the number of alternatives, then ``i,name`` lines, then
``voters,sum of counts,unique orders``, then ``count,1,2,{3,4}`` lines.

Candidates are the alternatives in the order of their ids. ``NUMBER VOTERS`` (or the old sum of
counts), when given, must equal the sum of the counts: a file cut short is caught.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

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

MAX_WEIGHT = 2**62
_METADATA = re.compile(r"^#\s*([^:]+?)\s*:\s?(.*?)\s*$")
_ALTERNATIVE = re.compile(r"^ALTERNATIVE NAME\s+(\d+)$", re.IGNORECASE)
_ITEM = re.compile(r"\{[^}]*\}|[^,{}]+")


@dataclass
class _Election:
    path: str
    names: dict[int, str] = field(default_factory=dict)
    codes: dict[int, int] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    rows: list[list[int]] = field(default_factory=list)
    weights: list[int] = field(default_factory=list)
    cells: CellCodes = field(default_factory=CellCodes)
    voters: tuple[int, int] | None = None
    """The number of voters the file states, and the line where it does."""

    def fail(self, message: str, line: int | None = None) -> BallotFileError:
        return BallotFileError(message, path=self.path, line=line)


def read_preflib(path: str | os.PathLike[str], progress: Progress | None = None) -> BallotFile:
    """Read a PrefLib ``.soc/.soi/.toc/.toi`` file, current or old format."""
    where = os.fspath(path)
    return parse_preflib(decode(read_bytes(path, progress), where), where)


def parse_preflib(text: str, path: str = "<preflib>") -> BallotFile:
    """Parse the text of a PrefLib file; ``path`` is used in error messages."""
    lines = [(n, line.strip()) for n, line in enumerate(text.split("\n"), start=1)]
    lines = [(n, line) for n, line in lines if line]
    election = _Election(path)
    if lines and is_number(lines[0][1]):
        _read_old(election, lines)
    else:
        _read_current(election, lines)
    return _ballot_file(election)


def _read_current(election: _Election, lines: list[tuple[int, str]]) -> None:
    for number, line in lines:
        if line.startswith("#"):
            _metadata(election, number, line)
        else:
            count, _, order = line.partition(":")
            if not _:
                raise election.fail(f"expected 'count: order', found {line!r}", number)
            _order(election, number, count, order.split(","))


def _metadata(election: _Election, number: int, line: str) -> None:
    found = _METADATA.match(line)
    if not found:
        return
    key, value = found.group(1).upper(), found.group(2)
    if alternative := _ALTERNATIVE.match(key):
        election.names[int(alternative.group(1))] = value
    elif key == "NUMBER VOTERS" and is_number(value):
        election.voters = (int(value), number)
    else:
        election.metadata[key] = value


def _read_old(election: _Election, lines: list[tuple[int, str]]) -> None:
    n = int(lines[0][1])
    if len(lines) < n + 2:
        raise election.fail(f"expected {n} alternatives and a count line", lines[-1][0])
    for number, line in lines[1 : n + 1]:
        ident, comma, name = line.partition(",")
        if not comma or not is_number(ident.strip()):
            raise election.fail(f"expected 'id,name' for an alternative, found {line!r}", number)
        election.names[int(ident)] = name.strip()
    number, totals = lines[n + 1]
    parts = [p.strip() for p in totals.split(",")]
    if len(parts) != 3 or not all(is_number(p) for p in parts):
        raise election.fail(
            f"expected 'voters,sum of counts,unique orders', found {totals!r}", number
        )
    election.voters = (int(parts[1]), number)
    for number, line in lines[n + 2 :]:
        count, _, order = line.partition(",")
        _order(election, number, count, [order] if order else [])


def _order(election: _Election, number: int, count: str, parts: list[str]) -> None:
    """One ``count: order`` line."""
    count = count.strip()
    if not is_number(count) or int(count) >= MAX_WEIGHT:
        raise election.fail(f"count {count!r} is not a whole number", number)
    items = _ITEM.findall(",".join(parts))
    row: list[int] = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        group = item.strip("{}").split(",") if item.startswith("{") else [item]
        marks = [_alternative(election, number, g.strip()) for g in group if g.strip()]
        if marks:
            row.append(election.cells.cell(marks))
    election.rows.append(row)
    election.weights.append(int(count))


def _alternative(election: _Election, number: int, token: str) -> int:
    if len(election.codes) != len(election.names):
        election.codes = {ident: code for code, ident in enumerate(sorted(election.names))}
    if is_number(token) and int(token) in election.codes:
        return election.codes[int(token)]
    if not election.names and is_number(token):
        raise election.fail("the file names no alternatives (# ALTERNATIVE NAME lines)", number)
    raise election.fail(f"alternative {token!r} is not named in the header", number)


def _ballot_file(election: _Election) -> BallotFile:
    names = tuple(election.names[k] for k in sorted(election.names))
    if len(set(names)) != len(names):
        raise election.fail("two alternatives have the same name")
    total = sum(election.weights)
    if election.voters is not None and election.voters[0] != total:
        stated, line = election.voters
        raise election.fail(f"the header says {stated} voters, the counts add up to {total}", line)
    profile = profile_from_rows(names, election.rows, election.weights, election.cells)
    title = election.metadata.get("TITLE") or election.metadata.get("FILE NAME", "")
    return BallotFile(profile=profile, path=election.path, format="preflib", title=title)
