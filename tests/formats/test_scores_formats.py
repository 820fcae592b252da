"""Score, approval and single-choice files: CSV and PrefLib .cat, and their errors."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.errors import BallotFileError
from shortlist.formats import scores as fmt
from shortlist.formats.scores import parse_cat, parse_csv, read_scores, write_scores_csv
from shortlist.methods import registry
from shortlist.methods.scored import UNSCORED, ScoreProfile

SCORES = """# kind: score
# scale: 6-10
weight,group,Film A,Film B,Film C
2,0,8,,10
1,0,6,7,
1,1,,9,9
"""


def test_score_csv_with_weights_groups_and_not_seen():
    profile = parse_csv(SCORES, "s.csv")
    assert profile.candidates == ("Film A", "Film B", "Film C")
    assert profile.scale == (6, 10) and profile.kind == "score"
    assert profile.total_weight == 4
    rows = {tuple(r): int(w) for r, w in zip(profile.scores.tolist(), profile.weights, strict=True)}
    assert rows[(8, UNSCORED, 10)] == 2  # "not seen" is not the lowest score
    assert sorted(profile.groups.tolist()) == [0, 0, 1]
    result = registry.count(profile, "score-average", {"seats": 2})
    assert dict(result.rounds[0].tally) == {
        "Film A": Fraction(22, 3),
        "Film B": 8,
        "Film C": Fraction(29, 3),
    }


def test_score_outside_the_scale_names_file_line_and_field():
    bad = SCORES.replace("1,0,6,7,", "1,0,6,11,")
    with pytest.raises(BallotFileError) as err:
        parse_csv(bad, "s.csv")
    assert (err.value.path, err.value.line, err.value.field) == ("s.csv", 5, "Film B")
    assert "outside the scale 6 to 10" in str(err.value)
    assert str(err.value).startswith("s.csv:5, field 'Film B'")


def test_approval_ballot_with_a_rank_is_refused():
    text = "A,B,C\n1,,x\n1,2,\n"
    with pytest.raises(BallotFileError) as err:
        parse_csv(text, "a.csv", kind="approval")
    assert (err.value.line, err.value.field) == (3, "B")
    assert "a rank" in str(err.value)


def test_approval_csv_counts():
    profile = parse_csv("# kind: approval\nA,B,C\n1,,x\nyes,0,\n,,1\n", "a.csv")
    assert profile.kind == "approval" and profile.scale == (0, 1)
    assert registry.count(profile, "approval").tied_winners == ("A", "C")
    assert dict(registry.count(profile, "approval").rounds[0].tally) == {"A": 2, "B": 0, "C": 2}


def test_single_choice_column_and_academy_co_winners():
    text = "# candidates: X, Y, Z\nchoice\nX\nY\nX\nY\n\nZ\n"
    profile = parse_csv(text, "c.csv")
    assert profile.kind == "choice" and profile.candidates == ("X", "Y", "Z")
    result = registry.count(profile, "plurality")
    assert result.winners == ("X", "Y") and result.tied_winners == ("X", "Y")
    assert result.rounds[0].tiebreaks[0].rule == "none"
    with pytest.raises(BallotFileError, match="not one of the listed") as err:
        parse_csv(text + "W\n", "c.csv")
    assert err.value.line == 9


def test_single_choice_with_two_marks_is_refused():
    with pytest.raises(BallotFileError, match="more than one") as err:
        parse_csv("# kind: choice\nA,B\n1,\n1,1\n", "c.csv")
    assert err.value.line == 4


def test_bad_scale_kind_weight_and_header():
    with pytest.raises(BallotFileError, match="scale") as err:
        parse_csv("# scale: ten\nA\n1\n", "s.csv")
    assert err.value.line == 1 and err.value.field == "scale"
    with pytest.raises(BallotFileError, match="kind 'ranks'"):
        parse_csv("# kind: ranks\nA\n1\n", "s.csv")
    with pytest.raises(BallotFileError, match="weight 'two'") as err:
        parse_csv("weight,A\ntwo,3\n", "s.csv")
    assert err.value.field == "weight"
    with pytest.raises(BallotFileError, match="'A' twice"):
        parse_csv("A,A\n1,2\n", "s.csv")
    with pytest.raises(BallotFileError, match="not a whole number"):
        parse_csv("A\n7.5\n", "s.csv")


CAT = """# FILE NAME: test.cat
# DATA TYPE: cat
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
# NUMBER CATEGORIES: 2
# CATEGORY NAME 1: Yes
# CATEGORY NAME 2: No
3: {1,2}, {3}
2: 3, {1}
1: {}, {}
"""


def test_preflib_cat_two_categories_is_approval():
    profile = parse_cat(CAT, "t.cat")
    assert profile.kind == "approval" and profile.candidates == ("Ann", "Bob", "Cy")
    tally = dict(registry.count(profile, "approval").rounds[0].tally)
    assert tally == {"Ann": 3, "Bob": 3, "Cy": 2}


def test_preflib_cat_three_categories_are_scores_and_errors():
    text = CAT.replace("CATEGORIES: 2", "CATEGORIES: 3").replace("{3}\n", "{3}, {}\n")
    text = text.replace("2: 3, {1}", "2: 3, {1}, {2}").replace("1: {}, {}", "1: {}, {}, {}")
    profile = parse_cat(text, "t.cat")
    assert profile.scale == (0, 2) and profile.kind == "score"
    assert dict(registry.count(profile, "score-sum").rounds[0].tally) == {
        "Ann": 3 * 2 + 2 * 1,
        "Bob": 3 * 2,
        "Cy": 3 * 1 + 2 * 2,
    }
    with pytest.raises(BallotFileError) as err:
        parse_cat(CAT.replace("2: 3, {1}", "2: 3, {1}, {2}"), "t.cat")
    assert (err.value.line, err.value.field) == (11, "categories")
    with pytest.raises(BallotFileError) as err:
        parse_cat(CAT.replace("2: 3, {1}", "2: 3, {3}"), "t.cat")
    assert err.value.field == "category 2"


def test_read_scores_by_extension(tmp_path):
    (tmp_path / "t.cat").write_text(CAT)
    (tmp_path / "s.csv").write_text(SCORES)
    assert read_scores(tmp_path / "t.cat").kind == "approval"
    assert read_scores(tmp_path / "s.csv").scale == (6, 10)
    with pytest.raises(BallotFileError, match="cannot read"):
        read_scores(tmp_path / "missing.csv")


def test_big_file_takes_the_fast_path_and_agrees(monkeypatch):
    rng = np.random.default_rng(5)
    scores = rng.integers(6, 11, size=(300, 4))
    scores[rng.random((300, 4)) < 0.3] = -1
    lines = ["# scale: 6-10", "weight,A,B,C,D"]
    lines += [",".join(["2", *("" if v < 0 else str(v) for v in row)]) for row in scores]
    text = "\n".join(lines) + "\n"
    slow = parse_csv(text, "big.csv")
    monkeypatch.setattr(fmt, "FAST_PATH_BYTES", 10)
    careful = fmt._slow_rows
    monkeypatch.setattr(fmt, "_slow_rows", None)  # the fast path must not fall back here
    fast = parse_csv(text, "big.csv")
    monkeypatch.setattr(fmt, "_slow_rows", careful)
    assert np.array_equal(fast.scores, slow.scores)
    assert np.array_equal(fast.weights, slow.weights)
    lines[2 + 150] = "2,12,,,"  # row 151 (line 153) scores 12 on a 6-10 scale
    with pytest.raises(BallotFileError, match="outside the scale") as err:
        parse_csv("\n".join(lines) + "\n", "big.csv")
    assert (err.value.line, err.value.field) == (153, "A")


cell = st.one_of(st.just(UNSCORED), st.integers(6, 10))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.lists(cell, min_size=3, max_size=3), st.integers(1, 4)), min_size=1))
def test_write_then_read_is_the_identity(rows):
    profile = ScoreProfile(
        ("A", "B", "C"),
        np.array([r for r, _ in rows], dtype=np.int32),
        np.array([w for _, w in rows], dtype=np.int64),
        (6, 10),
    ).grouped()
    again = parse_csv(write_scores_csv(profile), "w.csv")
    assert np.array_equal(again.scores, profile.scores)
    assert np.array_equal(again.weights, profile.weights)
    assert again.candidates == profile.candidates and again.scale == profile.scale
