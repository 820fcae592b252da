"""The fast xlsx scan against openpyxl's reading of the same sheets, and its fallbacks."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from _rctab_cvr_cases import case_inputs, cases_with

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import CandidateSpec, CastVoteRecords, CvrSource, read_sources
from shortlist.formats.rctab.cvr.ess import Layout, _xlsx_rows, read, read_rows
from shortlist.formats.rctab.cvr.grouping import Codebook, Grouper

XLSX_CASES = sorted(
    c for c in set(cases_with("ess")) if "minneapolis" not in c and "maine" not in c
)


def grouped(sources: list[CvrSource], candidates: list[CandidateSpec], records: object) -> object:
    grouper = Grouper(Codebook.for_contest(candidates, sources))
    grouper.add_all(records)  # type: ignore[arg-type]
    return grouper.finish()


def table(records: CastVoteRecords) -> dict[tuple[object, ...], int]:
    """Ballots by (ranks in names, precinct, batch) -> count: independent of row order."""
    out: dict[tuple[object, ...], int] = {}
    rows = zip(records.profile.rankings(), records.precinct, records.batch, strict=True)
    for (ranks, weight), p, b in rows:
        key = (
            ranks,
            records.precincts[p] if p >= 0 else None,
            records.batches[b] if b >= 0 else None,
        )
        out[key] = out.get(key, 0) + weight
    return out


def same(a: CastVoteRecords, b: CastVoteRecords) -> None:
    assert a.record_count == b.record_count
    assert a.profile.candidates == b.profile.candidates
    assert table(a) == table(b)


def by_openpyxl(source: CvrSource, max_rankings: int | None) -> list[object]:
    layout = Layout.of(source, max_rankings)
    assert source.first_vote_row is not None
    return list(read_rows(source, layout, source.first_vote_row, _xlsx_rows(source)))


@pytest.mark.parametrize("case", XLSX_CASES)
def test_scan_counted_streamed_and_openpyxl_agree(case: str) -> None:
    sources, candidates, max_rankings = case_inputs(case)
    counted = read_sources(sources, candidates, max_rankings=max_rankings)
    streamed = [r for s in sources for r in read(s, max_rankings)]
    reference = [r for s in sources for r in by_openpyxl(s, max_rankings)]
    assert streamed == reference  # every field of every record, ids and lines included
    same(counted, grouped(sources, candidates, reference))  # type: ignore[arg-type]


# -- sheets written here, to reach the scanner's edges ----------------------------------------

WORKBOOK = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="CVR" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_sheet(path: Path, rows: str) -> Path:
    with zipfile.ZipFile(path, "w") as book:
        for name, text in WORKBOOK.items():
            book.writestr(name, text)
        book.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>',
        )
    return path


CANDIDATES = [CandidateSpec("Ann"), CandidateSpec("Bob")]


def sheet_source(path: Path) -> CvrSource:
    return CvrSource("ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1)


def test_numbers_gaps_empty_rows_and_inline_strings(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{inline("A1", "Precinct")}{inline("B1", "1st")}{inline("C1", "2nd")}</row>'
        f'<row r="2"><c r="A2"><v>7</v></c>{inline("B2", "Ann")}{inline("C2", "Bob")}</row>'
        f'<row r="5"><c r="A5"><v>7.5</v></c>{inline("C5", "Ann &amp; ")}</row>'
        '<row r="6"/>'
        f'<row r="9">{inline("B9", "Bob")}</row>'
    )
    path = write_sheet(tmp_path / "cvr.xlsx", rows)
    source = sheet_source(path)
    with pytest.raises(BallotFileError, match="'Ann &'"):
        read_sources([source], CANDIDATES)  # the entity is decoded, the name then trimmed
    records = list(read(source, None))
    assert [r.line for r in records] == [2, 5, 6, 9]  # rows absent from the XML are no ballots
    assert [r.precinct for r in records] == ["7", "7.5", *["missing_precinct_id"] * 2]
    assert records[1].ranks == ((), ("Ann &",))
    assert records[2].ranks == ()
    assert records == by_openpyxl(source, None)


def test_a_formula_falls_back_to_openpyxl(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{inline("A1", "P")}{inline("B1", "1st")}</row>'
        f'<row r="2"><c r="A2"><f>1+1</f><v>2</v></c>{inline("B2", "Ann")}</row>'
        f'<row r="3"><c r="A3"><v>2</v></c>{inline("B3", "Bob")}</row>'
    )
    source = sheet_source(write_sheet(tmp_path / "cvr.xlsx", rows))
    records = read_sources([source], CANDIDATES)
    assert records.record_count == 2 and records.precincts == ("2",)
    assert [r.ranks for r in read(source, None)] == [(("Ann",),), (("Bob",),)]


def test_an_id_column_with_a_gap_is_found_precisely(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{inline("A1", "Id")}{inline("B1", "P")}{inline("C1", "1st")}</row>'
        f'<row r="2"><c r="A2"><v>1</v></c>{inline("B2", "p")}{inline("C2", "Ann")}</row>'
        f'<row r="3">{inline("B3", "p")}{inline("C3", "Bob")}</row>'
    )
    path = write_sheet(tmp_path / "cvr.xlsx", rows)
    source = CvrSource(
        "ess", path, first_vote_column=3, first_vote_row=2, id_column=1, precinct_column=2
    )
    with pytest.raises(BallotFileError, match="id is missing") as caught:
        read_sources([source], CANDIDATES)
    assert caught.value.line == 3


def test_ids_are_dropped_so_ballots_group(tmp_path: Path) -> None:
    body = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>{inline(f"B{n}", "Ann")}</row>'
        for n in range(2, 202)
    )
    path = write_sheet(
        tmp_path / "cvr.xlsx", f'<row r="1">{inline("A1", "Id")}{inline("B1", "1st")}</row>{body}'
    )
    source = CvrSource("ess", path, first_vote_column=2, first_vote_row=2, id_column=1)
    records = read_sources([source], CANDIDATES)
    assert records.record_count == 200 and records.profile.n_rows == 1
    assert np.array_equal(records.profile.weights, [200])
