"""The edition document: the example passes; a broken copy lists every problem at once, each
with its file, field path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import EditionError
from shortlist.domain.model import (
    BallotKind,
    ElectorateKind,
    GateKind,
    Member,
    MemberStatus,
    PublicationMode,
    SlateSource,
)
from shortlist.domain.times import parse_instant

EXAMPLES = Path(__file__).parents[2] / "examples"
ACADEMY = EXAMPLES / "academy-95.toml"


def test_the_95th_academy_awards_edition_reads() -> None:
    edition = read_edition(ACADEMY)
    assert edition.key == "academy-95"
    assert [c.key for c in edition.categories] == [
        "live-action-short", "animated-short", "directing", "best-picture",
    ]  # fmt: skip
    short = edition.categories[0]
    assert short.entry("we-cry-together") is not None
    credits = short.entries[0].credits
    assert [(c.person, c.role) for c in credits][:3] == [
        ("Kendrick Lamar", "director"), ("Dave Free", "director"), ("Jake Schreier", "director"),
    ]  # fmt: skip
    prelim, nominations, final = short.rounds
    assert prelim.window.opens == parse_instant("2022-12-12T09:00 America/Los_Angeles")
    assert prelim.window.closes == parse_instant("2022-12-15T17:00 America/Los_Angeles")
    assert nominations.window.opens == parse_instant("2023-01-12T09:00 America/Los_Angeles")
    assert final.window.closes == parse_instant("2023-03-07T17:00 America/Los_Angeles")
    assert prelim.electorate.kind is ElectorateKind.BRANCHES
    assert set(prelim.electorate.branches) == {"shorts", "directors", "producers", "writers"}
    assert prelim.gate.kind is GateKind.MIN_VIEWED
    assert dict(prelim.rules) == {"seats": 15}
    assert nominations.slate.source is SlateSource.PREVIOUS
    assert final.electorate.kind is ElectorateKind.ALL_ACTIVE
    assert final.ballot.kind is BallotKind.SINGLE
    assert prelim.publication.mode is PublicationMode.ALPHABETICAL
    best_picture = edition.categories[-1]
    assert best_picture.rounds[-1].method == "academy-best-picture-irv"


def test_the_festival_edition_reads() -> None:
    edition = read_edition(EXAMPLES / "festival-2025.toml")
    jury = edition.categories[0].rounds[0]
    assert jury.ballot.kind is BallotKind.SCORE
    assert jury.electorate.kind is ElectorateKind.BRANCHES
    assert jury.publication.mode is PublicationMode.FULL


BROKEN = """\
[edition]
key = "Bad Key"
name = "Broken"
body = "Body"
timezone = "Mars/Olympus"
colour = "red"

[[branches]]
code = "a"
name = "A"

[[branches]]
code = "a"
name = "A again"

[[categories]]
key = "c"
name = "C"

  [[categories.entries]]
  key = "x"
  title = "X"
  credits = [{ person = "P", role = "director", member = "m9" }]

  [[categories.entries]]
  key = "x"
  title = "X again"

  [[categories.rounds]]
  key = "one"
  opens = "2023-01-12T09:00 America/Los_Angeles"
  closes = "2023-01-10T17:00 America/Los_Angeles"
  slate = "previous"
  electorate = { branches = ["nobody"] }
  gate = { min_viewed = 0 }
  ballot = { kind = "stars" }
  method = "irv"
  rules = { seats = 2, colour = "blue" }

  [[categories.rounds]]
  key = "two"
  opens = "2023-01-11T09:00"
  closes = "2023-01-20T17:00 UTC"
  method = "no-such-method"
  revision = "never"
  publication = { mode = "full", embargo = "2023-01-19T00:00 UTC" }
"""


def test_a_broken_edition_lists_every_problem() -> None:
    members = [Member("m1", "One", MemberStatus.ACTIVE)]
    with pytest.raises(EditionError) as caught:
        read_edition("broken.toml", members, text=BROKEN)
    found = {(p.path, p.line) for p in caught.value.problems}
    expected = {
        ("edition.key", 2),
        ("edition.timezone", 5),
        ("edition.colour", 6),
        ("branches[1].code", 13),
        ("categories[0].entries[0].credits[0].member", 23),
        ("categories[0].entries[1].key", 26),
        ("categories[0].rounds[0].closes", 32),
        ("categories[0].rounds[0].slate", 33),
        ("categories[0].rounds[0].electorate.branches", 34),
        ("categories[0].rounds[0].gate.min_viewed", 35),
        ("categories[0].rounds[0].ballot.kind", 36),
        ("categories[0].rounds[0].rules", 38),
        ("categories[0].rounds[1].opens", 42),
        ("categories[0].rounds[1].method", 44),
        ("categories[0].rounds[1].revision", 45),
        ("categories[0].rounds[1].publication.embargo", 46),
    }
    assert expected <= found, sorted(expected - found)
    assert all(p.file == "broken.toml" for p in caught.value.problems)
    text = str(caught.value)
    assert "broken.toml:44: categories[0].rounds[1].method: unknown method 'no-such-method'" in text
    assert "unknown time zone 'Mars/Olympus'" in text


def test_invalid_toml_names_its_line() -> None:
    with pytest.raises(EditionError) as caught:
        read_edition("x.toml", text='[edition]\nkey = "a"\nname = \n')
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "not valid TOML" in problem.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2022-12-12T09:00", "no time zone"),
        ("2022-12-12T09:00 Nowhere/City", "unknown time zone"),
        ("12/12/2022 9am", "not an instant"),
        ("2022-12-12T09:00+01:00 Europe/Paris", "both"),
    ],
)
def test_instants_must_say_where_their_clock_is(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_instant(text)
