"""CDF JSON counted before decoding (cdf_fast) against the exact record-by-record reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import CandidateSpec, CastVoteRecords, CvrSource, cdf_fast
from shortlist.formats.rctab.cvr.cdf import _json_election, _json_record

NAMES = ["Ann", "Bob", "Cy"]
CONTESTS = ["Mayor", "Council"]
UNITS = ["P-1", "P-2"]


def election() -> list[dict[str, Any]]:
    candidates = [{"@id": f"c-{i}", "Name": n} for i, n in enumerate(NAMES)]
    contests = []
    for k, name in enumerate(CONTESTS):
        selections: list[dict[str, Any]] = [
            {"@id": f"k{k}-cs-{i}", "CandidateIds": [f"c-{i}"]} for i in range(len(NAMES))
        ]
        selections.append({"@id": f"k{k}-cs-wi", "IsWriteIn": "true"})
        contests.append({"@id": f"k-{k}", "Name": name, "ContestSelection": selections})
    return [{"@id": "e-1", "Candidate": candidates, "Contest": contests}]


GP_UNITS = [{"@id": f"u-{i}", "Name": n, "Type": "precinct"} for i, n in enumerate(UNITS)]

#: One mark: (selection index, or "wi" for the write-in; rank; written in (CVRWriteIn)).
mark = st.tuples(st.sampled_from([0, 1, 2, "wi"]), st.integers(1, 4), st.booleans())
contest_marks = st.tuples(st.sampled_from([0, 1]), st.lists(mark, max_size=4))
ballot = st.tuples(
    st.lists(contest_marks, min_size=0, max_size=2),  # contests on the ballot
    st.sampled_from([None, 0, 1]),  # its precinct unit
    st.booleans(),  # an older snapshot before the current one
)


def cvr(n: int, spec: Any) -> dict[str, Any]:
    contests, unit, older = spec
    marks = []
    for k, picks in contests:
        selections = []
        for choice, rank, written in picks:
            position: dict[str, Any] = {"HasIndication": "yes", "NumberVotes": 1, "Rank": rank}
            if written:
                position["CVRWriteIn"] = {"Text": "someone"}
            selections.append(
                {"ContestSelectionId": f"k{k}-cs-{choice}", "SelectionPosition": [position]}
            )
        marks.append({"ContestId": f"k-{k}", "CVRContestSelection": selections})
    current = {"@id": f"ballot-{n}", "CVRContest": marks, "Type": "original"}
    snapshots = [current]
    if older:  # a snapshot that is not the current one: its marks must not count
        stale = {"ContestId": "k-0", "CVRContestSelection": [{"ContestSelectionId": "k0-cs-0"}]}
        snapshots.insert(0, {"@id": f"ballot-{n}-old", "CVRContest": [stale], "Type": "other"})
    record: dict[str, Any] = {
        "@type": "CVR",
        "BallotPrePrintedId": str(n),
        "CVRSnapshot": snapshots,
        "CurrentSnapshotId": f"ballot-{n}",
        "ElectionId": "e-1",
    }
    if unit is not None:
        record["BallotStyleUnitId"] = f"u-{unit}"
    return record


def write_report(path: Path, cvrs: list[dict[str, Any]], layout: str) -> Path:
    """CVRs first and the election after them, as RCTab writes: ``pretty`` (indented),
    ``lines`` (one compact CVR a line) or ``compact`` (no white space at all)."""
    tail = {"Election": election(), "GpUnit": GP_UNITS, "Version": "1.0.0"}
    if layout == "lines":
        body = ",\n".join(json.dumps(c, separators=(",", ":")) for c in cvrs)
        text = (
            '{"@type":"CVR.CastVoteRecordReport","CVR":[\n' + body + "\n]," + json.dumps(tail)[1:]
        )
    else:
        report = {"@type": "CVR.CastVoteRecordReport", "CVR": cvrs, **tail}
        compact = layout == "compact"
        text = json.dumps(
            report, indent=None if compact else 2, separators=(",", ":") if compact else None
        )
    path.write_text(text, encoding="utf-8")
    return path


def source(path: Path, contest: str = "Mayor") -> CvrSource:
    return CvrSource("cdf", path, contest_id=contest)


def read(path: Path, contest: str = "Mayor", *, fast: bool) -> CastVoteRecords:
    from shortlist.formats.rctab.cvr import read_sources

    original = cdf_fast.count_json
    if not fast:
        cdf_fast.count_json = lambda *a: None  # type: ignore[assignment]
    try:
        candidates = [CandidateSpec(n) for n in NAMES]
        return read_sources([source(path, contest)], candidates, max_rankings=None)
    finally:
        cdf_fast.count_json = original  # type: ignore[assignment]


def table(records: CastVoteRecords) -> dict[tuple[object, ...], int]:
    out: dict[tuple[object, ...], int] = {}
    rows = zip(records.profile.rankings(), records.precinct, strict=True)
    for (ranks, weight), p in rows:
        key = (ranks, records.precincts[p] if p >= 0 else None)
        out[key] = out.get(key, 0) + weight
    return out


def fast_result(path: Path, contest: str = "Mayor") -> object:
    src = source(path, contest)
    found = _json_election(src)
    return cdf_fast.count_json(
        src, found, lambda c, line, rid: _json_record(c, found, str(path), line, rid)
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ballots=st.lists(ballot, min_size=2, max_size=30),
    repeat=st.integers(1, 3),
    layout=st.sampled_from(["pretty", "lines", "compact"]),
    contest=st.sampled_from(CONTESTS),
    chunk=st.sampled_from([4096, 1 << 23]),  # small reads: CVRs cut across reads
)
def test_fast_and_exact_read_the_same_ballots(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ballots: list[Any],
    repeat: int,
    layout: str,
    contest: str,
    chunk: int,
) -> None:
    monkeypatch.setattr(cdf_fast, "_CHUNK", chunk)
    specs = ballots * repeat  # identical ballots under different ids
    path = write_report(
        tmp_path / "report.json", [cvr(n, s) for n, s in enumerate(specs, 1)], layout
    )
    if layout != "compact":  # there "},{" also parts snapshots and marks: maybe refused
        assert fast_result(path, contest) is not None  # a layout the fast path reads
    fast, exact = read(path, contest, fast=True), read(path, contest, fast=False)
    assert fast.record_count == exact.record_count
    assert fast.profile.candidates == exact.profile.candidates
    assert table(fast) == table(exact)
    assert first_lines(path, contest, fast=True) == first_lines(path, contest, fast=False)


def first_lines(path: Path, contest: str, *, fast: bool) -> dict[object, int | None]:
    """The line of the first CVR holding each distinct ballot (what errors name)."""
    return {key: record.line for key, record in first_seen(source(path, contest), fast).items()}


def first_seen(src: Any, fast: bool) -> dict[object, Any]:
    """The first record holding each distinct ballot, read with the fast path or without it."""
    from shortlist.formats.rctab.cvr import Codebook, iter_counted
    from shortlist.formats.rctab.cvr.grouping import Grouper

    original = cdf_fast.count_json
    if not fast:
        cdf_fast.count_json = lambda *a: None  # type: ignore[assignment]
    try:
        grouper = Grouper(Codebook.for_contest([CandidateSpec(n) for n in NAMES], [src]))
        grouper.add_counted(iter_counted(src))
    finally:
        cdf_fast.count_json = original  # type: ignore[assignment]
    return dict(grouper.first_seen)


def sample(tmp_path: Path, count: int = 6) -> list[dict[str, Any]]:
    specs = [([(0, [(0, 1, False), (1, 2, False)])], 0, False), ([(0, [(2, 1, False)])], 1, True)]
    return [cvr(n, specs[n % 2]) for n in range(1, count + 1)]


def refused(path: Path) -> None:
    """The fast path declines the file, and reading it still gives the exact ballots."""
    assert fast_result(path) is None
    assert table(read(path, fast=True)) == table(read(path, fast=False))


def test_a_backslash_in_a_cvr_is_read_exactly(tmp_path: Path) -> None:
    cvrs = sample(tmp_path)
    cvrs[3]["BallotPrePrintedId"] = 'a "quoted" id'
    refused(write_report(tmp_path / "r.json", cvrs, "pretty"))


def test_an_id_used_as_a_selection_is_read_exactly(tmp_path: Path) -> None:
    cvrs = sample(tmp_path)
    cvrs[2]["CurrentSnapshotId"] = cvrs[2]["CVRSnapshot"][-1]["@id"] = "k0-cs-2"
    refused(write_report(tmp_path / "r.json", cvrs, "lines"))


def test_a_report_not_opening_with_its_cvrs_is_read_exactly(tmp_path: Path) -> None:
    report = {"Election": election(), "GpUnit": GP_UNITS, "CVR": sample(tmp_path)}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    refused(path)


def test_some_cvrs_without_a_ballot_id_are_read_exactly(tmp_path: Path) -> None:
    cvrs = sample(tmp_path)
    del cvrs[4]["BallotPrePrintedId"]
    refused(write_report(tmp_path / "r.json", cvrs, "pretty"))


def test_cvrs_all_without_ballot_ids_are_counted(tmp_path: Path) -> None:
    cvrs = sample(tmp_path)
    for record in cvrs:
        del record["BallotPrePrintedId"]
    path = write_report(tmp_path / "r.json", cvrs, "pretty")
    assert fast_result(path) is not None
    assert table(read(path, fast=True)) == table(read(path, fast=False))


def test_a_separator_inside_a_cvr_is_read_exactly(tmp_path: Path) -> None:
    # compact: the separator between CVRs ("},{") also stands between snapshots
    refused(write_report(tmp_path / "r.json", sample(tmp_path), "compact"))


def test_a_single_cvr_is_read_exactly(tmp_path: Path) -> None:
    refused(write_report(tmp_path / "r.json", sample(tmp_path, 1), "pretty"))


def test_a_changed_election_after_the_cvrs_is_refused(tmp_path: Path) -> None:
    path = write_report(tmp_path / "r.json", sample(tmp_path), "pretty")
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition('"Version"')
    # a second GpUnit member after the CVRs that differs from the one the count used
    path.write_text(head + '"GpUnit": [], "Version"' + tail, encoding="utf-8")
    assert fast_result(path) is None
    with pytest.raises(BallotFileError):
        read(path, fast=False)


def test_an_unknown_selection_is_reported_with_its_line(tmp_path: Path) -> None:
    cvrs = sample(tmp_path)
    cvrs[4]["CVRSnapshot"][-1]["CVRContest"][0]["CVRContestSelection"][0]["ContestSelectionId"] = (
        "x"
    )
    path = write_report(tmp_path / "r.json", cvrs, "pretty")
    messages = []
    for fast in (True, False):
        with pytest.raises(BallotFileError) as err:
            read(path, fast=fast)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{path}:")  # with the line of the CVR


TOKENS = ['"Election"', '"Election', "\\", " ", ":", "x", '"']


@given(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join))
def test_the_election_is_found_at_the_end_as_by_the_regular_expression(text: str) -> None:
    import re

    from shortlist.formats.rctab.cvr.cdf import _last_key

    matches = list(re.finditer(r'(?<!\\)"Election"\s*:\s*', text))
    assert _last_key(text, "Election") == (matches[-1].end() if matches else None)


def test_a_first_cvr_longer_than_a_read_is_still_read_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by Hypothesis: the first CVR must not have to fit in the first read."""
    monkeypatch.setattr(cdf_fast, "_CHUNK", 4096)
    long = ([(0, [(0, 1, True)] * 4), (1, [(1, 2, True)] * 4)], None, True)
    specs = [long, ([], None, False), long]
    path = write_report(
        tmp_path / "report.json", [cvr(n, s) for n, s in enumerate(specs, 1)], "pretty"
    )
    assert path.read_bytes().index(b'"CurrentSnapshotId"') > 4096  # the first CVR is long
    assert fast_result(path) is not None
    assert table(read(path, "Mayor", fast=True)) == table(read(path, "Mayor", fast=False))


