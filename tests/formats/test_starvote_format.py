"""starvote's own text format (``.starvote``): ballots, repeats, options and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from shortlist.cli.main import main
from shortlist.errors import BallotFileError
from shortlist.formats.scores import read_scores
from shortlist.formats.starvote import parse_starvote

# The sample election of starvote's documentation, plus one ballot that decides the runoff.
SAMPLE = """
[options]

seats=1
method=star
verbosity = 1
tiebreaker = [
    Chuck
    Amy
    Brian
]

[ballots]

Amy = 1
Brian = 2
Chuck = 5

Amy = 1
Brian = 5
Chuck = 3

# a comment also ends a ballot
Amy = 1
Brian = 3
Chuck = 3

3 ballots:
Amy = 1
Brian = 3
Chuck = 3

Chuck = 5
"""


def totals(profile):
    scores = np.where(profile.scores >= 0, profile.scores, 0)
    return dict(
        zip(profile.candidates, (scores * profile.weights[:, None]).sum(0).tolist(), strict=True)
    )


def test_sample_reads_ballots_repeats_and_options():
    read = parse_starvote(SAMPLE, "sample.starvote")
    profile = read.profile
    assert profile.candidates == ("Amy", "Brian", "Chuck")
    assert profile.scale == (0, 5) and profile.kind == "score"
    assert int(profile.weights.sum()) == 7  # 4 written ballots, one of them cast 3 times, + 1
    # hand totals: Amy 1+1+1+3 = 6; Brian 2+5+3+9 = 19; Chuck 5+3+3+9+5 = 25
    assert totals(profile) == {"Amy": 6, "Brian": 19, "Chuck": 25}
    assert read.options["tiebreaker"] == ["Chuck", "Amy", "Brian"]
    assert read.options["seats"] == "1" and read.options["method"] == "star"


def test_maximum_score_sets_the_scale_and_unmentioned_candidates_are_unscored():
    text = "[options]\nmaximum score = 10\n[ballots]\nA = 10\nB = 0\n\nA = 7\n"
    profile = parse_starvote(text).profile
    assert profile.scale == (0, 10)
    rows = {tuple(r) for r in profile.scores.tolist()}
    assert (10, 0) in rows and any(r[0] == 7 and r[1] < 0 for r in rows)


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("[ballots]\nA = 6\n", 2, "A", "outside the scale 0 to 5"),
        ("[ballots]\nA = x\n", 2, "A", "not a whole-number score"),
        ("[ballots]\nA = 1\nA = 2\n", 3, "A", "scored twice"),
        ("[ballots]\nA 1\n", 2, None, "expected 'Candidate = score'"),
        ("[options]\ncolour = red\n", 2, None, "unknown option"),
        ("[options]\nseats = two\n", 2, "seats", "not a whole number"),
        ("[votes]\n", 1, None, "unexpected section"),
        ("A = 1\n", 1, None, "before an [options] or [ballots] section"),
        ("[options]\ntiebreaker = [\nA\n", 3, None, "never closed"),
        ("[ballots]\n", 1, None, "no ballots"),
    ],
)
def test_bad_files_name_line_and_field(text, line, field, message):
    with pytest.raises(BallotFileError, match=re.escape(message)) as err:
        parse_starvote(text, "bad.starvote")
    assert err.value.line == line and err.value.field == field
    assert str(err.value).startswith(f"bad.starvote:{line}")


def test_tabulate_counts_a_starvote_file_by_star(tmp_path: Path, capsys):
    path = tmp_path / "poll.starvote"
    path.write_text(SAMPLE, encoding="utf-8")
    assert read_scores(path).candidates == ("Amy", "Brian", "Chuck")
    try:
        main(["tabulate", str(path), "--format", "json"])
    except SystemExit as exc:  # pragma: no cover - a failure shows the message
        assert not exc.code
    doc = json.loads(capsys.readouterr().out)
    assert doc["method"] == "star"
    # runoff Brian v Chuck: Chuck preferred on 2 ballots, Brian on 1, 4 equal
    assert doc["winners"] == ["Chuck"]
