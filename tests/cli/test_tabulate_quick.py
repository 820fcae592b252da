"""`shortlist tabulate` read without click: the same command line gives the same answer.

A whole `shortlist` process takes plain `tabulate` command lines without importing click
(:mod:`shortlist.cli.tabulate_quick`); `main(args)` in the test process always goes through
click. Each command line below is run both ways and must print the same output and error and
end with the same exit code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import run as by_click

from shortlist.cli import tabulate_quick

BALLOTS = (
    "rank1,rank2,rank3\n" + "A,B,C\n" * 5 + "B,C,A\n" * 4 + "C,B,A\n" * 3 + "C,A,\n" * 2 + "A,,\n"
)


def by_process(args: list[str], cwd: Path) -> tuple[int, str, str]:
    cli = [sys.executable, "-c", "from shortlist.cli.main import main; main()"]
    done = subprocess.run([*cli, *args], capture_output=True, text=True, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return path


PLAIN = [
    ["tabulate", "ballots.csv"],
    ["tabulate", "ballots.csv", "--format", "json"],
    ["tabulate", "ballots.csv", "--method", "irv", "--format", "json"],
    ["tabulate", "ballots.csv", "-m", "stv-wigm", "-s", "2", "-f", "json"],
    ["tabulate", "--seats", "2", "ballots.csv", "--set", "quota_mode=fixed"],
    ["tabulate", "ballots.csv", "--method", "stv-wigm", "--seats", "02", "-f", "table"],
    ["tabulate", "ballots.csv", "--input-format", "csv", "--method", "borda"],
    ["tabulate", "ballots.csv", "--method", "nosuch"],
    ["tabulate", "ballots.csv", "--method", "irv", "--seats", "9"],
    ["tabulate", "ballots.csv", "--set", "quota_mode", "--set", "=x"],
    ["tabulate", "ballots.csv", "--set", "nosuch=1"],
    ["tabulate", "ballots.csv", "--input-format", "blt"],
    ["tabulate", "ballots.csv", "--method", ""],
]
FOR_CLICK = [
    ["tabulate", "missing.csv"],
    ["tabulate", "folder"],
    ["tabulate", "ballots.csv", "--seats", "two"],
    ["tabulate", "ballots.csv", "--seats", "-1"],
    ["tabulate", "ballots.csv", "--seats=2"],
    ["tabulate", "ballots.csv", "--format", "yaml"],
    ["tabulate", "ballots.csv", "--format", "rctab-json"],
    ["tabulate", "ballots.csv", "--input-format", "xlsx"],
    ["tabulate", "ballots.csv", "--method", "irv", "--method", "borda"],
    ["tabulate", "ballots.csv", "--method"],
    ["tabulate", "ballots.csv", "--output", "folder"],
    ["tabulate", "ballots.csv", "--output-dir", "folder"],
    ["tabulate", "ballots.csv", "ballots.csv"],
    ["tabulate", "ballots.csv", "--help"],
    ["tabulate", "ballots.csv", "--nosuch", "x"],
    ["tabulate"],
]


@pytest.mark.parametrize("args", PLAIN)
def test_plain_command_lines_are_read_here(args: list[str], ballots: Path, monkeypatch) -> None:
    monkeypatch.chdir(ballots.parent)
    assert tabulate_quick.parse(args[1:]) is not None


@pytest.mark.parametrize("args", FOR_CLICK)
def test_other_command_lines_go_to_click(args: list[str], ballots: Path, monkeypatch) -> None:
    monkeypatch.chdir(ballots.parent)
    assert tabulate_quick.parse(args[1:]) is None


@pytest.mark.parametrize("args", PLAIN + FOR_CLICK)
def test_both_paths_say_the_same(
    args: list[str], ballots: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.chdir(ballots.parent)
    assert by_process(args, ballots.parent) == by_click(args, capsys)


def test_output_file_is_written_the_same(ballots: Path, capsys) -> None:
    folder = ballots.parent
    args = ["tabulate", str(ballots), "--format", "json", "-o"]
    assert by_process([*args, str(folder / "quick.json")], folder)[0] == 0
    assert by_click([*args, str(folder / "click.json")], capsys)[0] == 0
    assert tabulate_quick.parse([*args[1:], str(folder / "quick.json")]) is not None
    quick = (folder / "quick.json").read_text(encoding="utf-8")
    assert quick == (folder / "click.json").read_text(encoding="utf-8")
    assert '"format": "shortlist-result/1"' in quick


def test_counting_a_file_does_not_import_click(ballots: Path) -> None:
    code = (
        "import sys; from shortlist.cli import tabulate_quick; "
        f"counted = tabulate_quick.run([{str(ballots)!r}, '--format', 'json']); "
        "print(counted, 'click' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True False"


BIG_ROWS = ["A,B,C", "B,C,A", "C,B,A", "C,A,", "A,,", "B,,"] * 40_000  # > 1 MiB: read ahead


@pytest.mark.parametrize(
    ("last", "code"),
    [("A,B,", 0), ("A,B,C,D", 2), ("A,\x00,", 0)],
    ids=["good", "row too long", "NUL (left to the csv module)"],
)
def test_a_file_read_and_counted_ahead_says_the_same(
    last: str, code: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """Files the plain path reads on a second thread while modules load (errors included)."""
    path = tmp_path / "big.csv"
    path.write_text("\n".join(["rank1,rank2,rank3", *BIG_ROWS, last]) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    monkeypatch.chdir(tmp_path)
    args = ["tabulate", "big.csv", "--method", "irv", "--format", "json"]
    quick = by_process(args, tmp_path)
    assert quick == by_click(args, capsys)
    assert quick[0] == code
