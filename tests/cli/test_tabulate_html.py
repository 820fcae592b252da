"""`shortlist tabulate --format html`: one self-contained results page, written only on success."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "formats" / "report"))

from html_tree import parse

from shortlist.cli.main import main
from shortlist.formats import rctab

CASES = Path(__file__).parents[1] / "cases"


def run(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_an_rctab_contest_becomes_one_page_with_the_counts_numbers(tmp_path):
    config = CASES / "rctab" / "2013_minneapolis_park" / "2013_minneapolis_park_config.json"
    out = tmp_path / "park.html"
    assert run(["tabulate", str(config), "--format", "html", "-o", str(out)]) == 0
    result = rctab.count_contest(rctab.load_contest(config))
    root = parse(out.read_text(encoding="utf-8"))
    outcome = root.find("section", **{"class": "report-outcome"})
    assert [li.text for li in outcome.find_all("li")] == list(result.winners)
    sentences = root.find("ol", **{"class": "report-sentences"}).find_all("li")
    assert len(sentences) == len(result.rounds)
    last = result.rounds[-1]
    table = root.find("table", **{"data-table": "tally", "data-round": str(last.number)})
    shown = {
        row.attrs["data-candidate"]: Fraction(row.find("span").attrs["data-exact"])
        for row in table.find("tbody").find_all("tr")
    }
    assert shown == dict(last.tally)
    assert len(root.find_all("svg", **{"data-chart": "bars"})) == len(result.rounds)


def test_a_blt_file_with_a_quota_draws_the_threshold(tmp_path):
    out = tmp_path / "ward8.html"
    blt = CASES / "scottish" / "dundee_2022_ward8.blt"
    code = run(
        ["tabulate", str(blt), "--method", "stv-scottish", "--format", "html", "-o", str(out)]
    )
    assert code == 0
    root = parse(out.read_text(encoding="utf-8"))
    assert root.find_all("g", **{"class": "report-threshold"})
    assert root.find("style").text.strip()  # the CSS is inline: nothing to fetch


def test_a_failed_count_writes_no_page(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("rank1,rank2\n", encoding="utf-8")
    out = tmp_path / "out.html"
    assert run(["tabulate", str(empty), "--format", "html", "-o", str(out)]) != 0
    assert not out.exists() and not list(tmp_path.glob(".*partial"))
    capsys.readouterr()


@pytest.mark.parametrize("method", ["irv", "borda"])
def test_html_goes_to_standard_output_without_o(tmp_path, capsys, method):
    ballots = tmp_path / "b.csv"
    ballots.write_text("rank1,rank2\nA,B\nA,B\nB,A\n", encoding="utf-8")
    assert run(["tabulate", str(ballots), "--method", method, "--format", "html"]) == 0
    root = parse(capsys.readouterr().out)
    assert root.find("section", **{"class": "report-outcome"}).find("li").text == "A"
