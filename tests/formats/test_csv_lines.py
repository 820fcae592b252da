"""The numpy CSV readers (cell by cell, or grouping identical lines first) give exactly what the
csv module gives.

Random ballot files (skips, overvotes, escapes, spaces, weights, ragged rows, CRLF, a BOM,
repeated lines, long names) are read both ways; the grouping of byte strings is checked against
a dict, also with hash functions that collide on purpose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shortlist.errors import BallotFileError
from shortlist.formats import csv as csv_format
from shortlist.formats import csv_cells, csv_groups, csv_lines, read_ballots
from shortlist.formats.ballotfile import BallotFile, decode
from shortlist.formats.csv_groups import Words, group_strings, mix_words


def constant(columns: Sequence[Words]) -> Words:
    """Every string collides with every other."""
    return np.zeros(len(columns[0]), dtype=np.uint64)


def first_byte(columns: Sequence[Words]) -> Words:
    """Strings collide when their first bytes are equal (the high bits of the key hold it)."""
    return (columns[0] & np.uint64(0xFF)) << np.uint64(56)


HASHERS = {"mix": mix_words, "constant": constant, "first byte": first_byte}

NAMES = ["A", "B", "Cand07", "Cand12", "Jones Smith-Brown", "Émile", "漢字", "x\\=y", "a\\\\b"]
CELL = st.one_of(
    st.just(""),
    st.sampled_from(NAMES),
    st.lists(st.sampled_from(NAMES[:5]), min_size=2, max_size=3).map("=".join),
    st.sampled_from(NAMES[:4]).map(lambda n: f" {n} "),
)


@st.composite
def ballot_files(draw: st.DrawFn) -> bytes:
    """A plain CSV ballot file the line-grouping reader can read (no quotes, no lone CR)."""
    width = draw(st.integers(1, 5))
    weighted = draw(st.booleans())
    header = draw(st.booleans()) or weighted
    distinct = draw(st.lists(st.lists(CELL, min_size=1, max_size=width), min_size=1, max_size=6))
    picks = draw(st.lists(st.integers(0, len(distinct) - 1), min_size=1, max_size=40))
    at = draw(st.integers(0, width))
    rows = []
    for i in picks:
        cells = list(distinct[i])
        if header:
            cells += [""] * (width - len(cells))
        if weighted:
            cells.insert(at, str(draw(st.integers(0, 3)) + i))
        rows.append(",".join(cells) or " ")  # an empty line is no ballot
    if header:
        labels = [f"rank{k + 1}" for k in range(width)]
        if weighted:
            labels.insert(at, "weight")
        rows.insert(0, ",".join(labels))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), "")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(rows) + draw(st.sampled_from(["", newline]))
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")


def careful(path: Path) -> BallotFile:
    return csv_format.parse_csv(decode(path.read_bytes(), str(path)), str(path))


def assert_identical(a: BallotFile, b: BallotFile) -> None:
    assert a.profile.candidates == b.profile.candidates
    assert np.array_equal(a.profile.ranks, b.profile.ranks)
    assert np.array_equal(a.profile.weights, b.profile.weights)
    assert a.profile.multi == b.profile.multi
    assert a.profile.withdrawn == b.profile.withdrawn


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ballot_files(),
    st.sampled_from(sorted(HASHERS)),
    st.sampled_from([3, 1 << 21]),
    st.sampled_from([0, 8]),
    st.sampled_from([16, 1 << 20]),
)
# found by Hypothesis: a chunk holding only a blank line has no row, so none lacks its weight
@example(b"rank1,weight,rank2,rank3,rank4\n,0,,,\n,0,,,\n,0,,,\n\n", "mix", 3, 8, 16)
def test_lines_then_cells_read_what_the_csv_module_reads(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    raw: bytes,
    hasher: str,
    part: int,
    key_bytes: int,
    chunk: int,
) -> None:
    """Both fast readers: cells of at most ``key_bytes`` read cell by cell, else by lines."""
    monkeypatch.setattr(csv_lines, "LINES_PER_PART", part)
    monkeypatch.setattr(csv_cells, "KEY_BYTES", key_bytes)
    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", chunk)
    path = tmp_path / "b.csv"
    path.write_bytes(raw)
    try:
        expected = careful(path)
    except BallotFileError:  # the careful path's error: the fast one must leave the file to it
        with pytest.raises(csv_format._Irregular):
            csv_lines.read_csv_lines(str(path), len(raw), hasher=HASHERS[hasher])
        return
    got = csv_lines.read_csv_lines(str(path), len(raw), hasher=HASHERS[hasher])
    assert_identical(got, expected)


def test_the_benchmark_layout_is_read_by_grouping_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    names = [f"Cand{k:02d}" for k in range(1, 13)]
    lines = ["rank1,rank2,rank3,rank4,rank5,rank6"]
    for _ in range(20000):
        ranked = list(rng.permutation(names)[: rng.integers(0, 7)])
        lines.append(",".join(ranked + [""] * (6 - len(ranked))))
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> BallotFile:
        raise AssertionError("pyarrow was asked to read a regular file")

    monkeypatch.setattr(csv_format, "FAST_PATH_BYTES", 0)
    monkeypatch.setattr(csv_format, "_read_fast", refuse)
    monkeypatch.setattr(csv_groups, "TWO_THREADS_FROM", 1000)  # both threads at work
    assert_identical(read_ballots(path), careful(path))  # cell by cell
    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(csv_lines, "_lines", refuse)  # ... and never by lines
    assert_identical(read_ballots(path), careful(path))
    monkeypatch.setattr(csv_cells, "KEY_BYTES", 4)  # "CandNN" is too long now: lines
    monkeypatch.undo()
    monkeypatch.setattr(csv_format, "FAST_PATH_BYTES", 0)
    monkeypatch.setattr(csv_format, "_read_fast", refuse)
    monkeypatch.setattr(csv_cells, "KEY_BYTES", 4)
    assert_identical(read_ballots(path), careful(path))


@pytest.mark.parametrize("names", [12, 300])
def test_candidates_first_named_late_and_many_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: int
) -> None:
    """Keys not in the first chunk send the reader round all chunks once more; past 256 keys
    the lookup is a binary search instead of a perfect hash."""
    rng = np.random.default_rng(names)
    pool = [f"N{k:03d}" for k in range(names)]
    lines = ["A,B", *(",".join(rng.choice(pool, 2)) for _ in range(3000)), "Late,A"]
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("read by another path")

    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(csv_lines, "_lines", refuse)
    got = csv_lines.read_csv_lines(str(path), path.stat().st_size)
    assert_identical(got, careful(path))
    assert "Late" in got.profile.candidates


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b'rank1,rank2\n"A, B",C\n', "a quote"),
        (b"rank1,rank2\nA,B\rC,D\n", "a carriage return alone"),
        (b"rank1,rank2\nA,B,C\n", "a row longer than the header"),
        (b"rank1,weight\nA,x\n", "a weight that is no number"),
        (b"rank1,weight\nA\n", "a row without its weight"),
        (b"rank1\nA\x00\n", "a NUL byte"),
        (b"rank1\n" + b"A" * 300 + b"\n", "a line too long"),
        (b"rank1\nA\xff\n", "not UTF-8"),
        (b"rank1\nLongName\xff\n", "not UTF-8 in a long cell"),
        (b"#candidates,A\nrank1\nB\n", "a candidate not declared"),
    ],
)
def test_what_only_the_careful_path_reads_or_reports_is_left_to_it(
    tmp_path: Path, raw: bytes, why: str
) -> None:
    path = tmp_path / "b.csv"
    path.write_bytes(raw)
    with pytest.raises(csv_format._Irregular):
        csv_lines.read_csv_lines(str(path), len(raw))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.binary(min_size=0, max_size=20).filter(lambda b: b"\x00" not in b), max_size=60),
    st.sampled_from(sorted(HASHERS)),
)
def test_groups_hold_equal_strings_and_equal_strings_share_a_group(
    strings: list[bytes], hasher: str
) -> None:
    flat = np.frombuffer(b"".join(strings) + bytes(csv_groups.SPARE_BYTES + 32), dtype=np.uint8)
    lengths = np.array([len(s) for s in strings], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    groups = group_strings(flat, starts[: len(strings)], lengths, HASHERS[hasher])
    by_text: defaultdict[bytes, set[int]] = defaultdict(set)
    for i, s in enumerate(strings):
        by_text[s].add(int(groups.of_row[i]))
    assert all(len(ids) == 1 for ids in by_text.values())
    assert len(groups.first) == len(by_text)
    for g, first in enumerate(groups.first.tolist()):
        members = np.flatnonzero(groups.of_row == g).tolist()
        assert first == min(members)
        assert {strings[i] for i in members} == {strings[first]}
    assert groups.sizes.sum() == len(strings)


def test_rows_packed_in_order_need_no_second_grouping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's layout: the first chunk names every candidate, so rows are packed in the
    profile's order and neither the token-packed grouping nor Profile.grouped() runs."""
    rng = np.random.default_rng(11)
    names = ["Anna", "Bo", "Cy", "Dee", "Ed", "Flo", "Gus", "Hal"]
    lines = ["rank1,rank2,rank3,rank4", "Anna=Bo,,,", "Bo=Anna,Cy,,", "Cy=Ed,,,", "Cy,,,"]
    for _ in range(5000):
        ranked = list(rng.permutation(names)[: rng.integers(0, 5)])
        lines.append(",".join(ranked + [""] * (4 - len(ranked))))
    path = tmp_path / "ordered.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = careful(path)

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("grouped a second time")

    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(csv_cells, "_profile", refuse)
    monkeypatch.setattr(csv_cells.Profile, "grouped", refuse)
    assert_identical(csv_lines.read_csv_lines(str(path), path.stat().st_size), expected)


