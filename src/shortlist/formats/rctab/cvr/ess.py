"""ES&S cast-vote records: the first sheet of an xlsx workbook, one row per ballot.

RCTab's rules for these sheets (read from its streaming ES&S reader):

* rows from ``firstVoteRowIndex`` on are ballots; the row above them, if any, is the header;
* rank ``r`` is column ``firstVoteColumnIndex + r - 1``; only ``maxRankingsAllowed`` rank
  columns are read (all columns to the right with ``"max"``);
* a cell is trimmed; with an ``overvoteDelimiter`` it may hold several names (an overvote);
  the skipped-rank label means no mark, the overvote label an overvote of unknown candidates,
  the undeclared write-in label a write-in. A cell with no value is no mark, or a write-in
  when the source treats blank cells as write-ins;
* a missing precinct or batch cell is ``missing_precinct_id`` / ``missing_batch_id``; a
  missing id (when ``idColumnIndex`` is set) is an error;
* the record id is ``<file name, sanitized>-<n>``, ``n`` counting records from 1.

The workbook is opened by :mod:`.workbook` (or, when it cannot, by openpyxl in read-only
mode); the sheet is scanned by :mod:`.xlsx`
and, for grouping, identical rows are counted without being parsed again (see
:func:`read_counted`); openpyxl's own parser reads what the scanner does not.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, replace
from typing import IO, Any, TypeVar

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.grouping import column_letter
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CastVoteRecord,
    CvrSource,
    Marks,
)
from shortlist.formats.rctab.cvr.workbook import FirstSheet, Unreadable
from shortlist.formats.rctab.cvr.xlsx import (
    Unsupported,
    cells,
    cells_of_columns,
    count_plain_rows,
    count_rows,
    raw_chunks,
    rows_in,
    scan_rows,
    split_at_row,
    valued_cells_of_column,
)

MISSING_PRECINCT = "missing_precinct_id"
MISSING_BATCH = "missing_batch_id"

_UNSAFE = re.compile(r"[^a-zA-Z0-9_\-.]")


def sanitize(text: str) -> str:
    """RCTab's file-name-safe form of an id: other characters become ``_``."""
    return _UNSAFE.sub("_", text)


def cell_text(value: Any) -> str:
    """A cell value as text, as a spreadsheet shows it in the General format."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Layout:
    """Where things are in a row (0-based columns) and how cells read."""

    first_vote: int
    last_vote: int | None
    id_col: int | None
    precinct_col: int | None
    batch_col: int | None
    delimiter: str | None
    overvote: str | None
    skipped: str | None
    write_in: str | None
    blank_is_write_in: bool

    @classmethod
    def of(cls, source: CvrSource, max_rankings: int | None) -> Layout:
        first = _required(source, source.first_vote_column, "firstVoteColumnIndex") - 1
        return cls(
            first_vote=first,
            last_vote=None if max_rankings is None else first + max_rankings - 1,
            id_col=_zero_based(source.id_column),
            precinct_col=_zero_based(source.precinct_column),
            batch_col=_zero_based(source.batch_column),
            delimiter=source.overvote_delimiter or None,
            overvote=source.overvote_label or None,
            skipped=source.skipped_rank_label or None,
            write_in=source.undeclared_write_in_label or None,
            blank_is_write_in=source.treat_blank_as_undeclared_write_in,
        )

    def widest_column(self) -> tuple[int, str]:
        """The rightmost column the layout names (0-based) and its config field."""
        named = [(self.first_vote, "firstVoteColumnIndex")]
        for col, name in (
            (self.id_col, "idColumnIndex"),
            (self.precinct_col, "precinctColumnIndex"),
            (self.batch_col, "batchColumnIndex"),
        ):
            if col is not None:
                named.append((col, name))
        return max(named)


def _zero_based(index: int | None) -> int | None:
    return None if index is None else index - 1


def _required(source: CvrSource, value: int | None, field: str) -> int:
    if value is None or value < 1:
        raise BallotFileError(
            f"an ES&S source needs {field} (a 1-based index)", path=source.shown_path, field=field
        )
    return value


_T = TypeVar("_T")

#: One row of a sheet: its 1-based number and its cell values by 0-based column (None: empty).
Row = tuple[int, Sequence[Any]]


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the ballots of an ES&S xlsx CVR (or of a CSV copy of its sheet)."""
    layout = Layout.of(source, max_rankings)
    first_row = _required(source, source.first_vote_row, "firstVoteRowIndex")
    if source.path.suffix.lower() == ".csv":
        return read_rows(source, layout, first_row, _csv_rows(source))
    return _xlsx_records(source, layout, first_row)


