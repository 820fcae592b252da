"""Plain CSV ballots: one ballot a row, the candidates' names in rank order.

The layout, top to bottom (every part optional but the ballots)::

    #candidates,Smith,"Jones, A",Brown      the candidates, in their order (see below)
    #withdrawn,Brown                        withdrawn candidates
    # any other row whose first field starts with # before the ballots is a comment
    rank1,rank2,rank3,weight                a header
    Smith,"Jones, A",,2                     ballots
    Brown=Smith,,Jones,1

* **Header.** The first row after the ``#`` rows is a header when every one of its fields is
  a rank label (``rank1``, ``Rank 2``, ``choice3``, ``pref_4``, ``preference 5``: a word
  ``rank``/``choice``/``pref``/``preference`` and a number, any case) or a weight label
  (``weight`` or ``count``) or empty, and at least one is not empty. Otherwise it is the first
  ballot. A header with rank labels and some other column is an error (rather than reading that
  column's label as a candidate).
* **Weight.** A header column labelled ``weight`` or ``count`` holds how many voters cast the
  row's ballot: a whole number ``>= 0``. Without one every row is one ballot.
* **Cells.** A cell holds a candidate's name (surrounding spaces are ignored); an empty cell is a
  skipped rank (trailing ones are padding). Several names joined by ``=`` (``Brown=Smith``) are
  marked at the same rank: an equal ranking or an overvote, as the counting rules say. In a name,
  ``\\=`` is a literal ``=`` and ``\\\\`` a literal backslash. Fields are quoted the CSV way.
* **Candidates.** Without ``#candidates`` the candidates are every name in the ballots, in the
  order they first appear (row by row, left to right); with it, a ballot naming anyone else is an
  error, which catches misspelt names.
* Rows with more fields than the header are errors. Without a header, rows may differ in length.
  Empty lines are ignored. The file is UTF-8 (a byte-order mark is allowed), LF or CRLF.

Big files are read with numpy (:mod:`shortlist.formats.csv_lines`: cell by cell, or grouping
identical lines first) or with pyarrow's multithreaded CSV reader into dictionary codes (first
for the biggest files), and grouped with numpy; nothing is built per ballot. Small files, and
any file both find irregular, are read with the standard library, which also gives errors their
exact line.
"""

from __future__ import annotations

import csv
import io
import itertools
import mmap
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import numpy as np
import numpy.typing as npt

from shortlist.errors import BallotFileError
from shortlist.formats.ballotfile import (
    BallotFile,
    CellCodes,
    Progress,
    decode,
    is_number,
    read_bytes,
)
from shortlist.methods.ballots import SKIP, Profile, group_keys

if TYPE_CHECKING:
    import pyarrow

FAST_PATH_BYTES = 1 << 20
"""Files at least this big go through pyarrow; smaller ones through the csv module."""

WEIGHT_LABELS = ("weight", "count")
MAX_WEIGHT = 2**62
_HEAD_ROWS = 4096
_BOM = b"\xef\xbb\xbf"
_RANK_LABEL = re.compile(r"^(rank|choice|pref|preference)\s*[_#-]?\s*\d+$", re.IGNORECASE)
_DIRECTIVES = ("#candidates", "#withdrawn")

Codes = npt.NDArray[np.int32]
Record = tuple[list[str], int, int]
"""A CSV record, the line it starts on and the line it ends on."""


class _Irregular(Exception):
    """The fast path met something only the careful path can read or report."""


@dataclass
class _Layout:
    """What the rows before the ballots say: declared names, the header, where ballots start."""

    declared: list[str] | None = None
    withdrawn: list[str] = field(default_factory=list)
    directive_line: int | None = None
    header: list[str] | None = None
    width: int = 0
    weight_column: int | None = None
    start_line: int = 1
    first_row: list[str] | None = None

    @property
    def rank_columns(self) -> list[int]:
        return [j for j in range(self.width) if j != self.weight_column]

    def label(self, rank: int) -> str:
        """The header label of the ``rank``-th rank column (from 0)."""
        if self.header is not None and self.header[self.rank_columns[rank]]:
            return self.header[self.rank_columns[rank]]
        return f"rank{rank + 1}"


