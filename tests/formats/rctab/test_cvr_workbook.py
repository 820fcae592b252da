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
