"""`shortlist record export`, `verify`, `audit verify`, `board check`, `card make|check` over a
SQLite store: exit 0 when everything checks, exit 5 naming what did not match."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))

from record_scenario import DIRECTING, NOMINATIONS, run_directing, run_nominations
from small_edition import EDITION, at, roll

from shortlist.cli.main import main
from shortlist.domain.edition_file import read_edition
from shortlist.service import editions
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(sqlite_template: Path, tmp_path: Path) -> tuple[str, list[str]]:
    """A database whose nominations are announced and whose directing final is counted."""
    path = tmp_path / "awards.db"
    shutil.copy(sqlite_template, path)
    database = Database(str(path))
    clock = SimulatedClock(at("2025-01-05T09:00"))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=EDITION), roll(), clock, "admin")
        trackers = run_nominations(uow, clock)
        run_directing(uow, clock, announce=False)
    database.dispose()
    return str(path), trackers


def test_export_then_verify(
    capsys: pytest.CaptureFixture[str], store: tuple[str, list[str]], tmp_path: Path
) -> None:
    db, _ = store
    out_dir = tmp_path / "record"
    code, out, err = run(capsys, "record", "export", "--db", db, str(out_dir))
    assert code == 0, err
    assert "1 announced rounds" in out
    code, out, err = run(capsys, "verify", str(out_dir))
    assert code == 0, err
    assert "all 9 checks passed" in out
    fingerprint = Database(db).body_key.load(create=False).public.fingerprint
    code, out, err = run(capsys, "verify", str(out_dir), "--body-key", fingerprint[:12])
    assert code == 0, err
    code, out, err = run(capsys, "verify", str(out_dir), "--body-key", "0" * 12)
    assert code == 5 and f"the body key is {fingerprint}" in err
    board = out_dir / "rounds/picture/nominations/board.json"
    board.write_bytes(board.read_bytes().replace(b'"trackers": [\n  "', b'"trackers": [\n  "0'))
    code, out, err = run(capsys, "verify", str(out_dir))
    assert code == 5
    assert "rounds/picture/nominations/board.json" in err


def test_export_refuses_an_unannounced_round(
    capsys: pytest.CaptureFixture[str], store: tuple[str, list[str]], tmp_path: Path
) -> None:
    db, _ = store
    code, _, err = run(
        capsys, "record", "export", "--db", db, "--round", str(DIRECTING), str(tmp_path / "r")
    )
    assert code == 4
    assert "not announced" in err and str(DIRECTING) in err


def test_board_check(capsys: pytest.CaptureFixture[str], store: tuple[str, list[str]]) -> None:
    db, trackers = store
    code, out, _ = run(capsys, "board", "check", str(NOMINATIONS), trackers[3], "--db", db)
    assert code == 0 and "is on the board" in out
    code, _, err = run(capsys, "board", "check", str(NOMINATIONS), "ab" * 32, "--db", db)
    assert code == 5 and "not on the board" in err


def test_cards_are_checked_per_category(
    capsys: pytest.CaptureFixture[str], store: tuple[str, list[str]], tmp_path: Path
) -> None:
    db, _ = store
    card = tmp_path / "directing.svg"
    code, _, err = run(capsys, "card", "make", str(DIRECTING), "-o", str(card), "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "card", "check", str(card), "--category", "directing")
    assert code == 0 and "the card of Directing" in out and ": Q;" in out
    code, _, err = run(capsys, "card", "check", str(card), "--category", "picture")
    assert code == 5 and "not picture" in err
    card.write_text(card.read_text().replace(">Q<", ">P<"))
    code, _, err = run(capsys, "card", "check", str(card), "--category", "directing")
    assert code == 5 and "winner" in err


def test_audit_verify(capsys: pytest.CaptureFixture[str], store: tuple[str, list[str]]) -> None:
    db, _ = store
    code, out, _ = run(capsys, "audit", "verify", "--db", db)
    assert code == 0 and "the audit log checks" in out
    head = re.search(r"head (\d+:[0-9a-f]{64})", out)
    assert head is not None
    database = Database(db)
    with database.engine.begin() as connection:
        last = connection.exec_driver_sql("SELECT max(seq) FROM audit_seals").scalar()
        entry = connection.exec_driver_sql(
            f"SELECT entry_id FROM audit_seals WHERE seq = {last}"
        ).scalar()
        connection.exec_driver_sql(f"DELETE FROM audit_seals WHERE seq = {last}")
        connection.exec_driver_sql(f"DELETE FROM audit WHERE id = {entry}")
    code, out, _ = run(capsys, "audit", "verify", "--db", db)
    assert code == 0  # the last entry cut off: only a head published earlier shows it
    code, out, _ = run(capsys, "audit", "verify", "--db", db, "--head", head.group(1))
    assert code == 5 and "the log ends at entry" in out
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit SET actor = 'someone else' WHERE id = 3")
    database.dispose()
    code, out, _ = run(capsys, "audit", "verify", "--db", db)
    assert code == 5 and "entry 3" in out and "altered" in out
