"""``shortlist convert`` against RCTab's conversion cases: CDF JSON and CVR CSV, exactly."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from _rctab_cvr_cases import RCTAB, case_inputs
from click.testing import CliRunner

from shortlist.cli.main import cli
from shortlist.errors import BallotFileError
from shortlist.formats.blt import parse_blt
from shortlist.formats.rctab.config import read_config
from shortlist.formats.rctab.convert import (
    Conversion,
    convert,
    csv_field,
    jackson,
    java_hash_order,
    tabulated_snapshots,
    write_cdf_json,
)
from shortlist.formats.rctab.cvr import CvrSource, read_sources

CASES = ["conversions_from_ess", "conversions_from_dominion", "conversions_from_cdf"]

#: What may differ from RCTab's files: the time written and the program that wrote it.
STAMPS = re.compile(r'"(GeneratedDate|Application|Manufacturer)" : "[^"]*"')


def config(case: str) -> Path:
    return RCTAB / case / f"{case}_config.json"


def converted(case: str, to: str) -> str:
    out = io.StringIO()
    convert(Conversion.from_config(config(case)), to, out, generated="2025-01-21T04:25:22-05:00")
    return out.getvalue()


@pytest.mark.parametrize("case", CASES)
def test_rctab_cvr_csv_is_rctab_s_byte_for_byte(case: str) -> None:
    expected = (RCTAB / case / f"{case}_expected.csv").read_text(encoding="utf-8")
    assert converted(case, "csv") == expected


@pytest.mark.parametrize("case", CASES)
def test_cdf_json_is_rctab_s_but_for_date_and_device(case: str) -> None:
    expected = (RCTAB / case / f"{case}_expected_cdf_cvr.json").read_text(encoding="utf-8")
    ours = converted(case, "cdf")
    assert STAMPS.sub("", ours) == STAMPS.sub("", expected)
    device = json.loads(ours)["ReportingDevice"][0]
    assert device["Application"] == "shortlist"


def test_cdf_json_reads_back_as_the_same_ballots(tmp_path: Path) -> None:
    case = "conversions_from_ess"
    sources, candidates, max_rankings = case_inputs(case)
    original = read_sources(sources, candidates, max_rankings=max_rankings)
    path = tmp_path / "cvr.json"
    path.write_text(converted(case, "cdf"), encoding="utf-8")
    name = json.loads(config(case).read_text())["outputSettings"]["contestName"]
    source = CvrSource("cdf", path, contest_id=name, overvote_label="overvote")
    again = read_sources([source], candidates, max_rankings=max_rankings)
    assert again.record_count == original.record_count == 10
    assert sorted(again.profile.rankings()) == sorted(original.profile.rankings())


def test_jackson_layout() -> None:
    assert jackson({"b": [], "a": {}}) == '{\n  "a" : { },\n  "b" : [ ]\n}'
    assert jackson([{"x": 1}, {"x": 2}], 1) == '[ {\n    "x" : 1\n  }, {\n    "x" : 2\n  } ]'


def test_csv_quoting_follows_commons_csv() -> None:
    assert [csv_field(v) for v in ("a b", "", None, " lead", "trail ", "#x", "a,b", 'q"')] == [
        "a b", "", "", '" lead"', '"trail "', '"#x"', '"a,b"', '"q"""',
    ]  # fmt: skip


def test_blt_holds_the_grouped_ballots() -> None:
    out = io.StringIO()
    count = convert(Conversion.from_config(config("conversions_from_dominion")), "blt", out)
    ballots = parse_blt(out.getvalue(), "converted.blt")
    assert count == 1000 == ballots.profile.total_weight
    assert ballots.profile.candidates[0] == "Joseph R. Biden"


def test_blt_refuses_the_overvote_label(tmp_path: Path) -> None:
    sheet = tmp_path / "cvr.csv"
    sheet.write_text("Id,Choice 1,Choice 2\n1,A,B\n2,overvote,A\n")
    source = CvrSource(
        "ess", sheet, first_vote_column=2, first_vote_row=2, overvote_label="overvote"
    )
    with pytest.raises(BallotFileError, match="BLT cannot hold an overvote"):
        convert(Conversion((source,)), "blt", io.StringIO())


# -- the command ----------------------------------------------------------------------------


