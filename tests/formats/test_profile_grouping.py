"""Grouping the rows a reader builds: packed keys give np.unique(axis=0)'s answer, exactly."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from shortlist.methods.ballots import group_rows


def reference(ranks: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    uniq, inverse = np.unique(ranks, axis=0, return_inverse=True)
    summed = np.zeros(len(uniq), dtype=np.int64)
    np.add.at(summed, inverse.reshape(-1), weights)
    return uniq, summed


@st.composite
def rank_arrays(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    rows = draw(st.integers(1, 60))
    width = draw(st.integers(1, 40))
    low = draw(st.sampled_from([-1, -5, -300]))
    high = draw(st.sampled_from([3, 40, 5000, 2**30]))
    ranks = draw(hnp.arrays(np.int32, (rows, width), elements=st.integers(low, high)))
    ranks = ranks[draw(st.lists(st.integers(0, rows - 1), min_size=rows, max_size=2 * rows))]
    weights = draw(
        hnp.arrays(np.int64, (len(ranks),), elements=st.sampled_from([1, 2, 7, 2**40, 2**56]))
    )
    return ranks, weights


@settings(max_examples=200, deadline=None)
@given(rank_arrays())
def test_group_rows_is_np_unique_with_exact_sums(drawn: tuple[np.ndarray, np.ndarray]) -> None:
    ranks, weights = drawn
    rows, summed = group_rows(ranks, weights)
    expected_rows, expected_sums = reference(ranks, weights)
    assert np.array_equal(rows, expected_rows)
    assert summed.tolist() == expected_sums.tolist()
    assert rows.dtype == np.int32
    assert summed.dtype == np.int64
