"""One ballot per member under concurrent casting (threads and processes); an acknowledged
cast survives ``kill -9`` of the casting process. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from small_edition import at

from sealing_steps import open_sealed, peek
from shortlist.service import rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
WORKER = Path(__file__).with_name("cast_worker.py")
INSTANT = "2025-02-01T10:00:00+00:00"
#: Members who attested (the round's gate): more than the kill -9 test lets the worker reach.
ATTESTED = 40


@pytest.fixture
def opened(loaded: Database, clock: SimulatedClock) -> Database:
    clock.set(at("2025-02-01T10:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, DIRECTING, clock)
        for i in range(1, ATTESTED + 1):
            voting.attest(uow, DIRECTING, f"v{i:03d}", clock)
    return loaded


def _box(database: Database) -> tuple[list[object], int, int]:
    with database.unit_of_work() as uow:
        record = rounds.find(uow, DIRECTING)
        return peek(uow, DIRECTING), uow.rounds.turnout(record.id), record.id


def test_concurrent_casts_by_one_member_leave_one_ballot(
    opened: Database, clock: SimulatedClock
) -> None:
    rankings = [["p"], ["q"], ["r"], ["s"], ["t"], ["p", "q"], ["q", "p"], ["r", "s"]]
    barrier = threading.Barrier(len(rankings))
    errors: list[BaseException] = []

    def cast(ranking: list[str]) -> None:
        try:
            barrier.wait()
            with opened.unit_of_work() as uow:
                voting.cast(uow, DIRECTING, "v001", ranking, clock)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=cast, args=(r,)) for r in rankings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    marks, turnout, _ = _box(opened)
    assert turnout == 1
    assert len(marks) == 1 and marks[0] in rankings


def test_concurrent_processes_one_ballot_per_member(opened: Database) -> None:
    members = ",".join(f"v{i:03d}" for i in range(1, 6))
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), opened.url, str(DIRECTING), INSTANT, members, *order],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in (["p", "q"], ["s", "t"])
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.count("ack") == 5
    marks, turnout, _ = _box(opened)
    assert turnout == 5
    assert len(marks) == 5


def test_an_acknowledged_cast_survives_kill_9(opened: Database) -> None:
    members = [f"v{i:03d}" for i in range(1, ATTESTED + 1)]
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), opened.url, str(DIRECTING), INSTANT, ",".join(members),
         "p", "q", "r"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    acked = []
    for line in proc.stdout:
        acked.append(line.split()[1])
        if len(acked) == 15:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    marks, turnout, round_id = _box(opened)
    assert turnout == len(marks)
    assert len(marks) >= len(acked)
    with opened.unit_of_work() as uow:
        assert all(uow.rounds.voted(round_id, member) for member in acked)
