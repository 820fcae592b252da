"""The admin CLI over a real store: check (every error at once), load, run the festival's jury
round from open to announcement, turnout, member import; errors become exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shortlist.cli.main import main
from shortlist.domain.times import parse_instant
from shortlist.service import voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

ROOT = Path(__file__).parents[2]
ACADEMY = ROOT / "examples" / "academy-95.toml"
FESTIVAL = ROOT / "examples" / "festival-2025.toml"
MEMBERS = ROOT / "examples" / "festival-2025-members.csv"
JURY = "harbour-2025/golden-anchor/jury"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_the_academy_edition(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "edition", "check", str(ACADEMY))
    assert code == 0
    assert "ok" in out and "4 categories" in out and "10 rounds" in out


def test_a_broken_copy_lists_every_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = ACADEMY.read_text(encoding="utf-8")
    broken = (
        text.replace('timezone = "America/Los_Angeles"', 'timezone = "Pacific"', 1)
        .replace('method = "plurality"', 'method = "plurality-vote"', 1)
        .replace("max_ranks = 10", "max_ranks = 0", 1)
        .replace('closes = "2022-12-15T17:00', 'closes = "2022-12-10T17:00', 1)
        .replace('slate = "previous"', 'slate = "last-round"', 1)
    )
    path = tmp_path / "academy-95-broken.toml"
    path.write_text(broken, encoding="utf-8")
    code, _, err = run(capsys, "edition", "check", str(path))
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip().startswith("- ")]
    assert len(lines) == 5, err
    for field in (
        "edition.timezone", "categories[0].rounds[2].method", "categories[0].rounds[0].ballot",
        "categories[0].rounds[0].closes", "categories[0].rounds[1].slate",
    ):  # fmt: skip
        assert any("academy-95-broken.toml:" in line and field in line for line in lines), field
    assert all(line.split(":")[1].isdigit() for line in lines), "every error names its line"


def test_run_the_festival_jury_round(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "festival.db")
    code, out, err = run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS),
                         "--db", db, "--at", "2025-06-01T10:00 Europe/Lisbon")  # fmt: skip
    assert code == 0, err
    assert "loaded harbour-2025" in out and "65 members" in out
    code, _, err = run(capsys, "round", "open", JURY, "--db", db, "--at", "2025-06-20T10:00 UTC")
    assert code == 4 and "no election key" in err and "shortlist round seal-key" in err
    keys = _seal_with_custodians(capsys, tmp_path, db)
    code, _, err = run(capsys, "round", "open", JURY, "--db", db, "--at", "2025-06-19T10:00 UTC")
    assert code == 4 and "window" in err
    code, out, _ = run(capsys, "round", "open", JURY, "--db", db,
                       "--at", "2025-06-20T10:00 Europe/Lisbon")  # fmt: skip
    assert code == 0 and "5 eligible voters" in out
    _jury_votes(db)
    code, out, _ = run(capsys, "turnout", "harbour-2025", "--db", db)
    assert code == 0 and "golden-anchor/jury" in out
    code, _, err = run(capsys, "round", "count", JURY, "--db", db)
    assert code == 4 and "it is open" in err
    at = ("--at", "2025-06-21T12:00 Europe/Lisbon")
    code, _, err = run(capsys, "round", "close", JURY, "--db", db, *at)
    assert code == 4 and "needs a reason" in err
    code, out, _ = run(capsys, "round", "close", JURY, "--db", db, *at, "--reason", "all voted")
    assert code == 0 and "5 ballots" in out
    code, _, err = run(capsys, "round", "count", JURY, "--db", db, *at)
    assert code == 4 and "next step: unseal" in err
    _unseal_with_two_of_three(capsys, keys, db, at)
    code, out, _ = run(capsys, "round", "count", JURY, "--db", db, *at)
    assert code == 0 and "sealed" in out
    code, _, err = run(capsys, "round", "announce", JURY, "--db", db, *at)
    assert code == 4 and "embargoed" in err
    code, out, _ = run(capsys, "round", "announce", JURY, "--db", db,
                       "--at", "2025-06-21T21:00 Europe/Lisbon")  # fmt: skip
    assert code == 0
    assert "Golden Anchor" in out and "North Wind" in out
    assert "round by round" in out
    code, out, _ = run(capsys, "round", "status", JURY, "--db", db)
    assert code == 0 and "announced" in out and "all voted" in out
    assert "any 2 of alice, bob, carol unseal" in out
    assert re.search(r"key: +[0-9a-f]{64}\n", out)


def _seal_with_custodians(capsys: pytest.CaptureFixture[str], tmp_path: Path, db: str) -> Path:
    """Three custodians make their keys; the jury round is sealed so any two unseal it."""
    keys = tmp_path / "keys"
    for name in ("alice", "bob", "carol"):
        code, out, err = run(capsys, "custodian", "keygen", name, "--out", str(keys))
        assert code == 0 and f"{name}.public" in out, err
    assert (keys / "alice.secret").stat().st_mode & 0o077 == 0
    code, _, err = run(capsys, "custodian", "keygen", "alice", "--out", str(keys))
    assert code == 2 and "refusing to overwrite" in err
    publics = [arg for name in ("alice", "bob", "carol")
               for arg in ("--custodian", str(keys / f"{name}.public"))]  # fmt: skip
    code, _, err = run(capsys, "round", "seal-key", JURY, "--custodians", "2/4", *publics,
                       "--db", db)  # fmt: skip
    assert code == 2 and "3 --custodian files given" in err
    code, out, err = run(capsys, "round", "seal-key", JURY, "--custodians", "2/3", *publics,
                         "--db", db, "--at", "2025-06-19T10:00 UTC")  # fmt: skip
    assert code == 0, err
    assert "any 2 of alice, bob, carol" in out and "fingerprint:" in out
    return keys


def _unseal_with_two_of_three(
    capsys: pytest.CaptureFixture[str], keys: Path, db: str, at: tuple[str, str]
) -> None:
    """Alice alone cannot unseal; Bob opens his share on his side; Alice and Bob unseal."""
    alice = str(keys / "alice.secret")
    code, _, err = run(capsys, "round", "unseal", JURY, "--share", alice, "--db", db, *at)
    assert code == 2 and "1 custodian shares given, 2 needed" in err
    bob_share = str(keys / "bob.share")
    code, out, err = run(capsys, "custodian", "share", JURY, "--custodian-key",
                         str(keys / "bob.secret"), "--out", bob_share, "--db", db)  # fmt: skip
    assert code == 0 and "2 of 3 unseal" in out, err
    code, _, err = run(capsys, "round", "unseal", JURY, "--share", str(keys / "bob.public"),
                       "--db", db, *at)  # fmt: skip
    assert code == 2 and "field 'kind'" in err
    code, out, err = run(capsys, "round", "unseal", JURY, "--share", alice, "--share", bob_share,
                         "--db", db, *at)  # fmt: skip
    assert code == 0 and "5 ballots opened and shuffled" in out, err


def _jury_votes(db: str) -> None:
    """Five jurors score every film they may (J5 is credited on Salt and Iron)."""
    scores = {
        "J1": {"low-tide": 7, "the-lighthouse-keeper": 6, "salt-and-iron": 8, "north-wind": 9,
               "paper-boats": 5, "the-quiet-harbour": 7},
        "J2": {"low-tide": 6, "the-lighthouse-keeper": 7, "salt-and-iron": 9, "north-wind": 9,
               "paper-boats": 6, "the-quiet-harbour": 5},
        "J3": {"low-tide": 8, "the-lighthouse-keeper": 5, "salt-and-iron": 7, "north-wind": 8,
               "paper-boats": 7, "the-quiet-harbour": 6},
        "J4": {"low-tide": 5, "the-lighthouse-keeper": 8, "salt-and-iron": 9, "north-wind": 8,
               "paper-boats": 4, "the-quiet-harbour": 8},
        "J5": {"low-tide": 6, "the-lighthouse-keeper": 6, "north-wind": 10,
               "paper-boats": 7, "the-quiet-harbour": 6},
    }  # fmt: skip
    database = Database(db)
    clock = SimulatedClock(parse_instant("2025-06-20T15:00 Europe/Lisbon"))
    ref = RoundRef.parse(JURY)
    films = list(scores["J1"])
    with database.unit_of_work() as uow:
        for juror, marks in scores.items():
            voting.record_viewing(uow, "harbour-2025", "golden-anchor", juror, films, clock)
            voting.cast(uow, ref, juror, marks, clock)
    database.dispose()


def test_members_import(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "festival.db")
    run(capsys, "edition", "load", str(FESTIVAL), "--members", str(MEMBERS), "--db", db)
    extra = tmp_path / "more.csv"
    extra.write_text("number,name,status,branches\nA999,New Pass,active,audience\n"
                     "J1,Marta Reis,life,jury\n", encoding="utf-8")  # fmt: skip
    code, out, _ = run(capsys, "members", "import", "harbour-2025", str(extra), "--db", db)
    assert code == 0 and "1 members added, 1 updated" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("number,name,status,branches\nA1,X,retired,nowhere\n", encoding="utf-8")
    code, _, err = run(capsys, "members", "import", "harbour-2025", str(bad), "--db", db)
    assert code == 2 and "bad.csv:2" in err and "retired" in err