def read_rows(
    source: CvrSource, layout: Layout, first_row: int, rows: Iterable[Row], index: int = 0
) -> Iterator[CastVoteRecord]:
    """Records from the rows present in the sheet, from ``first_row`` on.

    As in RCTab, a row present in the sheet is a record even when it holds no cell (a blank
    ballot), and a row absent from the sheet's XML is none. The row just above
    ``first_row``, if present, is the header and is checked against the layout.
    """
    where = source.shown_path
    prefix = sanitize(source.path.name)
    for line, row in rows:
        if line >= first_row:
            index += 1
            yield _record(layout, row, where, line, f"{prefix}-{index}")
        elif line == first_row - 1:
            _check_header(source, layout, row, line)


def _check_header(source: CvrSource, layout: Layout, header: Sequence[Any], line: int) -> None:
    width = len(header)
    while width and header[width - 1] is None:
        width -= 1
    col, field = layout.widest_column()
    if width and col >= width:
        raise BallotFileError(
            f"the sheet has {width} columns, but {field} is {col + 1}: wrong sheet or columns",
            path=source.shown_path,
            line=line,
            field=field,
        )


def _record(
    layout: Layout,
    row: Sequence[Any],
    where: str,
    line: int | None,
    record_id: str,
    memo: dict[tuple[int, str], Marks] | None = None,
) -> CastVoteRecord:
    """One record from a row's values; ``memo`` keeps the marks of cells already read."""
    ranks: list[Marks] = []
    vendor_id = precinct = batch = None
    for col, value in enumerate(row):
        if value is None:
            continue
        text = value if type(value) is str else cell_text(value)
        if col == layout.precinct_col:
            precinct = text
        elif col == layout.batch_col:
            batch = text
        elif col == layout.id_col:
            vendor_id = text
        elif col >= layout.first_vote and (layout.last_vote is None or col <= layout.last_vote):
            rank = col - layout.first_vote + 1
            if len(ranks) < rank - 1:
                _fill_blanks(layout, ranks, rank - 1)
            if memo is None:
                ranks.append(_marks(layout, text, where, line, col))
                continue
            marks = memo.get((col, text))
            if marks is None:
                marks = memo[col, text] = _marks(layout, text, where, line, col)
            ranks.append(marks)
    if layout.last_vote is not None:
        _fill_blanks(layout, ranks, layout.last_vote - layout.first_vote + 1)
    if layout.id_col is not None and vendor_id is None:
        raise BallotFileError(
            "the cast vote record id is missing", path=where, line=line, field="idColumnIndex"
        )
    if layout.precinct_col is not None and precinct is None:
        precinct = MISSING_PRECINCT
    if layout.batch_col is not None and batch is None:
        batch = MISSING_BATCH
    while ranks and not ranks[-1]:
        ranks.pop()
    return CastVoteRecord(
        where=where,
        line=line,
        record_id=record_id,
        vendor_id=vendor_id,
        contest_id=None,
        tabulator_id=None,
        batch=batch,
        precinct=precinct,
        precinct_portion=None,
        ranks=tuple(ranks),
        first_column=layout.first_vote + 1,
    )


def _fill_blanks(layout: Layout, ranks: list[Marks], upto: int) -> None:
    """Ranks up to ``upto`` with no cell: no mark, or a write-in if blanks are write-ins."""
    blank: Marks = (UNDECLARED_WRITE_INS,) if layout.blank_is_write_in else ()
    while len(ranks) < upto:
        ranks.append(blank)


