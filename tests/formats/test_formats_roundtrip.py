"""Parse -> write -> parse is the identity, for CSV and BLT, on random awkward profiles."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shortlist.formats import read_ballots, write_blt, write_csv
from shortlist.formats.blt import parse_blt
from shortlist.formats.csv import parse_csv
from shortlist.methods.ballots import Profile

AWKWARD = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(",\"=\\#/*[]()-0123 'é漢😀")),
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
    ),
    min_size=1,
    max_size=8,
).filter(lambda name: name == name.strip() and name)


@st.composite
def profiles(draw: st.DrawFn) -> tuple[Profile, str]:
    names = draw(st.lists(AWKWARD, min_size=1, max_size=5, unique=True))
    rank = st.one_of(st.none(), st.sampled_from(names))
    if len(names) > 1:
        several = st.lists(st.sampled_from(names), min_size=2, max_size=3, unique=True)
        rank = st.one_of(rank, several)
    ballots = draw(st.lists(st.lists(rank, max_size=5), max_size=8))
    weights = draw(st.lists(st.integers(1, 2**40), min_size=len(ballots), max_size=len(ballots)))
    withdrawn = draw(st.lists(st.sampled_from(names), unique=True, max_size=2))
    profile = Profile.from_rankings(ballots, candidates=names, weights=weights, withdrawn=withdrawn)
    title = draw(st.one_of(st.just(""), AWKWARD))
    return profile, title


def as_sets(profile: Profile) -> dict[tuple[frozenset[str] | None, ...], int]:
    """The ballots with each rank as a set of names (the order inside a rank means nothing)."""
    ballots: Counter[tuple[frozenset[str] | None, ...]] = Counter()
    for ranks, weight in profile.rankings():
        ballots[tuple(None if r is None else frozenset(r) for r in ranks)] += weight
    return dict(ballots)


def assert_same(a: Profile, b: Profile, *, exactly: bool) -> None:
    assert a.candidates == b.candidates
    assert a.withdrawn == b.withdrawn
    assert as_sets(a) == as_sets(b)
    if exactly:
        assert np.array_equal(a.ranks, b.ranks)
        assert np.array_equal(a.weights, b.weights)
        assert a.multi == b.multi


def csv_round(profile: Profile, weights: bool = True) -> Profile:
    out = io.StringIO()
    write_csv(profile, out, weights=weights)
    return parse_csv(out.getvalue(), "r.csv").profile


def blt_round(profile: Profile, seats: int, title: str) -> tuple[Profile, int | None, str]:
    out = io.StringIO()
    write_blt(profile, out, seats=seats, title=title)
    ballots = parse_blt(out.getvalue(), "r.blt")
    return ballots.profile, ballots.seats, ballots.title


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_csv_parse_write_parse_is_the_identity(drawn: tuple[Profile, str]) -> None:
    profile, _ = drawn
    once = csv_round(profile)
    assert_same(profile, once, exactly=False)
    assert_same(once, csv_round(once), exactly=True)


@settings(max_examples=150, deadline=None)
@given(profiles(), st.integers(0, 9))
def test_blt_parse_write_parse_is_the_identity(drawn: tuple[Profile, str], seats: int) -> None:
    profile, title = drawn
    once, read_seats, read_title = blt_round(profile, seats, title)
    assert (read_seats, read_title) == (seats, title)
    assert_same(profile, once, exactly=False)
    assert_same(once, blt_round(once, seats, title)[0], exactly=True)


@settings(max_examples=40, deadline=None)
@given(profiles())
def test_csv_one_row_per_ballot_reads_back_the_same(drawn: tuple[Profile, str]) -> None:
    profile, _ = drawn
    small = Profile(
        profile.candidates,
        profile.ranks,
        np.minimum(profile.weights, 3),
        profile.multi,
        profile.withdrawn,
    )
    assert_same(small, csv_round(small, weights=False), exactly=False)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(profiles())
def test_files_on_disk_round_trip_through_read_ballots(
    tmp_path: Path, drawn: tuple[Profile, str]
) -> None:
    profile, title = drawn
    write_csv(profile, tmp_path / "p.csv")
    write_blt(profile, tmp_path / "p.blt", seats=1, title=title)
    assert_same(profile, read_ballots(tmp_path / "p.csv").profile, exactly=False)
    assert_same(profile, read_ballots(tmp_path / "p.blt").profile, exactly=False)
