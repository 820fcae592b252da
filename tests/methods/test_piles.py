"""Piles: the plain advance (one mark a cell, skips not limited) moves rows exactly as the
general one does."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.methods.ballots import SKIP, Profile
from shortlist.methods.piles import Piles


@st.composite
def profiles_and_removals(draw: st.DrawFn) -> tuple[Profile, list[list[int]]]:
    n_candidates = draw(st.integers(2, 7))
    width = draw(st.integers(1, 6))
    cell = st.one_of(st.just(SKIP), st.integers(0, n_candidates - 1))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=30))
    weights = draw(st.lists(st.integers(1, 9), min_size=len(rows), max_size=len(rows)))
    names = tuple(f"C{i}" for i in range(n_candidates))
    profile = Profile(names, np.array(rows, dtype=np.int32), np.array(weights, dtype=np.int64))
    order = draw(st.permutations(range(n_candidates)))
    cuts = sorted(draw(st.sets(st.integers(1, n_candidates - 1), max_size=n_candidates - 1)))
    removals = [
        list(order[a:b])
        for a, b in zip([0, *cuts], [*cuts, n_candidates - 1], strict=True)
        if a < b
    ]
    return profile, removals


@settings(max_examples=300, deadline=None)
@given(profiles_and_removals())
def test_the_plain_advance_moves_rows_as_the_general_one(
    case: tuple[Profile, list[list[int]]],
) -> None:
    profile, removals = case
    continuing = np.ones(profile.n_candidates, dtype=bool)
    plain = Piles(profile, continuing)
    # a limit on skipped ranks no ballot can reach: the general advance, same outcome
    general = Piles(profile, continuing, max_skips=profile.max_ranks + 1)
    for step in [[], *removals]:
        if step:
            moved_plain, before_plain = plain.remove(step)
            moved_general, before_general = general.remove(step)
            assert np.array_equal(moved_plain, moved_general)
            assert np.array_equal(before_plain, before_general)
        assert np.array_equal(plain.top, general.top)
        assert np.array_equal(plain.cursor, general.cursor)
        assert np.array_equal(plain.tally(), general.tally())
