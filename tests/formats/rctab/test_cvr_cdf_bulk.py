"""CDF JSON one CVR a line grouped in bulk (cdf_bulk) against the previous fast path and the
exact record-by-record reader: the same records, counts, first lines and ballot ids."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cvr_cdf_fast import ballot, cvr, first_records, read, source, table, write_report

from shortlist.formats.rctab.cvr import cdf_bulk, cdf_fast, cdf_parts, cdf_words
from shortlist.formats.rctab.cvr.cdf import _json_election, _json_record


def decoder(path: Path) -> tuple[Any, Any]:
    found = _json_election(source(path))
    return found, lambda c, line, rid: _json_record(c, found, str(path), line, rid)


def bulk(path: Path) -> Any:
    """What the bulk reader counts (raises cdf_bulk.Doubt when it cannot vouch for it)."""
    found, decode = decoder(path)
    with path.open("rb") as handle:
        return cdf_fast._count_in_bulk(handle, found, decode)


def previous(path: Path) -> Any:
    """What the previous fast path (cut at the separator, ids replaced) counts."""
    found, decode = decoder(path)
    with path.open("rb") as handle:
        return cdf_fast._count(handle, found, decode)


def lines_report(path: Path, specs: list[Any]) -> Path:
    return write_report(path, [cvr(n, s) for n, s in enumerate(specs, 1)], "lines")


def same_as_exact(path: Path) -> None:
    assert table(read(path, fast=True)) == table(read(path, fast=False))
    assert first_records(path, fast=True) == first_records(path, fast=False)


ids = st.sampled_from(["", "7", "0042", "x-1", "a b", "é", "s-" + "9" * 12])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ballots=st.lists(ballot, min_size=2, max_size=25),
    repeat=st.integers(1, 4),
    chunk=st.sampled_from([4096, 9000, 1 << 23]),
    block=st.sampled_from([64, 1 << 18]),
    by_keys=st.booleans(),
)
def test_bulk_counts_what_the_previous_fast_path_counts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ballots: list[Any],
    repeat: int,
    chunk: int,
    block: int,
    by_keys: bool,
) -> None:
    monkeypatch.setattr(cdf_fast, "_CHUNK", chunk)
    monkeypatch.setattr(cdf_words, "_BLOCK", block)
    if by_keys:  # the ids looked for by their keys, never where the first line has them
        monkeypatch.setattr(cdf_bulk.Grouping, "_where_the_first_has_them", lambda *a: None)
    path = lines_report(tmp_path / "r.json", ballots * repeat)
    try:
        counted = bulk(path)
    except cdf_bulk.Doubt as doubt:  # only for a unit in some CVRs only
        assert "BallotStyleUnitId" in str(doubt)
        assert len({unit is None for _, unit, _ in ballots}) > 1
        same_as_exact(path)
        return
    assert counted is not None
    assert counted == previous(path)  # records (lines, ballot ids, precincts), counts, order
    on_ballot = sum(any(k == 0 for k, _ in contests) for contests, _, _ in ballots)
    assert sum(n for _, n in counted) == on_ballot * repeat  # CVRs holding the contest
    same_as_exact(path)


def id_report(path: Path, ballot_ids: list[str], snapshot_ids: list[str]) -> Path:
    specs = [([(0, [(n % 3, 1, False)])], n % 2, False) for n in range(len(ballot_ids))]
    cvrs = [cvr(n, s) for n, s in enumerate(specs, 1)]
    for record, ballot_id, snapshot in zip(cvrs, ballot_ids, snapshot_ids, strict=True):
        record["BallotPrePrintedId"] = ballot_id
        record["CurrentSnapshotId"] = record["CVRSnapshot"][-1]["@id"] = snapshot
    write_report(path, cvrs, "lines")
    text = path.read_text(encoding="utf-8").replace("\\u00e9", "é")  # UTF-8, not escaped
    path.write_text(text, encoding="utf-8")
    return path


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), size=st.integers(2, 12))
def test_ids_of_any_length_and_bytes_count_as_exactly(
    tmp_path: Path, data: st.DataObject, size: int
) -> None:
    """Ids of varying lengths (lines of one ballot with different lengths and alignments),
    non-ASCII, empty or too long ids: bulk, or refused; the count is the exact one."""
    ballot_ids = data.draw(st.lists(ids, min_size=size, max_size=size))
    snapshots = [
        f"{s}#{n}" for n, s in enumerate(data.draw(st.lists(ids, min_size=size, max_size=size)))
    ]
    path = id_report(tmp_path / "r.json", ballot_ids, snapshots)
    try:
        counted = bulk(path)
    except (cdf_bulk.Doubt, cdf_fast._Refused):
        counted = None
    if counted is not None:
        assert counted == previous(path)
    same_as_exact(path)


def hashing(monkeypatch: pytest.MonkeyPatch, hashes: Any) -> list[int]:
    """Replace the line hash; returns how many lines each call hashed."""
    calls: list[int] = []

    def fake(words: Any, start: Any, end: Any, powers: Any) -> Any:
        calls.append(len(start))
        return hashes(words, start, end, powers)

    monkeypatch.setattr(cdf_bulk, "line_hashes", fake)
    return calls


def many(tmp_path: Path) -> Path:
    specs = [([(0, [(n % 3, 1, False), ((n + 1) % 3, 2, False)])], n % 2, False) for n in range(40)]
    return lines_report(tmp_path / "r.json", specs)


def test_a_hash_collision_is_caught_by_the_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = many(tmp_path)
    calls = hashing(monkeypatch, lambda w, s, e, p: np.zeros(len(s), np.uint64))
    with pytest.raises(cdf_bulk.Doubt, match="collision"):
        bulk(path)
    assert calls
    counted = cdf_fast.count_json(source(path), *decoder(path))
    assert counted is not None and counted == previous(path)  # the previous path counted it
    same_as_exact(path)


@pytest.mark.parametrize("kind", ["every line its own", "by length only"])
def test_any_hash_that_verifies_counts_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Groups finer than needed merge into the same texts; groups by a weak hash that
    happen to verify count the same too."""
    path = many(tmp_path)
    expected = previous(path)
    real = cdf_bulk.line_hashes
    if kind == "every line its own":
        counter = iter(range(1 << 30))
        hashing(monkeypatch, lambda w, s, e, p: np.array([next(counter) for _ in s], np.uint64))
        assert bulk(path) == expected
    else:
        hashing(monkeypatch, lambda w, s, e, p: (e - s).astype(np.uint64))
        try:
            assert bulk(path) == expected
        except cdf_bulk.Doubt as doubt:  # two texts of one length: a collision, caught
            assert "collision" in str(doubt)
    monkeypatch.setattr(cdf_bulk, "line_hashes", real)
    assert bulk(path) == expected


