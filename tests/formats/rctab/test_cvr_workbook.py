"""The first sheet and shared strings read from the archive, against openpyxl's reading."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cvr_xlsx import WORKBOOK, by_openpyxl, grouped, same

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import CandidateSpec, CvrSource, read_sources
from shortlist.formats.rctab.cvr.workbook import FirstSheet, Unreadable

CASES = Path(__file__).resolve().parents[2] / "cases"
CASE_BOOKS = sorted(CASES.glob("rctab/**/*.xlsx"))

SHARED_PART = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
SHARED_REL = (
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>'
)


def by_openpyxl_book(path: Path) -> tuple[bytes, list[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        with sheet._get_source() as xml:
            return xml.read(), list(sheet._shared_strings)
    finally:
        book.close()


@pytest.mark.parametrize("path", CASE_BOOKS, ids=[p.parent.name for p in CASE_BOOKS])
def test_every_case_workbook_reads_as_openpyxl_reads_it(path: Path) -> None:
    with FirstSheet(path) as (xml, shared):
        assert (xml.read(), shared) == by_openpyxl_book(path)


def book_with_strings(path: Path, items: list[str], rows: str) -> Path:
    """A workbook whose shared strings are the ``<si>`` bodies ``items``."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = dict(WORKBOOK)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace("</Types>", SHARED_PART)
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace("</Relationships>", SHARED_REL)
    sst = "".join(f"<si>{item}</si>" for item in items)
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst xmlns="{main}">{sst}</sst>'
    parts["xl/worksheets/sheet1.xml"] = (
        f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w") as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return path


PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)
ESCAPED = PLAIN.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;"))
ITEM = st.one_of(
    ESCAPED.map(lambda t: f"<t>{t}</t>"),
    ESCAPED.map(lambda t: f'<t xml:space="preserve"> {t} </t>'),
    ESCAPED.map(lambda t: f'<t>{t}</t><phoneticPr fontId="1" type="noConversion"/>'),
    ESCAPED.map(lambda t: f'<t>{t}</t><rPh sb="0" eb="1"><t>hint</t></rPh>'),
    ESCAPED.map(lambda t: f"<r><t>{t}</t></r><r><rPr><b/></rPr><t>x</t></r>"),  # rich: openpyxl
    st.just("<t>_x0041_</t>"),  # an escape: openpyxl
    st.just("<t/>"),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=st.lists(ITEM, min_size=1, max_size=6))
def test_shared_strings_read_as_openpyxl_reads_them_or_left_to_it(
    tmp_path: Path, items: list[str]
) -> None:
    path = book_with_strings(tmp_path / "cvr.xlsx", items, "")
    expected = by_openpyxl_book(path)
    rich = any(i.startswith("<r>") or "_x" in i for i in items)
    if rich:
        with pytest.raises(Unreadable):
            FirstSheet(path)
        return
    with FirstSheet(path) as (xml, shared):
        assert (xml.read(), shared) == expected