def first_records(path: Path, *, fast: bool) -> dict[object, tuple[object, ...]]:
    """Line and ballot id of the first CVR holding each distinct ballot."""
    found = first_seen(source(path), fast)
    return {k: (r.line, r.vendor_id, r.precinct) for k, r in found.items()}


@pytest.mark.parametrize("layout", ["pretty", "lines"])
def test_one_ballot_in_many_precincts_is_decoded_once(tmp_path: Path, layout: str) -> None:
    rankings = [[(0, 1, False), (1, 2, False)], [(2, 1, False)]]
    units = [None, 0, 1, 9]  # no unit, two precincts, a unit that is no precinct
    specs = [([(0, rankings[n % 2])], units[n // 2 % 4], False) for n in range(48)]
    path = write_report(tmp_path / "r.json", [cvr(n, s) for n, s in enumerate(specs, 1)], layout)
    src = source(path)
    found = _json_election(src)
    decoded = []

    def decode(c: dict[str, Any], line: int, rid: str) -> object:
        decoded.append(line)
        return _json_record(c, found, str(path), line, rid)

    assert cdf_fast.count_json(src, found, decode) is not None
    # one decode per ranking with a unit, one per ranking without, and the last CVR's
    assert len(decoded) == 2 * 2 + 1
    assert table(read(path, fast=True)) == table(read(path, fast=False))
    assert first_records(path, fast=True) == first_records(path, fast=False)