def edit(path: Path, old: str, new: str, count: int = 1) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def plain(tmp_path: Path) -> Path:
    specs = [([(0, [(0, 1, False), (1, 2, False)])], 0, False), ([(0, [(2, 1, False)])], 1, False)]
    return lines_report(tmp_path / "r.json", [specs[n % 2] for n in range(12)])


def declined(path: Path) -> None:
    """The bulk reader declines the file; reading it still gives the exact ballots."""
    with pytest.raises(cdf_bulk.Doubt):
        bulk(path)
    same_as_exact(path)


def test_a_backslash_is_declined(tmp_path: Path) -> None:
    declined(edit(plain(tmp_path), '"Type":"original"', '"Type":"orig\\u0069nal"'))


def test_a_fill_byte_in_the_file_is_declined(tmp_path: Path) -> None:
    # written escaped by json, so put raw into a value the reader keeps as it is
    path = plain(tmp_path)
    found, decode = decoder(path)  # the election, read before the byte is put in
    data = path.read_bytes()
    third = data.index(b"original", data.index(b"original", data.index(b"original") + 1) + 1)
    path.write_bytes(data[:third] + b"orig\x01nal" + data[third + 8 :])  # in the third CVR
    with path.open("rb") as handle, pytest.raises(cdf_bulk.Doubt, match="a byte the bulk"):
        cdf_fast._count_in_bulk(handle, found, decode)


def test_an_id_used_elsewhere_is_declined(tmp_path: Path) -> None:
    # the third CVR's ballot id "3" is also the ElectionId of another CVR
    declined(edit(plain(tmp_path), '"ElectionId":"e-1"', '"ElectionId":"3"', 2))


def test_a_unit_equal_to_an_id_is_declined(tmp_path: Path) -> None:
    declined(edit(plain(tmp_path), '"BallotStyleUnitId":"u-0"', '"BallotStyleUnitId":"ballot-5"'))


def test_a_cvr_over_two_lines_is_not_taken_in_bulk(tmp_path: Path) -> None:
    path = edit(plain(tmp_path), '"Type":"original"}],"CurrentSnapshotId":"ballot-6"',
                '"Type":"original"}],\n"CurrentSnapshotId":"ballot-6"')  # fmt: skip
    try:
        counted = bulk(path)  # the lines after it are read by the previous path's code
    except cdf_bulk.Doubt:
        counted = None
    if counted is not None:
        assert counted == previous(path)
    same_as_exact(path)