# -- the layout ------------------------------------------------------------------------------


def _numbered(reader: Any) -> Iterator[Record]:
    """The records of a ``csv.reader`` with the lines each starts and ends on."""
    start = 1
    for record in reader:
        yield record, start, reader.line_num
        start = reader.line_num + 1


def _read_layout(records: Iterator[Record]) -> _Layout:
    """Read the ``#`` rows and a header, or the first ballot row when there is no header."""
    layout = _Layout()
    for record, start, end in records:
        if not record:
            continue
        first = record[0].strip()
        if first.startswith("#"):
            _directive(layout, first.lower(), record[1:], start)
            continue
        labels = [f.strip() for f in record]
        known = [not x or bool(_RANK_LABEL.match(x)) or x.lower() in WEIGHT_LABELS for x in labels]
        if any(_RANK_LABEL.match(x) for x in labels) and not all(known):
            other = labels[known.index(False)]
            raise _LayoutError(
                f"the header's column {other!r} is neither a rank nor a weight", start
            )
        if all(known) and any(labels):
            layout.header = labels
            weights = [j for j, x in enumerate(labels) if x.lower() in WEIGHT_LABELS]
            layout.weight_column = weights[0] if weights else None
            layout.start_line = end + 1
        else:
            layout.first_row = record
            layout.start_line = start
        layout.width = len(record)
        return layout
    return layout


def _directive(layout: _Layout, word: str, fields: list[str], line: int) -> None:
    if word.startswith(("# kind:", "# scale:", "#kind:", "#scale:")):
        raise _LayoutError(
            f"{word.strip()!r} marks a score, approval or choice file, not ranked ballots: "
            "count it with a method for scores (e.g. --method score-average) or "
            "--input-format scores",
            line,
        )
    if word not in _DIRECTIVES:
        return
    try:
        names = [_one_name(f) for f in fields if f.strip()]
    except ValueError as exc:
        raise _LayoutError(f"{exc.args[0]!r} is not one candidate's name", line) from None
    if word == "#candidates":
        layout.declared = names
    else:
        layout.withdrawn = names
        layout.directive_line = line


class _LayoutError(Exception):
    """A ``#`` row or the header is wrong (the reader adds the path)."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _one_name(text: str) -> str:
    marks = _marks(text)
    if len(marks) != 1:
        raise ValueError(text)
    return marks[0]


def _marks(token: str) -> tuple[str, ...]:
    """The names in one cell: ``a=b`` splits, ``\\=`` and ``\\\\`` escape; empty: no mark."""
    if "\\" not in token:
        parts = token.split("=")
    else:
        parts, current, chars = [], [], iter(token)
        for char in chars:
            if char == "\\":
                current.append(next(chars, "\\"))
            elif char == "=":
                parts.append("".join(current))
                current = []
            else:
                current.append(char)
        parts.append("".join(current))
    names = tuple(p.strip() for p in parts)
    if names == ("",):
        return ()
    if "" in names:
        raise ValueError(token)
    return names


# -- reading: the careful path ---------------------------------------------------------------


def read_csv(path: str | os.PathLike[str], progress: Progress | None = None) -> BallotFile:
    """Read a plain CSV ballot file (see the module docstring for the layout)."""
    where = os.fspath(path)
    try:
        size = os.path.getsize(where)
    except OSError as exc:
        raise BallotFileError(f"cannot read the file: {exc.strerror}", path=where) from None
    if size >= FAST_PATH_BYTES:
        from shortlist.formats.csv_lines import NUMPY_FIRST_BYTES, read_csv_lines

        readers = [read_csv_lines, _read_fast]
        for reader in readers if size <= NUMPY_FIRST_BYTES else readers[::-1]:
            try:
                return reader(where, size, progress)
            except _Irregular:
                pass
    return parse_csv(decode(read_bytes(where, progress), where), where)


def parse_csv(text: str, path: str = "<csv>") -> BallotFile:
    """Parse CSV text with the standard library; ``path`` is used in error messages."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _numbered(reader)
    try:
        layout = _read_layout(records)
        tokens, codes, weights, lines = _read_rows(layout, records, path)
        order = _first_seen(codes, len(tokens))
        return _ballot_file(tokens, codes, weights, order, layout, path, lines)
    except _LayoutError as exc:
        raise BallotFileError(exc.reason, path=path, line=exc.line) from None
    except csv.Error as exc:
        raise BallotFileError(f"not valid CSV: {exc}", path=path, line=reader.line_num) from None