def test_a_rank_first_named_after_the_first_chunk_is_packed_as_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "7" is first a weight, then (after the first chunk) a candidate; rows wider than the
    first chunk's do not change the answer either."""
    lines = ["rank1,rank2,rank3,weight"] + ["A,B,,7"] * 300 + ["7,A,,2", "B,A,7,1"] * 200
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 512)
    got = csv_lines.read_csv_lines(str(path), path.stat().st_size)
    assert_identical(got, careful(path))
    assert "7" in got.profile.candidates


def _uniform_rows(names: list[str], count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(count):
        ranked = list(rng.permutation(names)[: rng.integers(0, 5)])
        lines.append(",".join(ranked + [""] * (4 - len(ranked))))
    return lines


# each a line put after the first chunk: what the uniform chunk reader must leave to the
# general one (None), or the error it must raise as the general one does
LATE_LINES = {
    "ragged row": "Bo,Cy",
    "blank line": "",
    "new candidate": "Zed,Bo,,",
    "long name": "Jones Smith-Brown,Bo,,",
    "row wider than the header": "Bo,Cy,Dee,Ed,Flo",
    "marks at one rank": "Bo=Cy,,,",
    "nothing odd": "Bo,Cy,,",
}


@pytest.mark.parametrize("late", sorted(LATE_LINES))
@pytest.mark.parametrize("end", ["\n", ""])
def test_chunks_of_equal_rows_read_as_the_general_steps_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str, end: str
) -> None:
    """The uniform-chunk reader (every line as many cells) reads what the csv module reads,
    whatever a later chunk holds; and it does read the chunks it can."""
    names = ["Anna", "Bo", "Cy", "Dee", "Ed", "Flo"]
    lines = ["rank1,rank2,rank3,rank4", *_uniform_rows(names, 3000, 5)]
    lines.insert(2000, LATE_LINES[late])
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 2048)
    used: list[bool] = []
    rows = csv_cells._Uniform.rows

    def counted(self: csv_cells._Uniform, *args: object) -> object:
        got = rows(self, *args)  # type: ignore[arg-type]
        used.append(got is not None)
        return got

    monkeypatch.setattr(csv_cells._Uniform, "rows", counted)
    try:
        expected = careful(path)
    except BallotFileError:
        with pytest.raises(csv_format._Irregular):
            csv_lines.read_csv_lines(str(path), path.stat().st_size)
        return
    assert_identical(csv_lines.read_csv_lines(str(path), path.stat().st_size), expected)
    if late != "long name":  # that file is read by grouping its lines
        assert sum(used) >= 10


