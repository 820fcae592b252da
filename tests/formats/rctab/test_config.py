"""RCTab contest configs: every problem reported at once with its JSON path; migration of old
configs; bad CVRs and configs end in a clear error and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from shortlist.cli.main import main
from shortlist.errors import BallotFileError, RulesError
from shortlist.formats.rctab import count_contest, is_rctab_config, load_contest, read_config

CASES = Path(__file__).resolve().parents[2] / "cases" / "rctab"
SIMPLE = "test_set_multi_winner_fractional_threshold"


def errors_of(path: Path) -> list[str]:
    with pytest.raises(RulesError) as caught:
        read_config(path)
    return [e.split(": ", 1)[1] for e in caught.value.errors]


def copy_case(case: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    for f in (CASES / case).iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    config = tmp_path / f"{case}_config.json"
    return config, json.loads(config.read_text())


def test_invalid_params_lists_every_problem_with_its_path() -> None:
    problems = errors_of(CASES / "invalid_params_test" / "invalid_params_test_config.json")
    fields = [p.split(":")[0] for p in problems]
    for field in (
        "rules.winnerElectionMode",
        "rules.tiebreakMode",
        "rules.overvoteRule",
        "rules.decimalPlacesForVoteArithmetic",
        "rules.maxRankingsAllowed",
        "rules.maxSkippedRanksAllowed",
        "cvrFileSources",
        "candidates",
    ):
        assert field in fields, problems
    assert any("'whatever' is not one of random" in p for p in problems)


def test_invalid_sources_lists_every_source_problem() -> None:
    problems = errors_of(CASES / "invalid_sources_test" / "invalid_sources_test_config.json")
    expected = [
        "rules.randomSeed: an integer",
        "cvrFileSources[0].filePath: cast vote record file not found",
        "cvrFileSources[1].firstVoteColumnIndex: required",
        "cvrFileSources[1].precinctColumnIndex: required when tabulateByPrecinct is on",
        "cvrFileSources[2].filePath: a file path is required",
        "cvrFileSources[2].firstVoteRowIndex: must be an integer from 1 to 100000, not '0'",
        "cvrFileSources[3].firstVoteRowIndex: required",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["cvrFileSources"][0].update(provider="punchcard"), "provider: 'punchcard'"),
        (lambda d: d["candidates"].append({"name": "Candidate A Name"}), "duplicate candidate"),
        (lambda d: d["candidates"][0].update(name="exhausted"), "reserved"),
        (lambda d: d["rules"].update(numberOfWinners="two"), "numberOfWinners: must be an"),
        (lambda d: d["rules"].update(hareQuota=True), "hareQuota"),
        (
            lambda d: d["rules"].update(winnerElectionMode="bottomsUpUsingPercentageThreshold"),
            "numberOfWinners: must be 0",
        ),
        (lambda d: d["rules"].update(batchElimination="maybe"), "expected true or false"),
        (lambda d: d["cvrFileSources"][0].update(filePath="nowhere.json"), "not found"),
        (
            lambda d: d["cvrFileSources"][0].update(firstVoteColumnIndex="3"),
            "firstVoteColumnIndex: should not be defined for provider cdf",
        ),
        (lambda d: d["outputSettings"].update(contestName=""), "contestName"),
        (lambda d: d.update(tabulatorVersion="9.0.0"), "newer than RCTab"),
        (lambda d: [c.update(excluded=True) for c in d["candidates"]], "must not be excluded"),
    ],
)
def test_a_bad_field_is_named(tmp_path: Path, change: Any, message: str) -> None:
    config, doc = copy_case(SIMPLE, tmp_path)
    change(doc)
    config.write_text(json.dumps(doc))
    problems = errors_of(config)
    assert any(message in p for p in problems), problems


def test_not_json_and_not_an_object(tmp_path: Path) -> None:
    bad = tmp_path / "c_config.json"
    bad.write_text("{ not json")
    with pytest.raises(RulesError, match="not a JSON contest config"):
        read_config(bad)
    bad.write_text("[]")
    with pytest.raises(RulesError, match="a JSON object"):
        read_config(bad)
    with pytest.raises(RulesError, match="cannot read"):
        read_config(tmp_path / "missing_config.json")
    assert not is_rctab_config(bad)
    assert is_rctab_config(CASES / SIMPLE / f"{SIMPLE}_config.json")


def test_old_names_are_migrated(tmp_path: Path) -> None:
    """RCTab's migration: old mode names, labels in rules, undervoteLabel, candidate codes."""
    case = "2013_minneapolis_park_sequential"
    config, doc = copy_case(case, tmp_path)
    shutil.copy(CASES / "_shared" / "2013_minneapolis_park_cvr.xlsx", tmp_path)
    doc["cvrFileSources"][0]["filePath"] = "2013_minneapolis_park_cvr.xlsx"
    doc["rules"]["winnerElectionMode"] = "multiSeatSequentialWinnerTakesAll"
    source = doc["cvrFileSources"][0]
    doc["rules"]["undervoteLabel"] = source.pop("skippedRankLabel", "")
    doc["rules"]["undeclaredWriteInLabel"] = source.pop("undeclaredWriteInLabel", "")
    config.write_text(json.dumps(doc))
    migrated = read_config(config)
    assert migrated.rules.winner_mode == "multiPassIrv"
    original = read_config(CASES / case / f"{case}_config.json")
    assert migrated.sources[0].skipped_rank_label == original.sources[0].skipped_rank_label
    assert migrated.sources[0].undeclared_write_in_label == (
        original.sources[0].undeclared_write_in_label
    )