def _marks(layout: Layout, text: str, where: str, line: int | None, col: int) -> Marks:
    text = text.strip()
    parts = text.split(layout.delimiter) if layout.delimiter else [text]
    names: list[str] = []
    for part in parts:
        name = part.strip()
        if len(parts) > 1 and (not name or name == layout.skipped):
            raise BallotFileError(
                "a cell holding several names split by the overvote delimiter may not hold a "
                "blank or the skipped-rank label",
                path=where,
                line=line,
                field=f"column {column_letter(col + 1)}",
            )
        if name == layout.skipped:
            continue
        if name == layout.overvote:
            name = OVERVOTE
        elif name == layout.write_in:
            name = UNDECLARED_WRITE_INS
        names.append(name)
    return tuple(names)


def read_counted(
    source: CvrSource, max_rankings: int | None
) -> Iterator[tuple[CastVoteRecord, int]]:
    """The sheet's distinct ballots with how many rows hold each (for grouping, not export).

    Rows are told apart by their cells in the columns the layout reads, so a million rows
    cost a scan and a count. Each record is the first row holding its ballot.
    """
    layout = Layout.of(source, max_rankings)
    first_row = _required(source, source.first_vote_row, "firstVoteRowIndex")
    if source.path.suffix.lower() == ".csv":
        return ((r, 1) for r in read_rows(source, layout, first_row, _csv_rows(source)))
    return _xlsx_counted(source, layout, first_row)


def _xlsx_counted(
    source: CvrSource, layout: Layout, first_row: int
) -> Iterator[tuple[CastVoteRecord, int]]:
    checked = replace(layout, id_col=None)  # ids were checked, then dropped from the bodies
    where = source.shown_path
    try:
        counts, first, shared = _count_rows(source, layout, first_row)
        pairs = _counted_records(checked, counts, first, shared, where)
    except Unsupported:
        rows = _xlsx_rows(source)
        yield from ((r, 1) for r in read_rows(source, layout, first_row, rows))
        return
    yield from pairs


def _counted_records(
    layout: Layout, counts: Counter[str], first: dict[str, str | int], shared: list[str], where: str
) -> list[tuple[CastVoteRecord, int]]:
    """A record for each distinct row body, with its count.

    Bodies that differ only in their precinct cell (the same ballot in another precinct) are
    parsed once: the others take the first one's record with their own precinct and line.
    """
    parsed: dict[str, list[tuple[int, Any]]] = {}
    memo: dict[tuple[int, str], Marks] = {}
    precincts: dict[str, str | None] = {}  # a precinct cell -> its text
    read: dict[str, CastVoteRecord] = {}  # a body, its precinct cell replaced -> first record
    cell_of = _precinct_cell(layout)
    pairs = []
    for body, n in counts.items():
        line = first.get(body)
        number = int(line) if line else None
        found = _cell_span(cell_of, body)
        general = body if found is None else body[: found[0]] + "\x00" + body[found[1] :]
        known = read.get(general) if found is not None else None
        if known is None or found is None:
            record = _record(layout, _cells(body, shared, parsed), where, number, "", memo)
            if found is not None:
                read[general] = record
            pairs.append((record, n))
            continue
        cell = body[found[0] : found[1]]
        if cell not in precincts:
            precincts[cell] = _record(layout, cells(cell, shared), where, number, "").precinct
        record = CastVoteRecord(
            where, number, "", None, None, None, known.batch, precincts[cell], None, known.ranks,
            known.first_column,
        )  # fmt: skip
        pairs.append((record, n))
    return pairs


def _cell_span(opening: str | None, body: str) -> tuple[int, int] | None:
    """Where the one cell starting ``opening`` is in a body whose cells all have references,
    or None (no such cell, two, or cells without references)."""
    if opening is None or "<c>" in body:
        return None
    start = body.find(opening)
    if start < 0 or body.find(opening, start + 1) >= 0:
        return None
    close = body.find(">", start)
    if close < 0:
        return None
    if body[close - 1] == "/":
        return start, close + 1
    end = body.find("</c>", close)
    return None if end < 0 else (start, end + 4)


def _precinct_cell(layout: Layout) -> str | None:
    """How the precinct's cell starts in a row body (its row digits taken out), when the cell
    is all that a row's precinct depends on."""
    if layout.precinct_col is None or layout.batch_col is not None:
        return None
    if layout.precinct_col >= layout.first_vote or layout.id_col is not None:
        return None
    return f'<c r="{column_letter(layout.precinct_col + 1)}"'


