"""Rows of plain sheets counted in bulk (count_plain_rows) against openpyxl, and its refusals."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cvr_xlsx import CANDIDATES, by_openpyxl, grouped, inline, same, write_sheet

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import CandidateSpec, CvrSource, read_sources, xlsx
from shortlist.formats.rctab.cvr.xlsx import count_plain_rows

NUMBERED = [CandidateSpec("1"), CandidateSpec("2"), CandidateSpec("3")]

#: A row: precinct (or none), then the values of three rank columns (None: no cell).
row = st.tuples(
    st.sampled_from([None, 7, 8]),
    st.lists(st.sampled_from([None, 1, 2, 3, "str", "empty"]), min_size=3, max_size=3),
)


def cell(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if value == "str":  # a formula's text result: not plain
        return f'<c r="{ref}" t="str"><v>2</v></c>'
    if value == "empty":
        return f'<c r="{ref}"/>'
    return f'<c r="{ref}" s="1"><v>{value}</v></c>'


def sheet(rows: list[Any], gaps: bool, closed: bool) -> str:
    out = [f'<row r="1">{inline("A1", "Precinct")}{inline("B1", "1st")}</row>']
    number = 1
    for i, (precinct, ranks) in enumerate(rows):
        number += 2 if gaps and i % 5 == 4 else 1
        cells = cell(f"A{number}", precinct) + "".join(
            cell(f"{c}{number}", v) for c, v in zip("BCD", ranks, strict=True)
        )
        if closed and not cells:
            out.append(f'<row r="{number}" spans="1:4"/>')
        else:
            out.append(f'<row r="{number}" spans="1:4">{cells}</row>')
    return "".join(out)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(row, min_size=1, max_size=40),
    repeat=st.integers(1, 4),
    gaps=st.booleans(),
    closed=st.booleans(),
    chunk=st.sampled_from([64, 700, 1 << 22]),
)
def test_counted_in_bulk_as_openpyxl_reads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[Any],
    repeat: int,
    gaps: bool,
    closed: bool,
    chunk: int,
) -> None:
    monkeypatch.setattr(xlsx, "_CHUNK", chunk)
    path = write_sheet(tmp_path / "cvr.xlsx", sheet(rows * repeat, gaps, closed))
    source = CvrSource("ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1)
    try:
        reference = by_openpyxl(source, None)
        expected = grouped([source], NUMBERED, reference)
    except BallotFileError as err:
        with pytest.raises(BallotFileError) as caught:
            read_sources([source], NUMBERED)
        assert str(caught.value) == str(err)
        return
    same(read_sources([source], NUMBERED), expected)  # type: ignore[arg-type]


def plain(rows: str) -> bytes:
    return rows.encode()


def test_plain_rows_are_counted_by_body_with_their_first_row() -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n % 2}</v></c></row>' for n in range(9, 13))
    counts: Counter[bytes] = Counter()
    first: dict[bytes, int] = {}
    assert count_plain_rows(plain(rows), counts, first)
    assert sorted(counts.values()) == [2, 2]
    assert sorted(first.values()) == [9, 10]  # 9 and 10 -> 10 and 11 hold the same cells
    assert all(body.startswith(b'<row r=""><c r="A">') for body in counts)


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="2"><c r="A2"><v>1</v></c></row><row r="4"><c r="A4"><v>1</v></c></row>',
        '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"/><row r="4"><c r="A4"/></row>',
        '<row r="2"><c r="A2" t="str"><v>x2"</v></c></row>',
        '<row r="2"><c r="A2"><v>1</v></c></row>\n<row r="3"><c r="A3"><v>1</v></c></row>',
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Ann</t></is></c></row>',
        '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>',
        '<row r="2"><c r="A2"><v>1</v></c></row><row r="3"/>',
    ],
    ids=["gap", "self-closing", "str", "space", "inline", "formula", "closing-last"],
)
def test_what_is_not_plain_is_refused_and_nothing_counted(rows: str) -> None:
    counts: Counter[bytes] = Counter({b'<row r=""><c r="A"><v>1</v></c>': 5})
    first: dict[bytes, int] = {b'<row r=""><c r="A"><v>1</v></c>': 1}
    before = (dict(counts), dict(first))
    assert not count_plain_rows(plain(rows), counts, first)
    assert (dict(counts), dict(first)) == before


def test_a_refused_chunk_is_read_row_by_row(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{inline("A1", "P")}{inline("B1", "1st")}</row>'
        f'<row r="2"><c r="A2"><v>1</v></c>{inline("B2", "Ann")}</row>'
        f'<row r="3"><c r="A3" t="str"><v>say 3"</v></c>{inline("B3", "Bob")}</row>'
        f'<row r="4"><c r="A4" t="str"><v>say "</v></c>{inline("B4", "Bob")}</row>'
    )
    source = CvrSource(
        "ess", write_sheet(tmp_path / "cvr.xlsx", rows), first_vote_column=2, first_vote_row=2,
        precinct_column=1,
    )  # fmt: skip
    records = read_sources([source], CANDIDATES)
    assert records.precincts == ("1", 'say 3"', 'say "')  # 3" is the text, not the row number
    same(records, grouped([source], CANDIDATES, by_openpyxl(source, None)))  # type: ignore[arg-type]


def test_an_id_column_after_the_ranks_is_still_checked_row_by_row(tmp_path: Path) -> None:
    rows = (
        f'<row r="1">{inline("A1", "P")}{inline("B1", "1st")}{inline("C1", "Id")}</row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>9</v></c></row>'
        '<row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>2</v></c></row>'
    )
    path = write_sheet(tmp_path / "cvr.xlsx", rows)
    source = CvrSource(
        "ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1, id_column=3
    )
    with pytest.raises(BallotFileError, match="id is missing") as caught:
        read_sources([source], NUMBERED, max_rankings=1)
    assert caught.value.line == 3


def test_one_ballot_in_many_precincts_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shortlist.formats.rctab.cvr import ess

    precincts = [
        '<c r="A{n}" t="inlineStr"><is><t>P 1</t></is></c>',  # inline: not a plain chunk
        '<c r="A{n}"><v>7</v></c>',
        '<c r="A{n}" s="3"><v>8</v></c>',
        '<c r="A{n}"/>',  # no value: missing_precinct_id
        "",  # no cell: missing_precinct_id
    ]
    ranks = ['<c r="B{n}"><v>1</v></c><c r="C{n}"><v>2</v></c>', '<c r="B{n}"><v>3</v></c>']
    rows = [f'<row r="1">{inline("A1", "Precinct")}{inline("B1", "1st")}</row>']
    for n in range(2, 42):
        cells = precincts[n % 5] + ranks[n // 5 % 2]
        rows.append(f'<row r="{n}">{cells.format(n=n)}</row>')
    path = write_sheet(tmp_path / "cvr.xlsx", "".join(rows))
    source = CvrSource("ess", path, first_vote_column=2, first_vote_row=2, precinct_column=1)
    parsed = []
    record = ess._record
    monkeypatch.setattr(ess, "_record", lambda *a, **k: parsed.append(a[3]) or record(*a, **k))
    found = read_sources([source], NUMBERED)
    layout = ess.Layout.of(source, None)
    distinct_rows = len(ess._count_rows(source, layout, 2)[0])
    assert len(parsed) < distinct_rows  # fewer parses than distinct rows: rankings read once
    reference = by_openpyxl(source, None)
    same(found, grouped([source], NUMBERED, reference))  # type: ignore[arg-type]
    firsts: dict[object, int | None] = {}
    for r in reference:
        firsts.setdefault((r.ranks, r.precinct), r.line)  # type: ignore[attr-defined]
    seen: dict[object, int | None] = {}
    for r, _ in ess.read_counted(source, None):
        seen.setdefault((r.ranks, r.precinct), r.line)
    assert seen == firsts  # the line of the first row holding each ballot (what errors name)
