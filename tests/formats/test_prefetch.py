"""A CSV file read ahead on a second thread is used only while it is the file on disk."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from shortlist.errors import BallotFileError
from shortlist.formats import csv as csv_format
from shortlist.formats import csv_lines, prefetch, read_ballots


def ballots(path: Path, first: str, rows: int = 2000) -> None:
    lines = ['rank1,rank2,"rank3"'] + [f"{first},B,C", "B,C,", "C,,"] * rows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefetch, "FROM_BYTES", 0)
    monkeypatch.setattr(csv_format, "FAST_PATH_BYTES", 0)  # the numpy reader reads them


def test_the_sizes_read_ahead_are_those_the_numpy_reader_reads() -> None:
    assert prefetch.FROM_BYTES == csv_format.FAST_PATH_BYTES
    assert prefetch.UP_TO_BYTES == csv_lines.NUMPY_FIRST_BYTES
    assert prefetch.SPARE_BYTES >= csv_lines.SPARE_BYTES


def test_a_file_read_ahead_reads_the_same(tmp_path: Path, small_files: None) -> None:
    path = tmp_path / "b.csv"
    ballots(path, "A")
    expected = read_ballots(path)
    prefetch.start(path)
    taken = prefetch.take(path)
    assert taken is not None and bytes(taken[0][: taken[1]]) == path.read_bytes()
    assert not any(taken[0][taken[1] :])  # zero bytes after the text
    content = path.read_bytes()
    assert taken.last == {byte: content.rfind(byte) for byte in prefetch.LOOKED_FOR}
    assert prefetch.take(path) is None  # handed over once
    prefetch.start(path)
    got = read_ballots(path)
    assert got.profile.candidates == expected.profile.candidates
    assert np.array_equal(got.profile.ranks, expected.profile.ranks)
    assert np.array_equal(got.profile.weights, expected.profile.weights)
    assert prefetch.take(path) is None  # the reader took it


@pytest.mark.parametrize("count", [False, True], ids=["text", "ballots"])
def test_a_file_changed_after_it_was_read_ahead_is_read_again(
    tmp_path: Path, small_files: None, count: bool
) -> None:
    path = tmp_path / "b.csv"
    ballots(path, "A")
    prefetch.start(path, "csv", count=count)
    prefetch._pending[os.path.abspath(path)].thread.join()
    ballots(path, "D")  # same size, new text
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    got = read_ballots(path)
    assert "D" in got.profile.candidates and "A" not in got.profile.candidates


def test_other_files_are_not_read_ahead(tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    ballots(path, "A", rows=3)
    prefetch.start(path)  # smaller than FROM_BYTES
    assert prefetch.take(path) is None
    prefetch.start(tmp_path / "missing.csv")
    assert prefetch.take(tmp_path / "missing.csv") is None


def same_ballots(a: object, b: object) -> None:
    assert a.profile.candidates == b.profile.candidates  # type: ignore[attr-defined]
    assert np.array_equal(a.profile.ranks, b.profile.ranks)  # type: ignore[attr-defined]
    assert np.array_equal(a.profile.weights, b.profile.weights)  # type: ignore[attr-defined]


def test_ballots_read_ahead_are_those_the_reader_reads(tmp_path: Path, small_files: None) -> None:
    path = tmp_path / "b.csv"
    ballots(path, "A")
    expected = read_ballots(path)
    prefetch.start(path, "csv", count=True)
    assert prefetch.ballots(path, "blt") is None  # another format: not these ballots
    ahead = prefetch.ballots(path, "csv")
    assert ahead is not None
    same_ballots(ahead, expected)
    assert prefetch.ballots(path, "csv") is None  # handed over once
    prefetch.start(path, "csv", count=True)
    same_ballots(read_ballots(path), expected)  # read_ballots takes them
    assert not prefetch._pending


def test_an_error_reading_ahead_is_raised_to_the_reader(tmp_path: Path, small_files: None) -> None:
    path = tmp_path / "b.csv"
    path.write_text("rank1,rank2\n" + "A,B\n" * 3000 + "A,B,C\n", encoding="utf-8")
    with pytest.raises(BallotFileError) as direct:
        read_ballots(path)
    prefetch.start(path, "csv", count=True)
    with pytest.raises(BallotFileError) as ahead:
        read_ballots(path)
    assert str(ahead.value) == str(direct.value)
    assert ":3002: the row has 3 fields" in str(ahead.value)
    assert any(entry.name == "_run" for entry in ahead.traceback)  # raised on that thread


@pytest.mark.parametrize("odd", ['"A, B",C,', "A\r,B,", "A,\x00,"])
def test_a_file_read_ahead_with_what_the_numpy_reader_refuses_is_read_the_careful_way(
    tmp_path: Path, small_files: None, odd: str
) -> None:
    """A quote, a lone carriage return or NUL, seen while the file was read ahead: the numpy
    reader leaves the file to the careful one, as it does reading the file itself."""
    path = tmp_path / "b.csv"
    ballots(path, "A")
    path.write_bytes(path.read_bytes() + odd.encode() + b"\n")
    try:
        expected = csv_format.parse_csv(path.read_text(encoding="utf-8"), str(path))
    except BallotFileError as exc:
        prefetch.start(path, "csv", count=True)
        with pytest.raises(BallotFileError) as got:
            read_ballots(path)
        assert str(got.value).replace(str(path), "<csv>") == str(exc).replace(str(path), "<csv>")
        return
    prefetch.start(path, "csv", count=True)
    same_ballots(read_ballots(path), expected)


def test_ballots_asked_for_at_once_are_read_from_the_text_read_ahead(
    tmp_path: Path, small_files: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading thread takes its text from the pending reads: asking for the ballots
    before it got there must not make it read the file a second time."""
    path = tmp_path / "b.csv"
    ballots(path, "A")
    expected = read_ballots(path)

    def refuse(*args: object) -> object:
        raise AssertionError("read the file a second time")

    monkeypatch.setattr(csv_lines, "_read_text", refuse)
    prefetch.start(path, "csv", count=True)
    ahead = prefetch.ballots(path, "csv")
    assert ahead is not None
    same_ballots(ahead, expected)
