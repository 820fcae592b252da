"""RCTab's generic CSV: a header row of candidate names, then one row per ballot whose cell
under each candidate is the rank given to that candidate (blank: not ranked).

As RCTab reads it: candidate names are the header's cells from ``firstVoteColumnIndex`` on
(none may be blank); the column named by the undeclared write-in label holds write-ins; every
row after the header is a ballot (RCTab ignores ``firstVoteRowIndex`` here); a rank cell must be
a whole number; blank precinct and batch cells are ``no precinct id`` / ``no batch id``; the
record id is the row's number among the ballots.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.grouping import column_letter
from shortlist.formats.rctab.cvr.rankings import Rankings
from shortlist.formats.rctab.cvr.records import UNDECLARED_WRITE_INS, CastVoteRecord, CvrSource

NO_PRECINCT = "no precinct id"
NO_BATCH = "no batch id"


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the ballots of a generic CSV CVR."""
    del max_rankings
    if source.first_vote_column is None or source.first_vote_column < 1:
        raise BallotFileError(
            "a generic CSV source needs firstVoteColumnIndex (a 1-based index)",
            path=source.shown_path,
            field="firstVoteColumnIndex",
        )
    return _rows(source, source.first_vote_column - 1)


def _rows(source: CvrSource, first: int) -> Iterator[CastVoteRecord]:
    where = source.shown_path
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise BallotFileError("the file is empty: no header row", path=where, line=1)
            names = _candidates(header, first, where)
            for index, row in enumerate(reader, start=1):
                yield _record(source, names, first, row, reader.line_num, str(index))
    except (UnicodeDecodeError, csv.Error) as err:
        raise BallotFileError(f"not a readable CSV file ({err})", path=where) from None


def _candidates(header: list[str], first: int, where: str) -> list[str]:
    names = header[first:]
    for offset, name in enumerate(names):
        if not name.strip():
            column = column_letter(first + offset + 1)
            raise BallotFileError(
                "a candidate name in the header may not be blank",
                path=where,
                line=1,
                field=f"column {column}",
            )
    return names


def _cell(row: list[str], column: int | None) -> str | None:
    if column is None:
        return None
    return row[column - 1] if column - 1 < len(row) else ""


def _record(
    source: CvrSource, names: list[str], first: int, row: list[str], line: int, record_id: str
) -> CastVoteRecord:
    where = source.shown_path
    rankings = Rankings(where, line)
    for col in range(first, len(row)):
        text = row[col].strip()
        if not text:
            continue
        field = f"column {column_letter(col + 1)}"
        if col - first >= len(names):
            raise BallotFileError("a rank under no candidate", path=where, line=line, field=field)
        if not text.lstrip("+-").isdigit():
            raise BallotFileError(
                f"expected a rank number, found {text!r}", path=where, line=line, field=field
            )
        name = names[col - first]
        if name == source.undeclared_write_in_label:
            name = UNDECLARED_WRITE_INS
        rankings.add(int(text), name)
    precinct = _cell(row, source.precinct_column)
    batch = _cell(row, source.batch_column)
    return CastVoteRecord(
        where=where,
        line=line,
        record_id=record_id,
        vendor_id=_cell(row, source.id_column),
        contest_id=None,
        tabulator_id=None,
        batch=(batch if batch and batch.strip() else NO_BATCH) if batch is not None else None,
        precinct=(precinct if precinct and precinct.strip() else NO_PRECINCT)
        if precinct is not None
        else None,
        precinct_portion=None,
        ranks=rankings.ranks(),
    )
