"""Rulings from the command line: `entry exclude|reinstate`, `round window|exclude-member|
reinstate-member`; each lands in the audit log with its reason, the log still verifies, and a
refused ruling exits non-zero having changed nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sealing_steps import open_sealed
from shortlist.cli.main import main
from shortlist.domain.times import parse_instant
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

ROOT = Path(__file__).parents[2]
FESTIVAL = ROOT / "examples" / "festival-2025.toml"
MEMBERS = ROOT / "examples" / "festival-2025-members.csv"
JURY = "harbour-2025/golden-anchor/jury"
BEFORE = ("--at", "2025-06-01T10:00 Europe/Lisbon")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    path = str(tmp_path / "festival.db")
    code, _, err = run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS),
                       "--db", path, *BEFORE)  # fmt: skip
    assert code == 0, err
    return path


def _audit(capsys: pytest.CaptureFixture[str], db: str) -> str:
    code, out, err = run(capsys, "audit", "verify", "--db", db)
    assert code == 0, err
    code, shown, _ = run(capsys, "audit", "show", "--db", db)
    assert code == 0
    return out + shown


def test_rulings_are_audited_with_their_reasons(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    acts = [
        ("entry", "exclude", "harbour-2025/golden-anchor", "north-wind", "--reason", "premiered"),
        ("entry", "reinstate", "harbour-2025/golden-anchor", "north-wind", "--reason", "appeal"),
        ("round", "exclude-member", JURY, "J1", "--reason", "producer of low-tide"),
        ("round", "window", JURY, "--closes", "2025-06-21T12:00 Europe/Lisbon",
         "--reason", "ceremony moved"),
    ]  # fmt: skip
    for act in acts:
        code, out, err = run(capsys, *act, "--db", db, *BEFORE, "--as", "ines")
        assert code == 0, err
    assert "closes Sat 21 Jun 2025 12:00" in out
    log = _audit(capsys, db)
    assert "the audit log checks" in log
    for action, reason in [("entry.exclude", "premiered"), ("entry.reinstate", "appeal"),
                           ("member.exclude", "producer of low-tide"),
                           ("round.window", "ceremony moved")]:  # fmt: skip
        assert any(action in line and reason in line for line in log.splitlines()), action


def test_refused_rulings_exit_non_zero_and_change_nothing(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    before = _audit(capsys, db)
    refused = [
        (2, "needs a reason", ("entry", "exclude", "harbour-2025/golden-anchor", "north-wind",
                               "--reason", " ")),
        (2, "Missing option '--reason'", ("round", "exclude-member", JURY, "J1")),
        (2, "no member 'ZZ'", ("round", "exclude-member", JURY, "ZZ", "--reason", "r")),
        (2, "EDITION/CATEGORY", ("entry", "exclude", "harbour-2025", "x", "--reason", "r")),
        (2, "closes before it opens", ("round", "window", JURY, "--closes",
                                       "2025-06-19T10:00 Europe/Lisbon", "--reason", "r")),
        (2, "no time zone", ("round", "window", JURY, "--opens", "2025-06-19T10:00",
                             "--reason", "r")),
        (2, "give --opens, --closes or both", ("round", "window", JURY, "--reason", "r")),
    ]  # fmt: skip
    for code, words, act in refused:
        got, _, err = run(capsys, *act, "--db", db, *BEFORE)
        assert (got, words in err) == (code, True), (act, err)
    assert _audit(capsys, db) == before


def test_an_open_round_refuses_to_move_its_opening(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    clock = SimulatedClock(parse_instant("2025-06-20T11:00 Europe/Lisbon"))
    with Database(db).unit_of_work() as uow:
        open_sealed(uow, RoundRef.parse(JURY), clock)
    at = ("--at", "2025-06-20T12:00 Europe/Lisbon")
    code, _, err = run(capsys, "round", "window", JURY, "--opens", "2025-06-20T08:00 UTC",
                       "--reason", "r", "--db", db, *at)  # fmt: skip
    assert code == 4 and "only its closing instant" in err
    code, _, err = run(capsys, "round", "window", JURY, "--opens", "2025-06-20T09:00 UTC",
                       "--reason", "same instant", "--db", db, *at)  # fmt: skip
    assert code == 2 and "nothing to change" in err
    code, _, err = run(capsys, "entry", "exclude", "harbour-2025/golden-anchor", "north-wind",
                       "--reason", "r", "--db", db, *at)  # fmt: skip
    assert code == 4 and "is open with it on its slate" in err