def _read_rows(
    layout: _Layout, records: Iterator[Record], path: str
) -> tuple[list[str], Codes, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every ballot row as token codes, with its weight and the line it starts on."""
    index: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    token_of = index.__getitem__
    token_of("")  # token 0 pads short rows
    rows: list[list[int]] = []
    weights: list[int] = []
    lines: list[int] = []
    first: list[Record] = []
    if layout.first_row is not None:
        first.append((layout.first_row, layout.start_line, layout.start_line))
    for record, line, _ in itertools.chain(first, records):
        if not record:
            continue
        if layout.header is not None and len(record) > layout.width:
            raise BallotFileError(
                f"the row has {len(record)} fields, the header {layout.width}", path=path, line=line
            )
        cells = record
        if layout.weight_column is not None:
            weights.append(_weight(record, layout, path, line))
            cells = record[: layout.weight_column] + record[layout.weight_column + 1 :]
        rows.append(list(map(token_of, cells)))
        lines.append(line)
    if layout.weight_column is None:
        weights = [1] * len(rows)
    return list(index), _matrix(rows), np.asarray(weights, np.int64), np.asarray(lines, np.int64)


def _matrix(rows: list[list[int]]) -> Codes:
    """The rows as one matrix, short rows padded with token 0 (an empty cell)."""
    width = max(map(len, rows), default=1)
    if any(len(row) != width for row in rows):
        rows = [row + [0] * (width - len(row)) for row in rows]
    return np.array(rows, dtype=np.int32).reshape(len(rows), width)


def _weight(record: list[str], layout: _Layout, path: str, line: int) -> int:
    column = layout.weight_column
    if column is None:
        return 1
    text = record[column].strip() if column < len(record) else ""
    if not is_number(text) or int(text) >= MAX_WEIGHT:
        raise BallotFileError(
            f"invalid weight {text!r}: a whole number 0 or more is needed",
            path=path,
            line=line,
            field=layout.header[column] if layout.header else None,
        )
    return int(text)


# -- reading: the fast path ------------------------------------------------------------------


class _Watched(io.RawIOBase):
    """A binary file that reports how far it has been read."""

    def __init__(self, raw: io.BufferedReader, total: int, progress: Progress | None) -> None:
        super().__init__()
        self.raw = raw
        self.total = total
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = int(self.raw.readinto(buffer))
        if self.progress is not None:
            self.progress(self.raw.tell(), self.total)
        return n


def _read_fast(path: str, size: int, progress: Progress | None) -> BallotFile:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as raw:
        layout, offset = _layout_of_stream(raw)
        if layout.width == 0:
            raise _Irregular
        raw.seek(offset)
        if offset > 0 and raw.peek(3)[:3] == _BOM:
            raise _Irregular  # pyarrow would drop a U+FEFF that is part of a name
        names = [f"c{j}" for j in range(layout.width)]
        kinds = {names[j]: pa.dictionary(pa.int32(), pa.binary()) for j in layout.rank_columns}
        if layout.weight_column is not None:
            kinds[names[layout.weight_column]] = pa.int64()
        try:
            table = pacsv.read_csv(
                _Watched(raw, size, progress),
                read_options=pacsv.ReadOptions(column_names=names),
                parse_options=pacsv.ParseOptions(newlines_in_values=_has_quotes(raw)),
                convert_options=pacsv.ConvertOptions(
                    column_types=kinds,
                    null_values=[],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, ValueError):
            raise _Irregular from None
    cells = _TokenColumns([table.column(names[j]) for j in layout.rank_columns], table.num_rows)
    rows, weights = cells.grouped(_weights_of_table(table, names, layout))
    order = _first_seen(cells.codes(_HEAD_ROWS), len(cells.tokens))
    if len(order) < len(cells.tokens):
        order = _first_seen(cells.codes(), len(cells.tokens))
    return _ballot_file(cells.tokens, rows, weights, order, layout, path, None)


def _has_quotes(raw: io.BufferedReader) -> bool:
    """Whether the file quotes any field: only then can a line break sit inside a value.

    (pyarrow splits its work at line breaks unless told values may hold them, which is slower.)
    """
    try:
        with mmap.mmap(raw.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return view.find(b'"') >= 0
    except (OSError, ValueError):
        return True


def _layout_of_stream(raw: BinaryIO) -> tuple[_Layout, int]:
    """The layout read from the first lines, and the byte offset where the ballots start."""
    starts: list[int] = []

    def lines() -> Iterator[str]:
        while True:
            starts.append(raw.tell())
            line = raw.readline()
            if not line:
                return
            if len(starts) == 1 and line.startswith(_BOM):
                line = line[3:]
                starts[0] = 3
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError:
                raise _Irregular from None

    try:
        layout = _read_layout(_numbered(csv.reader(lines())))
    except (csv.Error, _LayoutError):
        raise _Irregular from None
    read = layout.start_line <= len(starts)
    offset = starts[layout.start_line - 1] if read else raw.tell()
    return layout, offset


class _TokenColumns:
    """The rank columns of a pyarrow table as token codes: one token per distinct cell text.

    Each chunk of a dictionary column maps its few dictionary entries to tokens; the cells
    themselves are only ever numpy indices.
    """

    def __init__(self, columns: list[Any], n_rows: int) -> None:
        index: dict[str, int] = {}
        self.n_rows = n_rows
        self.pieces: list[list[tuple[Codes, npt.NDArray[np.int32]]]] = []
        for column in columns:
            pieces = []
            for chunk in column.chunks:
                lookup = [
                    index.setdefault(_text(t), len(index)) for t in chunk.dictionary.to_pylist()
                ]
                indices = _integers(chunk.indices, np.int32)
                pieces.append((np.asarray(lookup, dtype=np.int32), indices))
            self.pieces.append(pieces)
        self.tokens = list(index)

    def column(self, j: int, stop: int | None = None) -> Codes:
        parts, taken = [], 0
        for lookup, indices in self.pieces[j]:
            if stop is not None and taken >= stop:
                break
            parts.append(lookup[indices if stop is None else indices[: stop - taken]])
            taken += len(parts[-1])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

    def codes(self, stop: int | None = None) -> Codes:
        """The ``(rows, ranks)`` matrix of token codes (of the first ``stop`` rows)."""
        rows = self.n_rows if stop is None else min(stop, self.n_rows)
        codes = np.zeros((rows, max(len(self.pieces), 1)), dtype=np.int32)
        for j in range(len(self.pieces)):
            codes[:, j] = self.column(j, stop)
        return codes

    def grouped(self, weights: npt.NDArray[np.int64] | None) -> tuple[Codes, npt.NDArray[np.int64]]:
        """Distinct rows of token codes and their summed weights (``None``: each row is one).

        Each row is packed into one integer key, built chunk by chunk straight from the
        dictionary indices, so the only big arrays are the keys.
        """
        base, width = max(len(self.tokens), 1), len(self.pieces)
        if width == 0 or base**width >= 2**63:
            ones = np.ones(self.n_rows, dtype=np.int64)
            return self.codes(), ones if weights is None else weights
        keys = np.zeros(self.n_rows, dtype=np.int32 if base**width < 2**31 else np.int64)
        for pieces in self.pieces:
            row = 0
            for lookup, indices in pieces:
                part = keys[row : row + len(indices)]
                np.multiply(part, base, out=part)
                np.add(part, lookup[indices], out=part)
                row += len(indices)
        if weights is None:
            uniq, counts = np.unique(keys, return_counts=True)
            summed = counts.astype(np.int64)
        else:
            uniq, summed = group_keys(keys.astype(np.int64), weights)
        rows = np.empty((len(uniq), width), dtype=np.int32)
        for j in range(width - 1, -1, -1):
            uniq, digit = np.divmod(uniq, base)
            rows[:, j] = digit
        return rows, summed


def _integers(array: Any, dtype: type[np.integer[Any]]) -> npt.NDArray[Any]:
    """The values of a pyarrow integer array without nulls, straight from its buffer.

    (``Array.to_numpy`` would import pandas, which costs more than reading the file.)
    """
    validity, data = array.buffers()[:2]
    if validity is not None and array.null_count:
        raise _Irregular
    return np.frombuffer(data, dtype=dtype)[array.offset : array.offset + len(array)]


def _text(cell: bytes) -> str:
    """A cell's bytes as text (pyarrow reads them as bytes: it need not check UTF-8 then)."""
    try:
        return cell.decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None


def _weights_of_table(
    table: pyarrow.Table, names: list[str], layout: _Layout
) -> npt.NDArray[np.int64] | None:
    if layout.weight_column is None:
        return None
    chunks = table.column(names[layout.weight_column]).chunks
    parts = [_integers(c, np.int64) for c in chunks] or [np.zeros(0, np.int64)]
    weights: npt.NDArray[np.int64] = np.concatenate(parts).astype(np.int64, copy=False)
    if bool((weights < 0).any()) or bool((weights >= MAX_WEIGHT).any()):
        raise _Irregular
    return weights


# -- from token codes to a profile -----------------------------------------------------------


def _ballot_file(
    tokens: list[str],
    codes: Codes,
    weights: npt.NDArray[np.int64],
    order: list[int],
    layout: _Layout,
    path: str,
    lines: npt.NDArray[np.int64] | None,
) -> BallotFile:
    """Name the tokens, order the candidates, and build the grouped profile.

    ``order`` lists the tokens in the order they first appear in the file. Without ``lines``
    (the fast path) an error sends the file to the careful path, which can say where it is.
    """

    def fail(message: str, token: int) -> BallotFileError:
        if lines is None:
            raise _Irregular
        row, rank = (int(x) for x in np.argwhere(codes == token)[0])
        return BallotFileError(message, path=path, line=int(lines[row]), field=layout.label(rank))

    named = _named_tokens(tokens, order, layout, path, fail)
    ranks = named.cell[codes] if len(tokens) else np.full(codes.shape, SKIP, dtype=np.int32)
    profile = Profile(named.candidates, ranks, weights, named.multi, named.withdrawn)
    return BallotFile(profile=profile.grouped(), path=path, format="csv")


@dataclass(frozen=True)
class _NamedTokens:
    """The candidates, and the cell (candidate, set of candidates, or ``SKIP``) of each token."""

    candidates: tuple[str, ...]
    cell: npt.NDArray[np.int32]
    """Each token's cell code as the profile has it (``SKIP`` for tokens not in ``order``)."""
    multi: tuple[tuple[int, ...], ...]
    withdrawn: frozenset[int]


def _named_tokens(
    tokens: list[str],
    order: list[int],
    layout: _Layout,
    path: str,
    fail: Callable[[str, int], BallotFileError],
) -> _NamedTokens:
    marks: list[tuple[str, ...]] = []
    for t, token in enumerate(tokens):
        try:
            marks.append(_marks(token))
        except ValueError:
            raise fail(f"{token!r} has an empty name beside '='", t) from None
    candidates = _candidates(layout, path, [name for t in order for name in marks[t]])
    index = {name: code for code, name in enumerate(candidates)}
    cells = CellCodes()
    lookup = np.full(len(tokens), SKIP, dtype=np.int32)
    for t in order:
        unknown = [name for name in marks[t] if name not in index]
        if unknown:
            raise fail(f"{unknown[0]!r} is not in the #candidates list", t)
        lookup[t] = cells.cell([index[name] for name in marks[t]])
    withdrawn = _withdrawn(layout, path, index)
    return _NamedTokens(candidates, cells.renumber(lookup), cells.multi_tuple(), withdrawn)


def _first_seen(codes: Codes, n_tokens: int) -> list[int]:
    """The tokens in the order they first appear, row by row and left to right."""
    head = codes[:_HEAD_ROWS].ravel()
    values, first = np.unique(head, return_index=True)
    order = [int(v) for v in values[np.argsort(first, kind="stable")]]
    if len(order) == n_tokens or codes.shape[0] <= _HEAD_ROWS:
        return order
    seen = np.zeros(n_tokens, dtype=bool)
    seen[values] = True
    rest = codes[_HEAD_ROWS:].ravel()
    fresh = np.flatnonzero(~seen[rest])
    values, first = np.unique(rest[fresh], return_index=True)
    return order + [int(v) for v in values[np.argsort(first, kind="stable")]]


def _candidates(layout: _Layout, path: str, seen: Sequence[str]) -> tuple[str, ...]:
    if layout.declared is None:
        return tuple(dict.fromkeys(seen))
    if len(set(layout.declared)) != len(layout.declared):
        raise BallotFileError("#candidates names a candidate twice", path=path)
    return tuple(layout.declared)


def _withdrawn(layout: _Layout, path: str, index: dict[str, int]) -> frozenset[int]:
    missing = [name for name in layout.withdrawn if name not in index]
    if missing:
        raise BallotFileError(
            f"withdrawn candidate {missing[0]!r} is not a candidate",
            path=path,
            line=layout.directive_line,
        )
    return frozenset(index[name] for name in layout.withdrawn)


# -- writing ---------------------------------------------------------------------------------


def write_csv(profile: Profile, out: TextIO, *, weights: bool = True) -> None:
    """Write the profile in the layout the reader reads back to the same profile.

    A ``weight`` column holds each distinct ballot's count (``weights=False``: a row for every
    ballot). ``#candidates`` is written only when the ballots alone would not give the
    candidates in their order, and ``#withdrawn`` only when someone is withdrawn.
    """
    cell_text = {cell: _cell_text(profile, cell) for cell in range(-1 - len(profile.multi), 0)}
    cell_text.update({c: _escape(name) for c, name in enumerate(profile.candidates)})
    rows = [_trimmed(row) for row in profile.ranks.tolist()]
    width = max((len(r) for r in rows), default=1) or 1
    writer = csv.writer(out, lineterminator="\n")
    appearing = dict.fromkeys(c for row in rows for cell in row for c in profile.marks(cell))
    if list(appearing) != list(range(profile.n_candidates)):
        writer.writerow(["#candidates", *(cell_text[c] for c in range(profile.n_candidates))])
    if profile.withdrawn:
        writer.writerow(["#withdrawn", *(cell_text[c] for c in sorted(profile.withdrawn))])
    header = [f"rank{k + 1}" for k in range(width)]
    writer.writerow([*header, "weight"] if weights else header)
    for row, weight in zip(rows, profile.weights.tolist(), strict=True):
        cells = [cell_text[c] for c in row] + [""] * (width - len(row))
        if weights:
            writer.writerow([*cells, str(weight)])
        else:
            writer.writerows([cells] * weight)


def _trimmed(row: list[int]) -> list[int]:
    while row and row[-1] == SKIP:
        row.pop()
    return row


def _cell_text(profile: Profile, cell: int) -> str:
    return "=".join(_escape(profile.candidates[c]) for c in profile.marks(cell))


def _escape(name: str) -> str:
    if not name or name != name.strip():
        raise BallotFileError(f"a CSV name cannot be empty or begin or end with a space: {name!r}")
    return name.replace("\\", "\\\\").replace("=", "\\=")
