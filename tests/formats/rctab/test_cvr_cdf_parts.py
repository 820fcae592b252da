"""A CDF JSON report grouped in two parts (cdf_parts: the second in a forked child) against
the same report grouped in one part, the previous fast path and the exact reader."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cvr_cdf_bulk import bulk, lines_report, previous, same_as_exact
from test_cvr_cdf_fast import ballot

from shortlist.formats.rctab.cvr import cdf_bulk, cdf_fast, cdf_parts

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="two parts: a forked child")


def cuts(monkeypatch: pytest.MonkeyPatch, chunk: int) -> list[int | None]:
    """Reports of any size in two parts, reads of ``chunk`` bytes; returns the cuts made.

    The test process may run other threads (idle ones left by other tests: a web client's, an
    executor's), which would keep the reader to one part; the parts are forced here and
    :func:`test_no_second_part_while_another_thread_runs` checks that guard itself."""
    monkeypatch.setattr(cdf_fast, "_CHUNK", chunk)
    monkeypatch.setattr(cdf_parts, "PARTS_FROM", 0)
    monkeypatch.setattr(cdf_parts, "_may_fork", lambda: True)
    made: list[int | None] = []
    real = cdf_parts._cut

    def cut(handle: Any, lowest: int) -> int | None:
        made.append(real(handle, lowest))
        return made[-1]

    monkeypatch.setattr(cdf_parts, "_cut", cut)
    return made


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ballots=st.lists(ballot, min_size=2, max_size=12),
    later=st.lists(ballot, min_size=1, max_size=6),  # first seen in the second part
    repeat=st.integers(4, 12),
    chunk=st.sampled_from([1024, 4096]),
)
def test_two_parts_count_what_one_part_counts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ballots: list[Any],
    later: list[Any],
    repeat: int,
    chunk: int,
) -> None:
    if any(unit is not None for _, unit, _ in ballots + later):  # a unit in every CVR
        ballots, later = ([(c, u or 0, o) for c, u, o in b] for b in (ballots, later))
    path = lines_report(tmp_path / "r.json", ballots * repeat + later * 2)
    made = cuts(monkeypatch, chunk)
    counted = bulk(path)
    with monkeypatch.context() as one_part:
        one_part.setattr(cdf_parts, "_cut", lambda handle, lowest: None)
        assert counted == bulk(path)
    assert counted == previous(path)  # records (lines, ballot ids, precincts), counts, order
    same_as_exact(path)
    if made[0] is not None:  # the cut is a CVR line's start
        assert path.read_bytes()[made[0] - 3 : made[0] + 1] == cdf_bulk.SEPARATOR


def many(tmp_path: Path, count: int = 60) -> Path:
    specs = [
        ([(0, [(n % 3, 1, False), ((n + 1) % 3, 2, False)])], n % 2, False) for n in range(count)
    ]
    return lines_report(tmp_path / "r.json", specs)


def test_a_doubt_in_the_second_part_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cuts(monkeypatch, 1024)
    path = many(tmp_path)
    data = path.read_bytes()
    late = data.rindex(b'"original"', 0, len(data) - 2000)  # in the second part
    path.write_bytes(data[:late] + b'"origina\\u006c"' + data[late + 10 :])
    with pytest.raises(cdf_bulk.Doubt, match=r"the second part: .*backslash"):
        bulk(path)
    assert made[0] is not None and made[0] < late
    same_as_exact(path)


def test_a_first_part_that_stops_before_the_cut_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CVR written over two lines in the first part: its lines end there, not at the cut."""
    made = cuts(monkeypatch, 1024)
    path = many(tmp_path)
    data = path.read_bytes()
    early = data.index(b',"CurrentSnapshotId"', 3000)
    path.write_bytes(data[:early] + b",\n" + data[early + 1 :])
    with pytest.raises(cdf_bulk.Doubt, match="does not end where the second begins"):
        bulk(path)
    assert made[0] is not None and made[0] > early
    same_as_exact(path)


def test_a_unit_in_one_part_only_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cuts(monkeypatch, 1024)
    specs = [([(0, [(n % 3, 1, False)])], None if n < 40 else n % 2, False) for n in range(80)]
    path = lines_report(tmp_path / "r.json", specs)
    with pytest.raises(cdf_bulk.Doubt, match="BallotStyleUnitId"):
        bulk(path)
    assert made[0] is not None
    same_as_exact(path)


def test_a_small_report_is_one_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cdf_fast, "_CHUNK", 1024)
    with many(tmp_path).open("rb") as handle:
        assert cdf_parts._cut(handle, 1) is None  # under PARTS_FROM
    monkeypatch.setattr(cdf_parts, "PARTS_FROM", 0)
    with many(tmp_path).open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        assert cdf_parts._cut(handle, size) is None  # its middle within the first read
        assert cdf_parts._cut(handle, 1) is not None


def test_no_second_part_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked child has only the thread that forked: a lock another thread held would stay
    held in it. So no child while another thread runs."""
    monkeypatch.setattr(cdf_parts.sys, "platform", "linux")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not cdf_parts._may_fork()
    finally:
        release.set()
        other.join()
    monkeypatch.setattr(cdf_parts.threading, "active_count", lambda: 1)
    assert cdf_parts._may_fork()
    monkeypatch.setattr(cdf_parts.sys, "platform", "darwin")
    assert not cdf_parts._may_fork()
