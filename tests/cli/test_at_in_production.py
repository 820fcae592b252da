"""`--at` (acting at another instant, for rehearsals) is refused when SHORTLIST_MODE=production."""

from __future__ import annotations

from pathlib import Path

import pytest

from shortlist.cli.main import main

ROOT = Path(__file__).parents[2]
FESTIVAL = ROOT / "examples" / "festival-2025.toml"
MEMBERS = ROOT / "examples" / "festival-2025-members.csv"
JURY = "harbour-2025/golden-anchor/jury"
AT = ("--at", "2025-06-20T10:00 Europe/Lisbon")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_load_with_at_is_refused_in_production_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORTLIST_MODE", "production")
    db = tmp_path / "festival.db"
    code, _, err = run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS),
                       "--db", str(db), *AT)  # fmt: skip
    assert code == 2
    assert "--at" in err and "SHORTLIST_MODE=production" in err
    assert not db.exists()


@pytest.mark.parametrize("command", [("round", "open", JURY), ("round", "close", JURY),
                                     ("round", "count", JURY), ("card", "make", JURY)])  # fmt: skip
def test_every_command_with_at_refuses_it_in_production(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    db = str(tmp_path / "festival.db")
    code, _, err = run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS),
                       "--db", db, *AT)  # fmt: skip
    assert code == 0, err  # a rehearsal outside production may act at any instant
    monkeypatch.setenv("SHORTLIST_MODE", "production")
    code, _, err = run(capsys, *command, "--db", db, *AT)
    assert code == 2 and "refused when SHORTLIST_MODE=production" in err
    code, out, _ = run(capsys, "round", "status", JURY, "--db", db)
    assert code == 0 and "draft" in out  # nothing changed


def test_production_without_at_acts_now(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORTLIST_MODE", "production")
    db = str(tmp_path / "festival.db")
    code, out, err = run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS),
                         "--db", db)  # fmt: skip
    assert code == 0, err
    assert "loaded harbour-2025" in out