def _cells(body: str, shared: list[str], parsed: dict[str, list[tuple[int, Any]]]) -> list[Any]:
    """:func:`cells` of a row body, each distinct cell parsed once (bodies repeat their cells)."""
    if "<c>" in body:  # a cell without a reference takes its place from the cells before it
        return cells(body, shared)
    values: list[Any] = []
    for piece in body.split("</c>"):
        found = parsed.get(piece)
        if found is None:
            row = cells(piece + "</c>", shared) if "<c" in piece else []
            found = parsed[piece] = [(c, v) for c, v in enumerate(row) if v is not None]
        for column, value in found:
            if column < len(values):
                raise Unsupported("cells out of order")
            values.extend([None] * (column - len(values)))
            values.append(value)
    return values


def _count_rows(
    source: CvrSource, layout: Layout, first_row: int
) -> tuple[Counter[str], dict[str, str | int], list[str]]:
    """Distinct row bodies (cells the layout reads) -> rows, and each one's first row number.

    Plain chunks are counted in bulk (:func:`count_plain_rows`); the header's chunk, chunks
    that are not plain and sheets whose unread columns must be dropped go row by row.
    """
    unread = [
        column_letter(c + 1)
        for c in range(layout.first_vote)
        if c not in (layout.precinct_col, layout.batch_col)
    ]
    drop = cells_of_columns(unread) if unread else None
    ids = (
        None if layout.id_col is None else valued_cells_of_column(column_letter(layout.id_col + 1))
    )
    counts: Counter[str] = Counter()
    first: dict[str, str | int] = {}
    plain: Counter[bytes] = Counter()
    plain_first: dict[bytes, int] = {}
    previous, in_header = 0, first_row > 1
    bulk = drop is None and ids is None  # else each row is checked for its id, or cut
    where = source.shown_path
    with _open_sheet(source) as (xml, shared), closing(raw_chunks(xml)) as stream:
        for chunk in _guard(stream, where):
            if bulk and not in_header and count_plain_rows(chunk, plain, plain_first):
                continue
            text = _decoded(chunk, where)
            if in_header:
                start, previous = split_at_row(text, first_row, previous)
                _check_header_rows(source, layout, rows_in(text[:start]), first_row, shared)
                in_header = start == len(text)
                text = text[start:]
                if bulk and count_plain_rows(text.encode(), plain, plain_first):
                    continue
            if ids is not None and len(ids.findall(text)) != text.count("<row"):
                raise Unsupported("a row without its id: read it precisely")
            if drop is not None:
                text = drop.sub("", text)
            count_rows(text, counts, first)  # type: ignore[arg-type]
    for body, n in plain.items():
        key = _decoded(body, where)
        counts[key] += n
        first.setdefault(key, plain_first[body])
    return counts, first, shared


def _decoded(chunk: bytes, where: str) -> str:
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BallotFileError(f"the workbook is damaged or truncated ({err})", path=where) from None


def _check_header_rows(
    source: CvrSource, layout: Layout, rows: list[Any], first_row: int, shared: list[str]
) -> None:
    for number, body in rows:
        if number and int(number) == first_row - 1:
            _check_header(source, layout, cells(body, shared), first_row - 1)


#: Distinct rows remembered while scanning a sheet (rows with unique ids are never alike).
_CACHE_LIMIT = 1 << 18


def _xlsx_records(source: CvrSource, layout: Layout, first_row: int) -> Iterator[CastVoteRecord]:
    """The sheet's records, scanned fast; what the scanner cannot read, openpyxl reads."""
    progress = [0, 0]  # last row number handled, records yielded
    try:
        yield from _scanned_records(source, layout, first_row, progress)
    except Unsupported:
        done, index = progress
        rows = (row for row in _xlsx_rows(source) if row[0] > done)
        yield from read_rows(source, layout, first_row, rows, index)