def test_command_writes_cdf_from_a_config(tmp_path: Path) -> None:
    out = tmp_path / "cvr.json"
    result = CliRunner().invoke(
        cli, ["convert", str(config("conversions_from_cdf")), "--to", "cdf", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = RCTAB / "conversions_from_cdf" / "conversions_from_cdf_expected_cdf_cvr.json"
    assert STAMPS.sub("", out.read_text()) == STAMPS.sub("", expected.read_text())


def test_command_converts_a_sheet_without_a_config(tmp_path: Path) -> None:
    sheet = RCTAB / "_shared" / "simple_ess_cvr.xlsx"
    result = CliRunner().invoke(
        cli,
        ["convert", str(sheet), "--to", "csv", "--first-vote-column", "2",
         "--overvote-label", "overvote", "--skipped-rank-label", "undervote",
         "--max-rankings", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = (RCTAB / "conversions_from_ess" / "conversions_from_ess_expected.csv").read_text()
    # the same rows, but the path as given here
    ours = [line.split(",", 1)[1] for line in result.output.splitlines()[1:]]
    theirs = [line.split(",", 1)[1] for line in expected.splitlines()[1:]]
    assert ours == theirs


def test_command_bad_input_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "cvr.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["convert", str(broken), "--to", "csv", "--first-vote-column", "2", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, BallotFileError)
    assert str(broken) in str(result.exception)
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_command_needs_a_provider_it_cannot_guess(tmp_path: Path) -> None:
    sheet = tmp_path / "votes.csv"
    sheet.write_text("Id,A\n1,1\n")
    result = CliRunner().invoke(cli, ["convert", str(sheet), "--to", "csv"])
    assert result.exit_code == 2 and "--provider" in result.output


def test_alaska_2024_cvr_export_in_rctab_s_older_columns() -> None:
    """RCTab's expected export for Alaska 2024 predates the RCTab CVR Id and Vendor Id
    columns (its Record Id is the vendor's id); the same rows, in the same order."""
    case = "2024_alaska_dominion"
    ours = list(csv.reader(io.StringIO(converted(case, "csv"))))
    path = RCTAB / case / f"{case}_expected_rctab_cvr.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.reader(handle))
    older = [0, 1, 2, 4, 5, 6, 7, 8]  # drop "RCTab CVR Id"; "Vendor Id" is "Record Id"
    assert [[r[i] for i in older] + r[9:] for r in ours[1:]] == expected[1:]
    assert len(expected) == 125


# -- CDF with every round's snapshots (configs with generateCdfJson) ------------------------

COUNTED_CDF = sorted(
    p.parent.name
    for p in RCTAB.glob("*/*_expected_cdf_cvr.json")
    if not p.parent.name.startswith("conversions_")
)
#: Written by RCTab 1.x, whose printer closed the GpUnit list as "}]": the same JSON.
OLDER_LAYOUT = {"batch_example"}


@pytest.mark.parametrize("case", COUNTED_CDF)
def test_cdf_json_with_round_snapshots_is_rctab_s(case: str) -> None:
    conversion = Conversion.from_config(config(case))
    snapshots = tabulated_snapshots(read_config(config(case)))
    out = io.StringIO()
    write_cdf_json(conversion, out, generated="2025-01-21T04:25:22-05:00", snapshots=snapshots)
    expected = (RCTAB / case / f"{case}_expected_cdf_cvr.json").read_text(encoding="utf-8")
    if case in OLDER_LAYOUT:
        ours, theirs = json.loads(out.getvalue()), json.loads(expected)
        for report in (ours, theirs):
            del report["GeneratedDate"], report["ReportingDevice"]
        assert ours == theirs
    else:
        assert STAMPS.sub("", out.getvalue()) == STAMPS.sub("", expected)


def test_java_hash_order_of_precincts() -> None:
    # String.hashCode: "a" = 97, "b" = 98, "q" = 113 = 97 + 16: same bucket of 16 as "a"
    assert java_hash_order(["q", "b", "a"]) == ["q", "a", "b"]
    assert java_hash_order([]) == []


def test_command_writes_round_snapshots(tmp_path: Path) -> None:
    case = "test_set_multi_winner_fractional_threshold"
    out = tmp_path / "cvr.json"
    result = CliRunner().invoke(
        cli, ["convert", str(config(case)), "--to", "cdf", "--rounds", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = (RCTAB / case / f"{case}_expected_cdf_cvr.json").read_text()
    assert STAMPS.sub("", out.read_text()) == STAMPS.sub("", expected)
    refused = CliRunner().invoke(cli, ["convert", str(config(case)), "--to", "csv", "--rounds"])
    assert refused.exit_code == 2 and "--rounds" in refused.output


def test_dominion_without_a_config_names_candidates_from_its_manifest() -> None:
    folder = RCTAB / "_shared" / "dominion_alaska" / "alaska_input_data"
    args = [str(folder), "--contest-id", "1", "--write-in-label", "12", "--to"]
    as_csv = CliRunner().invoke(cli, ["convert", *args, "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    expected = RCTAB / "conversions_from_dominion" / "conversions_from_dominion_expected.csv"
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    with expected.open(newline="", encoding="utf-8") as handle:
        theirs = list(csv.reader(handle))
    # the config of the case allows 5 ranks; without one, all 8 declared candidates' ranks
    assert [r[1:14] for r in rows[1:]] == [r[1:14] for r in theirs[1:]]
    as_blt = CliRunner().invoke(cli, ["convert", *args, "blt"])
    ballots = parse_blt(as_blt.output, "alaska.blt")
    assert ballots.profile.total_weight == 1000
    assert "Joseph R. Biden" in ballots.profile.candidates
