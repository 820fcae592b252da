"""Clear Ballot cast-vote records: a CSV with one 0/1 column per (candidate, rank).

Ten fixed columns (``RowNumber, BoxID, BoxPosition, BallotID, PrecinctID, BallotStyleID,
PrecinctStyleName, ScanComputerName, Status, Remade``), then choice columns headed
``Choice_<id>_<n>:<contest>:<rank>:<vote rule>:<candidate>:<party>``. As RCTab reads it: the
columns of the source's contest (``contestId`` is the contest's name) at ranks the config
allows; a cell ``1`` marks that candidate at that rank; the undeclared write-in label is a
candidate name; the record id is the ``BallotID``, the precinct the ``PrecinctID``, the
tabulator the ``ScanComputerName``.

Fields are read as CSV (quotes removed); RCTab splits lines on commas outside quotes and keeps
the quotes, which changes only ids written back out.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.grouping import column_letter
from shortlist.formats.rctab.cvr.rankings import Rankings
from shortlist.formats.rctab.cvr.records import UNDECLARED_WRITE_INS, CastVoteRecord, CvrSource

BALLOT_ID, PRECINCT_ID, SCAN_COMPUTER, CHOICES_BEGIN = 3, 4, 7, 10
CHOICE_FIELDS = 6


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the ballots of a Clear Ballot CVR for the source's contest."""
    where = source.shown_path
    try:
        with source.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise BallotFileError("the file is empty: no header row", path=where, line=1)
            choices = _choices(header, source, max_rankings)
            for row in reader:
                yield _record(source, choices, row, reader.line_num)
    except (UnicodeDecodeError, csv.Error) as err:
        raise BallotFileError(f"not a readable CSV file ({err})", path=where) from None


def _choices(
    header: list[str], source: CvrSource, max_rankings: int | None
) -> dict[int, tuple[int, str]]:
    """Column -> (rank, candidate) for the contest's choice columns the config allows."""
    where = source.shown_path
    if len(header) < CHOICES_BEGIN:
        raise BallotFileError("no choice columns in the header", path=where, line=1)
    choices: dict[int, tuple[int, str]] = {}
    for col in range(CHOICES_BEGIN, len(header)):
        fields = header[col].split(":")
        if len(fields) != CHOICE_FIELDS or not fields[2].strip().isdigit():
            raise BallotFileError(
                "a choice column is not headed Choice_<id>:<contest>:<rank>:<rule>:<name>:<party>",
                path=where,
                line=1,
                field=f"column {column_letter(col + 1)}",
            )
        if fields[1] != source.contest_id:
            continue
        rank, name = int(fields[2]), fields[4]
        if name == source.undeclared_write_in_label:
            name = UNDECLARED_WRITE_INS
        if rank >= 1 and (max_rankings is None or rank <= max_rankings):
            choices[col] = (rank, name)
    return choices


def _record(
    source: CvrSource, choices: dict[int, tuple[int, str]], row: list[str], line: int
) -> CastVoteRecord:
    where = source.shown_path
    if len(row) < CHOICES_BEGIN:
        raise BallotFileError("the row is too short", path=where, line=line)
    rankings = Rankings(where, line)
    for col, (rank, name) in choices.items():
        cell = row[col].strip() if col < len(row) else ""
        if cell == "1":
            rankings.add(rank, name)
        elif cell not in ("0", ""):
            raise BallotFileError(
                f"expected 0 or 1, found {cell!r}",
                path=where,
                line=line,
                field=f"column {column_letter(col + 1)}",
            )
    return CastVoteRecord(
        where=where,
        line=line,
        record_id=row[BALLOT_ID],
        vendor_id=row[BALLOT_ID],
        contest_id=source.contest_id,
        tabulator_id=row[SCAN_COMPUTER],
        batch=None,
        precinct=row[PRECINCT_ID],
        precinct_portion=None,
        ranks=rankings.ranks(),
    )
