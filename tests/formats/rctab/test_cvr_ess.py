"""ES&S xlsx cast-vote records against the shared RCTab cases and their CSV copies."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from _rctab_cvr_cases import RCTAB, RCTAB_CSV, case_inputs, cases_with

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecords,
    CvrSource,
    iter_records,
    read_sources,
)
from shortlist.methods.ballots import SKIP

#: Cases whose CVR is not in the corpus (RCTab does not publish the Maine 2018 CVR).
ABSENT = {"2018_maine_governor_primary"}
#: Cases with ~10^5 ballots: read once each below, not in the sweep.
LARGE = {c for c in cases_with("ess") if "minneapolis" in c}
SMALL = sorted(set(cases_with("ess")) - ABSENT - LARGE)


def expected_total(case: str) -> int:
    """Ballots in the case's expected report, or rows of its expected CVR export."""
    report = RCTAB / case / f"{case}_expected_detailed_report.json"
    if report.exists():
        return int(json.loads(report.read_text())["summary"]["totalNumBallots"])
    export = RCTAB / case / f"{case}_expected.csv"
    with export.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def read_case(case: str) -> CastVoteRecords:
    sources, candidates, max_rankings = case_inputs(case)
    return read_sources(sources, candidates, max_rankings=max_rankings)


def as_csv_copy(source: CvrSource) -> CvrSource:
    relative = source.path.relative_to(RCTAB.resolve())
    return replace(source, path=RCTAB_CSV.resolve() / f"{relative}.csv")


def assert_same(a: CastVoteRecords, b: CastVoteRecords) -> None:
    assert a.record_count == b.record_count
    assert a.profile.candidates == b.profile.candidates
    assert a.profile.multi == b.profile.multi
    assert np.array_equal(a.profile.ranks, b.profile.ranks)
    assert np.array_equal(a.profile.weights, b.profile.weights)
    assert (a.precincts, a.batches) == (b.precincts, b.batches)
    assert np.array_equal(a.precinct, b.precinct)
    assert np.array_equal(a.batch, b.batch)


def has_expected_total(case: str) -> bool:
    return any((RCTAB / case).glob(f"{case}_expected*"))


@pytest.mark.parametrize("case", [c for c in SMALL if has_expected_total(c)])
def test_every_record_is_a_ballot_of_the_report(case: str) -> None:
    records = read_case(case)
    assert records.record_count == expected_total(case)
    assert records.profile.total_weight == records.record_count


def test_minneapolis_2017_mayor_from_xlsx_equals_its_csv_copy() -> None:
    sources, candidates, max_rankings = case_inputs("2017_minneapolis_mayor")
    from_xlsx = read_sources(sources, candidates, max_rankings=max_rankings)
    from_csv = read_sources([as_csv_copy(s) for s in sources], candidates, max_rankings=3)
    assert from_xlsx.record_count == expected_total("2017_minneapolis_mayor") == 105928
    assert_same(from_xlsx, from_csv)
    assert len(from_xlsx.precincts) == 132
    assert from_xlsx.profile.candidates[-1] == UNDECLARED_WRITE_INS
    assert from_xlsx.profile.multi == ((),)  # the overvote label


def test_minneapolis_2013_park_csv_copy_counts_every_ballot() -> None:
    sources, candidates, max_rankings = case_inputs("2013_minneapolis_park")
    records = read_sources([as_csv_copy(s) for s in sources], candidates, max_rankings=max_rankings)
    assert records.record_count == expected_total("2013_minneapolis_park") == 80101


#: The CSV copy drops the two empty rows that the sheet holds (rows 19 and 1048576), which
#: RCTab reads as two blank ballots.
CSV_LOSES_ROWS = {"first_round_determines_threshold_tiebreaker_test"}


@pytest.mark.parametrize("case", sorted(c for c in SMALL if (RCTAB_CSV / c).is_dir()))
def test_xlsx_and_csv_copy_give_the_same_profile(case: str) -> None:
    sources, candidates, max_rankings = case_inputs(case)
    from_xlsx = read_sources(sources, candidates, max_rankings=max_rankings)
    copies = [as_csv_copy(s) for s in sources]
    from_csv = read_sources(copies, candidates, max_rankings=max_rankings)
    if case in CSV_LOSES_ROWS:
        assert from_xlsx.record_count == from_csv.record_count + 2 == expected_total(case)
    else:
        assert_same(from_xlsx, from_csv)


