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

The sheet is streamed with openpyxl's read-only reader; nothing per ballot is kept.
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CastVoteRecord,
    CvrSource,
    Marks,
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


#: One row of a sheet: its 1-based number and its cell values by 0-based column (None: empty).
Row = tuple[int, Sequence[Any]]


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the ballots of an ES&S xlsx CVR (or of a CSV copy of its sheet)."""
    layout = Layout.of(source, max_rankings)
    first_row = _required(source, source.first_vote_row, "firstVoteRowIndex")
    is_csv = source.path.suffix.lower() == ".csv"
    rows = _csv_rows(source) if is_csv else _xlsx_rows(source)
    return read_rows(source, layout, first_row, rows)


def read_rows(
    source: CvrSource, layout: Layout, first_row: int, rows: Iterable[Row]
) -> Iterator[CastVoteRecord]:
    """Records from the rows present in the sheet, from ``first_row`` on.

    As in RCTab, a row present in the sheet is a record even when it holds no cell (a blank
    ballot), and a row absent from the sheet's XML is none. The row just above
    ``first_row``, if present, is the header and is checked against the layout.
    """
    where = source.shown_path
    prefix = sanitize(source.path.name)
    index = 0
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
    layout: Layout, row: Sequence[Any], where: str, line: int, record_id: str
) -> CastVoteRecord:
    ranks: list[Marks] = []
    vendor_id = precinct = batch = None
    for col, value in enumerate(row):
        if value is None:
            continue
        text = cell_text(value)
        if col == layout.precinct_col:
            precinct = text
        elif col == layout.batch_col:
            batch = text
        elif col == layout.id_col:
            vendor_id = text
        elif col >= layout.first_vote and (layout.last_vote is None or col <= layout.last_vote):
            rank = col - layout.first_vote + 1
            _fill_blanks(layout, ranks, rank - 1)
            ranks.append(_marks(layout, text, where, line, col))
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


def _marks(layout: Layout, text: str, where: str, line: int, col: int) -> Marks:
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
                field=f"column {col + 1}",
            )
        if name == layout.skipped:
            continue
        if name == layout.overvote:
            name = OVERVOTE
        elif name == layout.write_in:
            name = UNDECLARED_WRITE_INS
        names.append(name)
    return tuple(names)


def _xlsx_rows(source: CvrSource) -> Iterator[Row]:
    """The rows present in the first sheet, streamed with openpyxl's read-only parser."""
    import openpyxl  # deferred: loading it costs a third of a second
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet._reader import WorkSheetParser

    where = source.shown_path
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Unknown extension ..." in ES&S files
            book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise BallotFileError(
            f"not a readable xlsx workbook ({err})", path=where, field="filePath"
        ) from None
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
