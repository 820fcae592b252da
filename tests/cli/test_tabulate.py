"""`shortlist tabulate` and `shortlist methods`: output formats and bad input at the edge."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import run

BEST_PICTURE_CSV = (
    "rank1,rank2,rank3,rank4,rank5\n"
    + "P,Q,R,S,T\n" * 30
    + "Q,R,P,T,S\n" * 26
    + "R,Q,S,P,T\n" * 20
    + "S,R,Q,P,T\n" * 14
    + "T,S,R,Q,P\n" * 10
)


@pytest.fixture
def best_picture(tmp_path: Path) -> Path:
    path = tmp_path / "best_picture.csv"
    path.write_text(BEST_PICTURE_CSV, encoding="utf-8")
    return path


def test_json_output_is_a_shortlist_result(best_picture, capsys):
    code, out, _ = run(
        ["tabulate", str(best_picture), "--method", "irv", "--format", "json"], capsys
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "shortlist-result/1"
    assert doc["method"] == "irv" and doc["winners"] == ["Q"]
    assert doc["rules"]["majority_base"] == "continuing"
    first = doc["rounds"][0]
    assert set(first) >= {
        "round",
        "threshold",
        "tally",
        "elected",
        "eliminated",
        "exhausted",
        "residual",
        "transfers",
        "tiebreaks",
    }
    assert first["tally"] == {"P": "30", "Q": "26", "R": "20", "S": "14", "T": "10"}
    assert doc["rounds"][-1]["tally"] == {"P": "30", "Q": "70"}


def test_table_output_reads_round_by_round(best_picture, capsys):
    code, out, _ = run(["tabulate", str(best_picture)], capsys)
    assert code == 0
    assert "Round 1: T was eliminated; T's votes: 10 moved to S." in out
    assert "Winner: Q" in out


def test_output_file_written_only_on_success(best_picture, tmp_path, capsys):
    target = tmp_path / "result.json"
    code, _, _ = run(["tabulate", str(best_picture), "-f", "json", "-o", str(target)], capsys)
    assert code == 0 and json.loads(target.read_text())["winners"] == ["Q"]
    bad = tmp_path / "bad.json"
    code, _, _ = run(["tabulate", str(best_picture), "--method", "nope", "-o", str(bad)], capsys)
    assert code != 0 and not bad.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "irvv"], "unknown method 'irvv' (did you mean irv"),
        (["--set", "quota=hare"], "unknown switch 'quota'"),
        (["--set", "majority_base=most"], "'most' is not one of continuing, all"),
        (["--set", "novalue"], "expected KEY=VALUE"),
        (["--method", "irv", "--seats", "3"], "elects exactly one winner"),
        (["--method", "bottoms-up", "--seats", "9"], "seats out of range"),
        (["--method", "multi-pass-irv", "--seats", "0"], "must be at least 1"),
    ],
)
def test_bad_rules_are_one_line_errors(best_picture, capsys, args, message):
    code, out, err = run(["tabulate", str(best_picture), *args], capsys)
    assert code != 0
    assert message in err
    assert "Traceback" not in err and out == ""


def test_bad_files_name_file_and_line(tmp_path, capsys):
    missing = tmp_path / "missing.csv"
    code, _, err = run(["tabulate", str(missing)], capsys)
    assert code != 0 and "does not exist" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("rank1,rank2\n", encoding="utf-8")
    code, _, err = run(["tabulate", str(empty)], capsys)
    assert code != 0 and "no ballots" in err and "Traceback" not in err
    blt = tmp_path / "bad.blt"
    blt.write_text('3 1\n1 1 2 0\n1 4 0\n0\n"A"\n"B"\n"C"\n"t"\n', encoding="utf-8")
    code, _, err = run(["tabulate", str(blt)], capsys)
    assert code != 0 and "bad.blt:3" in err and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("rank1\n", encoding="utf-8")
    cli = [sys.executable, "-c", "from shortlist.cli.main import main; main()"]
    quiet = subprocess.run([*cli, "tabulate", str(empty)], capture_output=True, text=True)
    loud = subprocess.run([*cli, "--debug", "tabulate", str(empty)], capture_output=True, text=True)
    assert quiet.returncode != 0 and "Traceback" not in quiet.stderr
    assert loud.returncode != 0 and "Traceback" in loud.stderr


def test_methods_lists_every_switch(capsys):
    code, out, _ = run(["methods", "--format", "json"], capsys)
    assert code == 0
    described = {m["name"]: m for m in json.loads(out)}
    irv = {s["name"]: s for s in described["irv"]["switches"]}
    assert irv["majority_base"]["default"] == "continuing"
    assert irv["majority_base"]["choices"] == ["continuing", "all"]
    code, _, err = run(["methods", "nosuch"], capsys)
    assert code != 0 and "unknown method" in err


SCORES = "# kind: score\n# scale: 6-10\nFilmA,FilmB,FilmC\n10,7,\n8,,9\n6,9,10\n"


def test_score_files_count_with_score_methods_and_are_refused_by_ranked_ones(tmp_path, capsys):
    path = tmp_path / "jury.csv"
    path.write_text(SCORES, encoding="utf-8")
    code, out, _ = run(["tabulate", str(path), "--method", "score-average", "-f", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["winners"] == ["FilmC"]
    assert doc["rounds"][0]["tally"] == {"FilmA": "8", "FilmB": "8", "FilmC": "9.5"}
    code, out, err = run(["tabulate", str(path), "--method", "irv"], capsys)
    assert code != 0 and out == ""
    assert "jury.csv:1" in err and "not ranked ballots" in err