def test_candidate_code_is_an_alias(tmp_path: Path) -> None:
    config, doc = copy_case(SIMPLE, tmp_path)
    doc["candidates"][0]["code"] = "A1"
    config.write_text(json.dumps(doc))
    assert read_config(config).candidates[0].aliases == ("A1",)


def test_unknown_candidate_in_a_cvr_names_file_and_field(tmp_path: Path) -> None:
    config, doc = copy_case(SIMPLE, tmp_path)
    doc["candidates"] = [c for c in doc["candidates"] if c["name"] != "Candidate F Name"]
    config.write_text(json.dumps(doc))
    with pytest.raises(BallotFileError) as caught:
        load_contest(config)
    assert "Candidate F Name" in str(caught.value)
    assert "test_set_multi_winner_fractional_threshold_cvr.json" in str(caught.value)


def test_truncated_cvr_is_a_ballot_file_error(tmp_path: Path) -> None:
    config, _ = copy_case(SIMPLE, tmp_path)
    cvr = tmp_path / f"{SIMPLE}_cvr.json"
    cvr.write_text(cvr.read_text()[: len(cvr.read_text()) // 2])
    with pytest.raises(BallotFileError) as caught:
        load_contest(config)
    assert cvr.name in str(caught.value)


def test_more_rankings_than_allowed_is_refused() -> None:
    case = "max_ranking_enforcement"
    with pytest.raises(BallotFileError, match="maxRankingsAllowed"):
        load_contest(CASES / case / f"{case}_config.json")


def test_by_precinct_without_precincts_is_refused() -> None:
    case = "tabulate_by_precinct_without_precincts"
    with pytest.raises(Exception, match="list no precincts"):
        count_contest(load_contest(CASES / case / f"{case}_config.json"))


def test_cli_exits_non_zero_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.json"
    config = CASES / "invalid_sources_test" / "invalid_sources_test_config.json"
    with pytest.raises(SystemExit) as caught:
        main(["tabulate", str(config), "--format", "rctab-json", "-o", str(target)])
    assert caught.value.code != 0
    err = capsys.readouterr().err
    assert "cvrFileSources[0].filePath" in err and "Traceback" not in err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_cli_writes_the_detailed_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    config = CASES / SIMPLE / f"{SIMPLE}_config.json"
    main(["tabulate", str(config), "--format", "rctab-json", "-o", str(target)])
    report = json.loads(target.read_text())
    expected = json.loads((CASES / SIMPLE / f"{SIMPLE}_expected_detailed_report.json").read_text())
    assert report["results"] == expected["results"]
    assert report["summary"] == expected["summary"]


def test_slice_file_names_are_sanitized_and_unique() -> None:
    from shortlist.formats.rctab.report import SliceFileIds

    ids = SliceFileIds()
    assert [ids.of(s) for s in ("W-1 P-02", "W-1/P-02", "W-1 P-02", "W-1?P-02")] == [
        "W-1_P-02",
        "W-1_P-02_1",
        "W-1_P-02",
        "W-1_P-02_2",
    ]