def test_some_cvrs_without_a_unit_are_declined(tmp_path: Path) -> None:
    declined(edit(plain(tmp_path), ',"BallotStyleUnitId":"u-1"', ""))


def test_a_second_current_snapshot_key_is_declined(tmp_path: Path) -> None:
    path = edit(plain(tmp_path), '"ElectionId":"e-1"', '"CurrentSnapshotId":"ballot-1"', 1)
    with pytest.raises(cdf_bulk.Doubt):
        bulk(path)


def test_a_snapshot_id_equal_to_the_ballot_id_is_declined(tmp_path: Path) -> None:
    path = id_report(tmp_path / "r.json", ["1", "2", "3"], ["x", "2", "y"])
    declined(path)


def test_an_older_snapshot_keeps_its_own_id(tmp_path: Path) -> None:
    """@id values other than the current snapshot's stay in the text (and stay exact); the
    first @id of a line is not the current one: the ids are looked for by their keys."""
    specs = [([(0, [(n % 3, 1, False)])], n % 2, True) for n in range(10)]
    path = lines_report(tmp_path / "r.json", specs)
    assert bulk(path) == previous(path)
    same_as_exact(path)


def test_ids_where_the_first_line_has_them(tmp_path: Path) -> None:
    path = plain(tmp_path)
    grouping = cdf_bulk.Grouping()
    buffer = bytearray(path.read_bytes())
    grouping.take(buffer, buffer.index(b"{", 2))
    assert grouping.lines == 11  # all but the last CVR (whose line closes the array)
    text = bytes(buffer)
    assert text.count(b'"@id":"\x01') == text.count(b'"CurrentSnapshotId":"\x01') == 11
    assert text.count(b'"BallotStyleUnitId":"\x03') == 11
    assert len(grouping.reps) == 4  # two ballots, ids of one digit or two


def test_markers_are_found_exactly(tmp_path: Path) -> None:
    """positions() against a plain search, a block at a time or not."""
    text = json.dumps({"CVR": [cvr(n, ([], 0, True)) for n in range(30)]}).encode()
    a = np.frombuffer(text, np.uint8)
    want = [i for i, c in enumerate(text) if c in b"\nhB@"]
    for block in (8, 64, 1 << 18):
        cdf_words._BLOCK = block
        try:
            assert cdf_words.positions(a, 0, len(a), b"\nhB@").tolist() == want
            assert cdf_words.positions(a, 5, len(a) - 3, b"h").tolist() == [
                i for i in want if 5 <= i < len(a) - 3 and text[i] == ord("h")
            ]
        finally:
            cdf_words._BLOCK = 1 << 18


words = st.lists(st.integers(0, (1 << 64) - 1), min_size=1, max_size=20)
zeroish = st.lists(
    st.sampled_from([0x00, 0x01, 0x22, 0x80, 0xFF, 0x7F, 0x1F]), min_size=8, max_size=8
)


@given(values=st.one_of(words, st.lists(zeroish, min_size=1, max_size=20).map(
    lambda rows: [int.from_bytes(bytes(r), "little") for r in rows])))  # fmt: skip
def test_the_word_tricks_find_what_a_byte_by_byte_search_finds(values: list[int]) -> None:
    """The lowest zero byte of each word, whether any byte is zero, the first quote of two
    words and the masks of a value's first bytes, against plain Python."""
    array = np.array(values, np.uint64)
    as_bytes = [v.to_bytes(8, "little") for v in values]
    expected = [b.index(0) if 0 in b else 8 for b in as_bytes]
    assert cdf_words._lowest_zero_byte(array).tolist() == expected
    assert cdf_words._any_zero_byte(array) == any(0 in b for b in as_bytes)
    high = array[::-1].copy()
    joined = [a + b for a, b in zip(as_bytes, as_bytes[::-1], strict=True)]
    quotes = [j.index(b'"') if b'"' in j else 16 for j in joined]
    assert cdf_words._first_quote(array, high).tolist() == quotes
    lengths = np.array([v % 11 - 1 for v in values], np.int64)  # -1 to 9: clipped to 0 to 8
    masks = [(1 << 8 * min(max(n, 0), 8)) - 1 for n in lengths.tolist()]
    assert cdf_words._below(lengths).tolist() == masks


