"""PrefLib reader: the corpus's .soc files, ties, incomplete orders, the old format, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from shortlist.errors import BallotFileError
from shortlist.formats import read_ballots
from shortlist.formats.preflib import parse_preflib

CASES = Path(__file__).resolve().parents[1] / "cases"
PREFLIB_FILES = sorted(CASES.rglob("*.soc"))


def header(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            values[key.strip()] = value.strip()
    return values


def test_the_corpus_has_preflib_files() -> None:
    assert len(PREFLIB_FILES) >= 30


@pytest.mark.parametrize("path", PREFLIB_FILES, ids=lambda p: p.name)
def test_every_corpus_file_matches_its_header(path: Path) -> None:
    stated = header(path)
    ballots = read_ballots(path)
    profile = ballots.profile
    assert ballots.format == "preflib"
    assert profile.n_candidates == int(stated["NUMBER ALTERNATIVES"])
    assert profile.total_weight == int(stated["NUMBER VOTERS"])
    assert profile.n_rows == int(stated["NUMBER UNIQUE ORDERS"])
    # strict and complete: every row ranks every alternative once
    assert all(
        sorted(r[0] for r in ranks if r) == sorted(profile.candidates)
        for ranks, _ in profile.rankings()
    )


def test_ties_and_incomplete_orders() -> None:
    text = (
        "# FILE NAME: t.toi\n# TITLE: Tied\n# DATA TYPE: toi\n# NUMBER ALTERNATIVES: 4\n"
        "# NUMBER VOTERS: 20\n# NUMBER UNIQUE ORDERS: 3\n"
        "# ALTERNATIVE NAME 1: Alpha\n# ALTERNATIVE NAME 2: Beta\n"
        "# ALTERNATIVE NAME 3: Gamma\n# ALTERNATIVE NAME 4: Delta\n"
        "13: 1, {4, 3}, 2\n5: 2\n2: {1,2,3,4}\n"
    )
    ballots = parse_preflib(text, "t.toi")
    assert ballots.title == "Tied"
    assert ballots.profile.candidates == ("Alpha", "Beta", "Gamma", "Delta")
    assert dict(ballots.profile.rankings()) == {
        (("Alpha",), ("Gamma", "Delta"), ("Beta",)): 13,
        (("Beta",),): 5,
        (("Alpha", "Beta", "Gamma", "Delta"),): 2,
    }


def test_the_old_format() -> None:
    text = "3\n1,Ann\n2,Bob, Jr.\n3,Cy\n6,6,3\n3,1,2,3\n2,2,{1,3}\n1,3\n"
    profile = parse_preflib(text, "old.soi").profile
    assert profile.candidates == ("Ann", "Bob, Jr.", "Cy")
    assert dict(profile.rankings()) == {
        (("Ann",), ("Bob, Jr.",), ("Cy",)): 3,
        (("Bob, Jr.",), ("Ann", "Cy")): 2,
        (("Cy",),): 1,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# ALTERNATIVE NAME 1: A\n2: 1, 5\n", "p.soc:2: alternative '5' is not named"),
        ("# ALTERNATIVE NAME 1: A\nx: 1\n", "p.soc:2: count 'x' is not a whole number"),
        ("# ALTERNATIVE NAME 1: A\n2 1\n", "p.soc:2: expected 'count: order'"),
        (
            "# NUMBER VOTERS: 5\n# ALTERNATIVE NAME 1: A\n2: 1\n",
            "p.soc:1: the header says 5 voters, the counts add up to 2",
        ),
        ("2\n1,A\n2,A\n1,1,1\n1,1\n", "two alternatives have the same name"),
    ],
)
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(BallotFileError) as caught:
        parse_preflib(text, "p.soc")
    assert message in str(caught.value)
