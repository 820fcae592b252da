"""`shortlist compare`: winners side by side, the pairwise matrix, disagreements, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runs import run

CASES = Path(__file__).parents[1] / "cases" / "pref_voting" / "condorcet_winner"


def test_table_shows_winners_matrix_and_disagreement(capsys):
    code, out, _ = run(["compare", str(CASES / "minimal_resolute_Borda.soc")], capsys)
    assert code == 0
    assert "Pairwise margins" in out and "+1 (3)" in out
    assert "The methods disagree:" in out
    lines = dict(line.split(None, 1) for line in out.splitlines()[2:11] if line.strip())
    assert lines["borda"] == "2" and lines["schulze"] == "1"


def test_json_document(capsys):
    path = CASES / "minimal_resolute_Borda.soc"
    code, out, _ = run(["compare", str(path), "-m", "borda,copeland", "-f", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["format"] == "shortlist-compare/1" and doc["agree"] is False
    assert doc["pairwise"]["margin"]["1"]["2"] == 1 and doc["pairwise"]["support"]["1"]["2"] == 3
    assert {g["winners"][0]: g["methods"] for g in doc["groups"]} == {
        "2": ["borda"],
        "1": ["copeland"],
    }
    assert doc["results"]["copeland"]["format"] == "shortlist-result/1"


def test_score_ballots(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    path.write_text("# scale: 0-5\nA,B,C\n5,4,0\n0,5,4\n5,0,4\n")
    code, out, _ = run(["compare", str(path), "--scores", "-f", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert [r["method"] for r in doc["methods"]] == ["score-sum", "score-average", "star", "rrv"]
    assert doc["methods"][0]["winners"] == ["A"] and "pairwise" not in doc
    approvals = tmp_path / "approvals.csv"
    approvals.write_text("# kind: approval\nA,B\n1,1\nx,\n")
    code, out, _ = run(["compare", str(approvals), "--scores"], capsys)
    assert code == 0 and out.splitlines()[2].split() == ["approval", "A"]


def test_bad_input_is_one_line(tmp_path, capsys):
    path = CASES / "minimal_resolute_Borda.soc"
    code, _, err = run(["compare", str(path), "-m", "borda,nosuch"], capsys)
    assert code == 2 and "unknown method 'nosuch'" in err
    code, _, err = run(["compare", str(path), "-m", "borda,star"], capsys)
    assert code == 2 and "separate runs" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("# scale: 6-10\nA,B\n6,11\n")
    code, _, err = run(["compare", str(bad), "-m", "score-sum"], capsys)
    assert code == 2 and "bad.csv:3, field 'B'" in err


def test_seats_apply_to_methods_that_rank(capsys):
    path = CASES / "minimal_resolute_Borda.soc"
    code, out, _ = run(["compare", str(path), "-m", "borda,irv", "-s", "2", "-f", "json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert [len(r["winners"]) for r in doc["methods"]] == [2, 1]
