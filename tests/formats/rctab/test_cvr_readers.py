"""CDF (JSON, XML), Dominion, Hart, Clear Ballot and generic CSV records on the shared cases."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from _rctab_cvr_cases import RCTAB, case_inputs, cases_with

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import (
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CvrSource,
    iter_records,
    read_sources,
)

#: Cases whose CVR export is not in the corpus.
ABSENT = {"dominion_kansas"}


def expected_total(case: str) -> int | None:
    report = RCTAB / case / f"{case}_expected_detailed_report.json"
    if not report.exists():
        return None
    return int(json.loads(report.read_text())["summary"]["totalNumBallots"])


PROVIDERS = ("cdf", "dominion", "hart", "clearBallot", "genericCsv")
COUNTED = sorted(
    {c for p in PROVIDERS for c in cases_with(p) if c not in ABSENT and expected_total(c)}
)


@pytest.mark.parametrize("case", COUNTED)
def test_every_record_is_a_ballot_of_the_report(case: str) -> None:
    sources, candidates, max_rankings = case_inputs(case)
    records = read_sources(sources, candidates, max_rankings=max_rankings)
    assert records.record_count == expected_total(case)
    assert records.profile.total_weight == records.record_count


def first_records(case: str, count: int, source: int = 0) -> list[tuple[tuple[str, ...], ...]]:
    sources, _, max_rankings = case_inputs(case)
    stream = iter_records(sources[source], max_rankings=max_rankings)
    return [next(stream).ranks for _ in range(count)]


# -- CDF ------------------------------------------------------------------------------------


def test_cdf_json_ballots_follow_the_raw_file() -> None:
    case = "test_set_1_exhaust_at_overvote"
    raw = json.loads((RCTAB / case / f"{case}_cvr.json").read_text())
    names = {c["@id"]: c["Name"] for c in raw["Election"][0]["Candidate"]}
    selections = {
        s["@id"]: names[s["CandidateIds"][0]]
        for s in raw["Election"][0]["Contest"][0]["ContestSelection"]
    }
    decoded = first_records(case, 3)
    for cvr, ranks in zip(raw["CVR"][:3], decoded, strict=True):
        pairs = sorted(
            (p["Rank"], selections[s["ContestSelectionId"]])
            for s in cvr["CVRSnapshot"][0]["CVRContest"][0]["CVRContestSelection"]
            for p in s["SelectionPosition"]
        )
        assert sorted((r + 1, n) for r, marks in enumerate(ranks) for n in marks) == pairs
    assert decoded[0][0] == ("Candidate A Name", "Candidate B Name")  # an overvote at rank 1


def test_cdf_json_record_ids_and_aliases() -> None:
    sources, candidates, _ = case_inputs("aliases_cdf_json")
    first = next(iter_records(sources[0]))
    assert first.record_id == "cdf_json_file1_cvr.json(1)" and first.vendor_id == "1"
    records = read_sources(sources, candidates)
    assert records.profile.candidates[0] == "Unused Display Name Candidate A"
    assert records.record_count == 30


def test_cdf_xml_skips_unallocable_and_adjudication_marks() -> None:
    (source,), candidates, _ = case_inputs("nist_xml_cdf_2")
    (record,) = list(iter_records(source))
    assert record.vendor_id is None and record.record_id == "nist_xml_cdf_2.xml(1)"
    records = read_sources([source], candidates)
    assert records.record_count == 1


def test_unisyn_cdf_xml_precincts_and_write_ins() -> None:
    sources, candidates, max_rankings = case_inputs("unisyn_xml_cdf_city_mayor")
    records = read_sources(sources, candidates, max_rankings=max_rankings)
    assert records.profile.candidates[-1] == UNDECLARED_WRITE_INS
    assert len(records.precincts) == 1
    assert records.profile.total_weight == 35


def test_unisyn_provider_reads_cdf_xml() -> None:
    sources, candidates, max_rankings = case_inputs("unisyn_xml_cdf_county_sheriff")
    as_cdf = read_sources(sources, candidates, max_rankings=max_rankings)
    unisyn = [replace(s, provider="unisyn") for s in sources]
    as_unisyn = read_sources(unisyn, candidates, max_rankings=max_rankings)
    assert as_cdf.profile.rankings() == as_unisyn.profile.rankings()


# -- Dominion -------------------------------------------------------------------------------


def test_dominion_ballots_follow_the_raw_export() -> None:
    case = "conversions_from_dominion"
    (source,), _, _ = case_inputs(case)
    export = json.loads((source.path / "CvrExport.json").read_text())
    session = export["Sessions"][0]
    marks = session["Original"]["Cards"][0]["Contests"][0]["Marks"]
    first = next(iter_records(source))
    by_rank: dict[int, list[str]] = {}
    for mark in marks:
        if not mark["IsAmbiguous"]:
            name = str(mark["CandidateId"])
            by_rank.setdefault(mark["Rank"], []).append(
                UNDECLARED_WRITE_INS if name == source.undeclared_write_in_label else name
            )
    assert first.ranks == tuple(tuple(by_rank.get(r, ())) for r in range(1, max(by_rank) + 1))
    assert first.record_id == f"{session['TabulatorId']}-{session['BatchId']}-1"
    assert first.tabulator_id == str(session["TabulatorId"])
    assert first.precinct_portion is not None


def test_dominion_multi_file_reads_every_export_in_order() -> None:
    (source,), _, _ = case_inputs("dominion_multi_file")
    files = [r.where.rsplit("/", 1)[-1] for r in iter_records(source)]
    assert files == sorted(files, key=lambda f: int(f.split("_")[1].split(".")[0]))
    assert set(files) == {f"CvrExport_{n}.json" for n in (1, 2, 3, 6)}


def test_dominion_without_precinct_manifest_has_no_precincts() -> None:
    sources, candidates, _ = case_inputs("dominion_no_precinct_data")
    records = read_sources(sources, candidates)
    assert records.precincts == ()
    assert len(records.batches) == 5


def test_dominion_candidate_outside_the_contest_is_an_error(tmp_path: Path) -> None:
    (source,), candidates, _ = case_inputs("dominion_multi_file")
    folder = tmp_path / "export"
    shutil.copytree(source.path, folder)
    path = folder / "CvrExport_2.json"
    data = json.loads(path.read_text())
    contests = [
        c
        for session in data["Sessions"]
        for card in session["Original"]["Cards"]
        for c in card["Contests"]
        if str(c["Id"]) == source.contest_id and c["Marks"]
    ]
    contests[0]["Marks"][0]["CandidateId"] = 99999
    path.write_text(json.dumps(data, indent=1))
    with pytest.raises(BallotFileError, match="99999 is not a candidate") as caught:
        read_sources([replace(source, path=folder)], candidates)
    assert caught.value.path.endswith("CvrExport_2.json") and caught.value.line is not None


def test_dominion_folder_without_manifests_is_an_error(tmp_path: Path) -> None:
    (source,), candidates, _ = case_inputs("dominion_multi_file")
    with pytest.raises(BallotFileError, match=r"ContestManifest\.json"):
        read_sources([replace(source, path=tmp_path)], candidates)


# -- Hart -----------------------------------------------------------------------------------


def test_hart_ballot_follows_the_raw_sheet() -> None:
    (source,), _, _ = case_inputs("hart_travis_county_officers")
    records = list(iter_records(source))
    assert len(records) == 9
    first = records[0]
    raw = Path(RCTAB / "hart_travis_county_officers" / first.where).read_text(encoding="utf-8-sig")
    assert f"<CvrGuid>{first.vendor_id}</CvrGuid>" in raw
    assert first.record_id == first.vendor_id and first.precinct and first.precinct in raw
    assert all(name in raw for marks in first.ranks for name in marks)


def test_hart_zip_archive_equals_the_folder(tmp_path: Path) -> None:
    (source,), candidates, _ = case_inputs("hart_cedar_park_school_board")
    archive = tmp_path / "hart.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(source.path.iterdir()):
            out.write(path, path.name)
    folder = read_sources([source], candidates)
    zipped = read_sources([replace(source, path=archive)], candidates)
    assert folder.profile.rankings() == zipped.profile.rankings()
    assert folder.precincts == zipped.precincts


def test_hart_malformed_sheet_names_the_file(tmp_path: Path) -> None:
    (source,), candidates, _ = case_inputs("hart_cedar_park_school_board")
    folder = tmp_path / "hart"
    shutil.copytree(source.path, folder)
    victim = sorted(folder.glob("*.xml"))[3]
    victim.write_bytes(victim.read_bytes()[:200])
    with pytest.raises(BallotFileError, match="not well-formed XML") as caught:
        read_sources([replace(source, path=folder)], candidates)
    assert caught.value.path.endswith(victim.name)


# -- Clear Ballot ---------------------------------------------------------------------------


def test_clear_ballot_ballots_follow_the_raw_file() -> None:
    case = "clear_ballot_kansas_primary"
    (source,), _, max_rankings = case_inputs(case)
    with source.path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header = [h.split(":") for h in rows[0][10:]]
    for row, record in zip(rows[1:4], first_records(case, 3), strict=True):
        pairs = sorted(
            (int(h[2]), h[4])
            for h, cell in zip(header, row[10:], strict=True)
            if cell == "1" and h[1] == source.contest_id and int(h[2]) <= (max_rankings or 99)
        )
        assert sorted((r + 1, n) for r, marks in enumerate(record) for n in marks) == pairs


def test_clear_ballot_contest_name_with_a_comma() -> None:
    sources, candidates, max_rankings = case_inputs("clear_ballot_with_inline_comma")
    records = read_sources(sources, candidates, max_rankings=max_rankings)
    first = next(iter_records(sources[0], max_rankings=max_rankings))
    assert first.record_id == "RCV-0255+10003" and first.precinct == "76"
    assert records.record_count == 178


# -- generic CSV ----------------------------------------------------------------------------


def test_generic_csv_ballots_precincts_and_batches() -> None:
    (source,), candidates, _ = case_inputs("generic_csv_test")
    first = next(iter_records(source))
    # R_3QEQ85E7gV2DuyG,p1,b1,,2,1,,  -> Cucumber 1, Broccoli 2
    assert first.ranks == (("Cucumber",), ("Broccoli",))
    assert (first.vendor_id, first.precinct, first.batch) == ("R_3QEQ85E7gV2DuyG", "p1", "b1")
    records = read_sources([source], candidates)
    assert set(records.precincts) == {"p1", "p2", "no precinct id"}
    assert set(records.batches) == {"b1", "b2", "no batch id"}
    assert records.profile.candidates[-1] == UNDECLARED_WRITE_INS


def test_generic_csv_ranking_beyond_max_rankings_is_an_error() -> None:
    sources, candidates, max_rankings = case_inputs("max_ranking_enforcement")
    with pytest.raises(BallotFileError, match="maxRankingsAllowed is 3") as caught:
        read_sources(sources, candidates, max_rankings=max_rankings)
    assert caught.value.line is not None and caught.value.field == "rank 4"


def test_generic_csv_rank_that_is_not_a_number(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text("Id,Ann,Bob\n1,1,2\n2,first,2\n")
    source = CvrSource("genericCsv", path, first_vote_column=2, first_vote_row=2)
    with pytest.raises(BallotFileError, match="expected a rank number") as caught:
        read_sources([source], [CandidateSpec("Ann"), CandidateSpec("Bob")])
    assert (caught.value.line, caught.value.field) == (3, "column B")


def test_generic_csv_name_not_in_config(tmp_path: Path) -> None:
    path = tmp_path / "cvr.csv"
    path.write_text("Id,Ann,Zed\n1,1,2\n")
    source = CvrSource("genericCsv", path, first_vote_column=2, first_vote_row=2)
    with pytest.raises(BallotFileError, match="'Zed' is not a candidate") as caught:
        read_sources([source], [CandidateSpec("Ann")])
    assert (caught.value.line, caught.value.field) == (2, "rank 2")


# -- bad input common to all ----------------------------------------------------------------


def test_truncated_cdf_json_is_an_error(tmp_path: Path) -> None:
    (source,), candidates, _ = case_inputs("test_set_0_skipped_first_choice")
    cut = tmp_path / "cut.json"
    data = source.path.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(BallotFileError, match=r"truncated|malformed") as caught:
        read_sources([replace(source, path=cut, display_path=None)], candidates)
    assert caught.value.path == str(cut) and caught.value.line is not None


def test_cdf_contest_not_in_the_file_names_the_field() -> None:
    (source,), candidates, _ = case_inputs("test_set_0_skipped_first_choice")
    with pytest.raises(BallotFileError, match="not in the file") as caught:
        read_sources([replace(source, contest_id="Nope")], candidates)
    assert caught.value.field == "contestId"


@pytest.mark.parametrize("provider", ["cdf", "dominion", "hart", "clearBallot", "genericCsv"])
def test_missing_files_are_named(provider: str, tmp_path: Path) -> None:
    source = CvrSource(provider, tmp_path / "absent", contest_id="1", first_vote_column=2)
    with pytest.raises(BallotFileError, match="no such file") as caught:
        read_sources([source], [CandidateSpec("A")])
    assert caught.value.field == "filePath"


def test_unknown_provider_is_named(tmp_path: Path) -> None:
    with pytest.raises(BallotFileError, match="unknown CVR provider 'vote-o-matic'"):
        read_sources([CvrSource("vote-o-matic", tmp_path)], [CandidateSpec("A")])


# -- CDF JSON: the election read from the file's end --------------------------------------


def test_cdf_json_election_found_at_the_end_gives_the_same_ballots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from shortlist.formats.rctab.cvr import cdf

    sources, candidates, max_rankings = case_inputs("test_set_multi_winner_whole_threshold")
    first_pass = read_sources(sources, candidates, max_rankings=max_rankings)
    size = sources[0].path.stat().st_size
    monkeypatch.setattr(cdf, "TAIL", size - 1)  # the file counts as large: its tail is searched
    assert cdf._tail_members(sources[0]) is not None
    from_tail = read_sources(sources, candidates, max_rankings=max_rankings)
    assert from_tail.profile.rankings() == first_pass.profile.rankings()


def test_cdf_json_two_elections_are_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from shortlist.formats.rctab.cvr import cdf

    (source,), candidates, _ = case_inputs("test_set_0_skipped_first_choice")
    report = json.loads(source.path.read_text())
    decoy = json.loads(json.dumps(report["Election"]))
    decoy[0]["Candidate"][0]["Name"] = "Someone Else"
    text = json.dumps(report, indent=1)
    text = text[:-1] + ',"Notes": {"Election": ' + json.dumps(decoy) + "}}"
    path = tmp_path / "cvr.json"
    path.write_text(text)
    monkeypatch.setattr(cdf, "TAIL", path.stat().st_size - 1)
    with pytest.raises(BallotFileError, match="not the one found at its end"):
        read_sources([replace(source, path=path)], candidates)