def test_a_sheet_of_shared_strings_counts_as_openpyxl_reads_it(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>{n % 2}</v></c>'
        f'<c r="B{n}" t="s"><v>{2 + n % 3 // 2}</v></c></row>'
        for n in range(1, 40)
    )
    items = ["<t>P1</t>", "<t>P2</t>", "<t>Ann</t>", '<t>Bob</t><phoneticPr fontId="1"/>', "<t/>"]
    path = book_with_strings(tmp_path / "cvr.xlsx", items, rows)
    source = CvrSource("ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1)
    candidates = [CandidateSpec("Ann"), CandidateSpec("Bob")]
    expected = grouped([source], candidates, by_openpyxl(source, None))
    same(read_sources([source], candidates), expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "damage",
    ["not a zip", "no content types", "a chart sheet first", "a missing sheet"],
)
def test_what_it_does_not_read_is_left_to_openpyxl(tmp_path: Path, damage: str) -> None:
    path = book_with_strings(tmp_path / "cvr.xlsx", ["<t>a</t>"], "")
    with zipfile.ZipFile(path) as book:
        parts = {n: book.read(n).decode() for n in book.namelist()}
    rels = "xl/_rels/workbook.xml.rels"
    if damage == "not a zip":
        path.write_bytes(b"PK\x03\x04 not really")
    else:
        if damage == "no content types":
            del parts["[Content_Types].xml"]
        elif damage == "a chart sheet first":
            parts[rels] = parts[rels].replace("/worksheet", "/chartsheet")
        else:
            del parts["xl/worksheets/sheet1.xml"]
        with zipfile.ZipFile(path, "w") as book:
            for name, text in parts.items():
                book.writestr(name, text)
    with pytest.raises(Unreadable), FirstSheet(path) as (xml, _):
        xml.read()


#: Shared strings of the sheets below: header, precincts, names, labels, an overvote cell.
STRINGS = ["Precinct", "Rank", "P-1", "P 2", "Ann", "Bob", "overvote", "skipped", "UWI", "Ann|Bob"]
#: A rank cell: a shared string (its index), a number, a blank cell, or no cell.
rank_cell = st.one_of(
    st.sampled_from(range(4, len(STRINGS))), st.just("number"), st.just("blank"), st.none()
)
ballot_row = st.tuples(st.sampled_from([None, 2, 3]), st.lists(rank_cell, min_size=4, max_size=4))


def shared_cell(ref: str, value: object) -> str:
    if value is None:
        return ""
    if value == "number":
        return f'<c r="{ref}"><v>7</v></c>'
    if value == "blank":
        return f'<c r="{ref}" s="2"/>'
    return f'<c r="{ref}" t="s"><v>{value}</v></c>'


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(ballot_row, min_size=1, max_size=30),
    repeat=st.integers(1, 3),
    blank_is_write_in=st.booleans(),
    max_rankings=st.sampled_from([None, 2, 4]),
)
def test_sheets_of_shared_strings_count_as_openpyxl_reads_them(
    tmp_path: Path,
    rows: list[tuple[int | None, list[object]]],
    repeat: int,
    blank_is_write_in: bool,
    max_rankings: int | None,
) -> None:
    """Overvotes (label and delimited), skipped ranks, write-ins, blanks, precincts."""
    header = shared_cell("A1", 0) + "".join(shared_cell(f"{c}1", 1) for c in "BCDE")
    body = [f'<row r="1" spans="1:5">{header}</row>']
    for n, (precinct, ranks) in enumerate(rows * repeat, start=2):
        cells = shared_cell(f"A{n}", precinct)
        cells += "".join(shared_cell(f"{c}{n}", v) for c, v in zip("BCDE", ranks, strict=True))
        body.append(f'<row r="{n}" spans="1:5">{cells}</row>')
    items = [f"<t>{s}</t>" for s in STRINGS]
    path = book_with_strings(tmp_path / "cvr.xlsx", items, "".join(body))
    source = CvrSource(
        "ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1,
        overvote_delimiter="|", overvote_label="overvote", skipped_rank_label="skipped",
        undeclared_write_in_label="UWI", treat_blank_as_undeclared_write_in=blank_is_write_in,
    )  # fmt: skip
    candidates = [CandidateSpec("Ann"), CandidateSpec("Bob"), CandidateSpec("7")]
    try:
        expected = grouped([source], candidates, by_openpyxl(source, max_rankings))
    except BallotFileError as err:
        with pytest.raises(BallotFileError) as caught:
            read_sources([source], candidates, max_rankings=max_rankings)
        assert str(caught.value) == str(err)
        return
    found = read_sources([source], candidates, max_rankings=max_rankings)
    same(found, expected)  # type: ignore[arg-type]


def test_a_workbook_it_declines_is_counted_through_openpyxl(tmp_path: Path) -> None:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>{1 + n % 2}</v></c></row>'
        for n in range(1, 12)
    )
    items = ["<t>P1</t>", "<r><t>An</t></r><r><rPr><b/></rPr><t>n</t></r>", "<t>Bob</t>"]
    path = book_with_strings(tmp_path / "cvr.xlsx", items, rows)
    with pytest.raises(Unreadable):
        FirstSheet(path)
    source = CvrSource("ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1)
    candidates = [CandidateSpec("Ann"), CandidateSpec("Bob")]
    found = read_sources([source], candidates)
    assert found.record_count == 10
    assert sorted(found.profile.weights.tolist()) == [5, 5]  # "Ann" from its two runs
    same(found, grouped([source], candidates, by_openpyxl(source, None)))  # type: ignore[arg-type]