def raw_rows(case: str) -> list[list[str]]:
    (path,) = (RCTAB_CSV / case).glob("*.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_decoded_ballots_follow_the_raw_sheet() -> None:
    (source,), _, _ = case_inputs("2015_portland_mayor")
    rows = raw_rows("2015_portland_mayor")
    records = list(iter_records(source, max_rankings=None))
    assert len(records) == len(rows) - 1
    for record, row in zip(records[:5], rows[1:6], strict=True):
        cells = [c.strip() for c in row[3:]]
        labels = {"undervote": (), "overvote": (OVERVOTE,)}
        expected = [labels.get(c, (c,)) for c in cells]
        while expected and not expected[-1]:
            expected.pop()
        assert list(record.ranks) == expected
        assert record.precinct == row[1]
    assert records[6].record_id == "2015_portland_mayor_cvr.xlsx-7"
    assert records[6].line == 8


def test_codes_in_cells_are_resolved_through_aliases() -> None:
    plain, codes = read_case("2015_portland_mayor"), read_case("2015_portland_mayor_codes")
    assert_same(plain, codes)


def test_overvote_label_skipped_rank_and_blank_as_write_in() -> None:
    case = "test_set_treat_blank_as_undeclared_write_in"
    records = read_case(case)
    book = records.profile
    uwi, a, b, c, d = (book.code(n) for n in (UNDECLARED_WRITE_INS, "A", "B", "C", "D"))
    pairs = zip(book.ranks.tolist(), book.weights.tolist(), strict=True)
    rows = {tuple(r): w for r, w in pairs}
    assert rows[(uwi, b, c, d)] == 1  # ballot 1: blank first choice is a write-in
    assert rows[(SKIP, b, c, a)] == 1  # ballot 6: the skipped-rank label is no mark
    assert rows[(c, -2, b, SKIP)] == 1  # ballot 9: the overvote label, then undervote
    assert book.multi == ((),)


def test_overvote_delimiter_splits_a_cell() -> None:
    records = read_case("exhaust_if_multiple_continuing")
    profile = records.profile
    a, d = profile.code("A"), profile.code("D")
    assert profile.multi == ((a, d), (d, a))
    first = profile.rankings()
    assert ((("A", "D"), ("B",), ("C",)), 3) in first
    assert ((("D",),), 1) in first


def test_precinct_and_batch_columns() -> None:
    precincts = read_case("precinct_example")
    assert len(precincts.precincts) == 58 and precincts.batches == ()
    assert (precincts.batch == -1).all()
    batches = read_case("batch_example")
    assert len(batches.batches) == 58 and batches.precincts == ()
    weights = batches.profile.weights
    assert sum(int(weights[batches.rows_in_batch(b)].sum()) for b in batches.batches) == 100


def test_a_missing_precinct_cell_is_missing_precinct_id() -> None:
    records = read_case("missing_precinct_example")
    assert "missing_precinct_id" in records.precincts


# -- bad input ------------------------------------------------------------------------------

INVALID = RCTAB / "invalid_sources_test" / "invalid_sources_test_cvr.xlsx"
CANDIDATES = [CandidateSpec("Candidate 1"), CandidateSpec("Candidate 2")]


def ess_source(path: Path, **fields: object) -> CvrSource:
    settings: dict[str, object] = {"first_vote_column": 2, "first_vote_row": 2}
    settings.update(fields)
    return CvrSource("ess", path, **settings)  # type: ignore[arg-type]


def test_a_name_not_in_the_config_names_file_row_and_column() -> None:
    with pytest.raises(BallotFileError) as caught:
        read_sources([ess_source(INVALID)], CANDIDATES)
    err = caught.value
    assert err.line == 2 and err.field == "column D (rank 3)"
    assert "'Rando 1'" in str(err) and str(INVALID) in str(err)


def test_a_missing_file_is_named() -> None:
    missing = INVALID.with_name("nowhere.xlsx")
    with pytest.raises(BallotFileError, match="no such file") as caught:
        read_sources([ess_source(missing)], CANDIDATES)
    assert caught.value.field == "filePath"


def test_a_truncated_workbook_is_an_error(tmp_path: Path) -> None:
    data = (RCTAB / "_shared" / "simple_ess_cvr.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BallotFileError, match="xlsx") as caught:
        read_sources([ess_source(cut)], CANDIDATES)
    assert caught.value.path == str(cut)


def test_a_file_that_is_no_workbook_is_an_error(tmp_path: Path) -> None:
    text = tmp_path / "cvr.xlsx"
    text.write_text("Cast Vote Record,Choice 1\n1,Candidate 1\n")
    with pytest.raises(BallotFileError, match="not a readable xlsx"):
        read_sources([ess_source(text)], CANDIDATES)


def test_a_sheet_with_too_few_columns_names_the_header_and_field(tmp_path: Path) -> None:
    copy = tmp_path / "cvr.xlsx"
    shutil.copy(INVALID, copy)
    with pytest.raises(BallotFileError, match="the sheet has 4 columns") as caught:
        read_sources([ess_source(copy, first_vote_column=7)], CANDIDATES)
    assert (caught.value.line, caught.value.field) == (1, "firstVoteColumnIndex")


def test_an_empty_id_cell_is_an_error(tmp_path: Path) -> None:
    sheet = tmp_path / "cvr.csv"
    sheet.write_text("Id,Choice 1\n1,Candidate 1\n,Candidate 2\n")
    with pytest.raises(BallotFileError, match="id is missing") as caught:
        read_sources([ess_source(sheet, id_column=1)], CANDIDATES)
    assert (caught.value.line, caught.value.field) == (3, "idColumnIndex")


def test_a_blank_part_of_a_delimited_cell_is_an_error(tmp_path: Path) -> None:
    sheet = tmp_path / "cvr.csv"
    sheet.write_text("Id,Choice 1\n1,Candidate 1||\n")
    with pytest.raises(BallotFileError, match="overvote delimiter") as caught:
        read_sources([ess_source(sheet, overvote_delimiter="|")], CANDIDATES)
    assert caught.value.line == 2