def test_the_uniform_reader_gives_the_rows_the_general_steps_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["Anna", "Bo", "Cy", "Dee", "Ed", "Flo", "Gus"]
    lines = ["rank1,rank2,rank3,rank4", *_uniform_rows(names, 4000, 9)]
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(csv_cells, "CHUNK_BYTES", 1024)
    fast = csv_lines.read_csv_lines(str(path), path.stat().st_size)
    monkeypatch.setattr(csv_cells._Uniform, "of", staticmethod(lambda *args: None))
    general = csv_lines.read_csv_lines(str(path), path.stat().st_size)
    assert_identical(fast, general)
    assert_identical(fast, careful(path))


def test_blank_lines_in_a_one_column_file_are_no_ballots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one cell a line, a blank line has as many cells as any other: only the line
    breaks around it tell it apart, inside a chunk or at its start (chunk sizes are varied
    so that some chunk starts at a blank line)."""
    lines = ["rank1"] + ["Anna", "Bo", "Cy"] * 1000
    for at in range(3000, 1, -97):
        lines.insert(at, "")
    path = tmp_path / "b.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = careful(path)
    assert int(expected.profile.weights.sum()) == 3000
    for chunk in range(200, 240):
        monkeypatch.setattr(csv_cells, "CHUNK_BYTES", chunk)
        assert_identical(csv_lines.read_csv_lines(str(path), path.stat().st_size), expected)