def _scanned_records(
    source: CvrSource, layout: Layout, first_row: int, progress: list[int]
) -> Iterator[CastVoteRecord]:
    where = source.shown_path
    prefix = sanitize(source.path.name)
    first_column = layout.first_vote + 1
    seen: dict[str, tuple[str | None, str | None, str | None, tuple[Marks, ...]]] = {}
    with _open_sheet(source) as (xml, shared):
        for line, body in _guard(scan_rows(xml), where):
            if line < first_row:
                if line == first_row - 1:
                    _check_header(source, layout, cells(body, shared), line)
                progress[0] = line
                continue
            fields = seen.get(body)
            if fields is None:
                record = _record(layout, cells(body, shared), where, line, "")
                fields = (record.vendor_id, record.batch, record.precinct, record.ranks)
                if len(seen) >= _CACHE_LIMIT:
                    seen.clear()
                seen[body] = fields
            progress[0], progress[1] = line, progress[1] + 1
            yield CastVoteRecord(
                where,
                line,
                f"{prefix}-{progress[1]}",
                fields[0],
                None,
                None,
                fields[1],
                fields[2],
                None,
                fields[3],
                first_column,
            )


def _guard(rows: Iterator[_T], where: str) -> Iterator[_T]:
    """The scanner's rows; a damaged archive or text becomes a :class:`BallotFileError`."""
    try:
        yield from rows
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, UnicodeDecodeError) as err:
        raise BallotFileError(f"the workbook is damaged or truncated ({err})", path=where) from None


def _open_sheet(source: CvrSource) -> Any:
    """The first sheet's XML stream and the shared strings (a context manager): read directly
    from the archive when :mod:`.workbook` can, else via openpyxl's read-only workbook."""
    try:
        return FirstSheet(source.path)
    except Unreadable:
        return _OpenpyxlSheet(source)


class _OpenpyxlSheet:
    """The first sheet's XML stream and the shared strings, via openpyxl's read-only workbook."""

    def __init__(self, source: CvrSource) -> None:
        self.source = source

    def __enter__(self) -> tuple[IO[bytes], list[str]]:
        self.book = _load(self.source)
        try:
            sheet = self.book.worksheets[0]
            self.xml: IO[bytes] = sheet._get_source()
            return self.xml, list(sheet._shared_strings)
        except BaseException:
            self.book.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.xml.close()
        self.book.close()


def _load(source: CvrSource) -> Any:
    import openpyxl  # deferred: loading it costs a third of a second
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Unknown extension ..." in ES&S files
            return openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise BallotFileError(
            f"not a readable xlsx workbook ({err})", path=source.shown_path, field="filePath"
        ) from None


def _xlsx_rows(source: CvrSource) -> Iterator[Row]:
    """The rows present in the first sheet, streamed with openpyxl's read-only parser."""
    from openpyxl.worksheet._reader import WorkSheetParser

    where = source.shown_path
    book = _load(source)
    try:
        sheet = book.worksheets[0]
        with sheet._get_source() as xml:
            parser = WorkSheetParser(xml, sheet._shared_strings, data_only=True)
            # the read-only sheet fills rows missing from the XML with empty ones; RCTab reads
            # only the rows present, so the parser is used directly
            for number, cells in _quiet(parser.parse()):
                values: list[Any] = []
                for cell in cells:
                    column = cell["column"] - 1
                    values.extend([None] * (column - len(values)))
                    values.append(cell["value"])
                yield number, values
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError, SyntaxError) as err:
        raise BallotFileError(f"the workbook is damaged or truncated ({err})", path=where) from None
    finally:
        book.close()


def _quiet(rows: Iterator[tuple[int, list[dict[str, Any]]]]) -> Iterator[tuple[int, list[Any]]]:
    """The parser's rows, silencing openpyxl's warnings about extensions it drops."""
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                row = next(rows)
            except StopIteration:
                return
        yield row


def _csv_rows(source: CvrSource) -> Iterator[Row]:
    """A CSV copy of the sheet: every record a row, empty fields empty cells."""
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                yield number, [cell if cell != "" else None for cell in row]
    except (UnicodeDecodeError, csv.Error) as err:
        raise BallotFileError(f"not a readable CSV sheet ({err})", path=source.shown_path) from None