@given(
    values=st.lists(st.binary(max_size=17).filter(lambda b: b'"' not in b), min_size=1, max_size=8),
    gap=st.integers(16, 30),
)
def test_values_are_read_as_a_byte_by_byte_reader_reads_them(values: list[bytes], gap: int) -> None:
    """_Values.read from the value's start and _Values.ending from its closing quote: the
    same bytes and lengths as plain Python, or a Doubt (too long, a control byte) / None."""
    text, starts = bytearray(b"x" * 20), []
    for value in values:
        starts.append(len(text) + 1)
        text += b'"' + value + b'"' + b"y" * gap
    text += b"z" * 20
    a = np.frombuffer(bytes(text), np.uint8)
    start = np.array(starts, np.int64)
    closing = start + np.array([len(v) for v in values], np.int64)
    doubtful = any(len(v) >= cdf_bulk.WIDTH or min(v, default=32) < 0x20 for v in values)
    if doubtful:
        with pytest.raises(cdf_bulk.Doubt):
            cdf_words._Values.read(a, start)
        ended = None
        with contextlib.suppress(cdf_bulk.Doubt):
            ended = cdf_words._Values.ending(a, closing)
        assert ended is None or not any(len(v) >= cdf_bulk.WIDTH for v in values)
        return
    for found in (cdf_words._Values.read(a, start), cdf_words._Values.ending(a, closing)):
        assert found is not None
        assert [found.text(i) for i in range(len(values))] == values
        assert found.length.tolist() == [len(v) for v in values]
        assert found.same(found, np.arange(len(values))).all()
        codes = found.codes().tolist()
        assert codes == cdf_words.string_codes(values).tolist()


@given(lines=st.lists(st.binary(min_size=16, max_size=60).filter(lambda b: b"\n" not in b),
                      min_size=1, max_size=12),
       lead=st.integers(0, 9), other=st.binary(min_size=16, max_size=16))  # fmt: skip
def test_line_ends_and_hashes_depend_on_the_line_and_its_place_in_a_word_only(
    lines: list[bytes], lead: int, other: bytes
) -> None:
    """line_ends finds every newline; a line's hash is that of the same bytes at the same
    place in a word anywhere, whatever the bytes around it."""
    text = bytearray(b"{" * lead + b"\n".join(lines) + b"\n" + b"\0" * 24)
    ends = cdf_words.line_ends(text, lead)
    assert ends.tolist() == [i for i in range(lead, len(text)) if text[i] == ord("\n")]
    starts = np.concatenate(([lead], ends[:-1] + 1)).astype(np.int64)

    def hashes(buffer: bytearray, starts: Any, ends: Any) -> list[int]:
        w = np.frombuffer(buffer, "<u8", count=len(buffer) // 8)
        found: list[int] = cdf_bulk.line_hashes(w, starts, ends, cdf_words._Powers()).tolist()
        return found

    first = hashes(text, starts, ends)
    for n, line in enumerate(lines):  # alone, 8 bytes further on, other bytes around it
        at = 8 * (n + 1) + int(starts[n]) % 8
        alone = bytearray(other * (n + 2))[:at] + line + other + b"\0" * 24
        start, end = np.array([at], np.int64), np.array([at + len(line)], np.int64)
        assert hashes(alone, start, end) == [first[n]]
    for n, m in ((n, m) for n in range(len(lines)) for m in range(len(lines))):
        same = lines[n] == lines[m] and starts[n] % 8 == starts[m] % 8
        if same:
            assert first[n] == first[m]


def test_a_doubt_while_preparing_a_later_read_is_raised_by_take_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper thread's error comes back to the caller (the file is then read the other
    way); so does an error while merging, and the helper stops."""
    monkeypatch.setattr(cdf_fast, "_CHUNK", 4096)
    path = many(tmp_path)
    data = path.read_bytes()
    late = [n for n in range(len(data)) if data.startswith(b'"original"', n)][30]  # 31st CVR
    assert late > 2 * 4096  # in a later read than the first
    path.write_bytes(data[:late] + b'"origina\\u006c"' + data[late + 10 :])  # a backslash
    with pytest.raises(cdf_bulk.Doubt, match="backslash"):
        bulk(path)
    same_as_exact(path)
    path = many(tmp_path)
    hashing(monkeypatch, lambda w, s, e, p: np.zeros(len(s), np.uint64))
    with pytest.raises(cdf_bulk.Doubt, match="collision"):
        bulk(path)


def test_a_read_without_a_whole_line_is_refused(tmp_path: Path) -> None:
    grouping = cdf_bulk.Grouping()
    reads = iter([b"x" * 5000] * 3)
    with pytest.raises(cdf_bulk.Doubt, match="no line ends"):
        cdf_parts.take_all(grouping, bytearray(b'{"a":1'), 0, lambda: next(reads, b""), 2250)
