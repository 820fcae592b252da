"""Grouping equal byte strings (lines, cells) with numpy: rows of words, a hash, a sort, a check.

Each string becomes a row of 8-byte words, zero past its end. Rows are sorted by a hash (with
the row's number in the low bits of the sort key, so that one plain ``np.sort`` both brings
equal hashes together and keeps them in file order), and every row is then compared word for
word with the first row of its hash. A row that differs (two texts whose hashes collided) is
grouped again among the other such rows, until none is left. So a group only ever holds equal
strings whatever the hash; the hash only decides how much work is done.

The big steps run on two threads, each on half the rows: numpy lets go of the GIL while it
works on arrays.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Words = npt.NDArray[np.uint64]
Hasher = Callable[[Sequence[Words]], Words]
Indices = npt.NDArray[np.intp]
Offsets = npt.NDArray[np.int64]
TValue = TypeVar("TValue", bound=np.generic)

SPARE_BYTES = 8
"""Bytes :func:`words_of` may read past the end of the longest string (they must be there)."""

TWO_THREADS_FROM = 1 << 15
"""Rows from which the big steps are cut in two halves, one per thread."""

_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
"""``_MASKS[k]`` keeps the first ``k`` bytes of a little-endian word."""
_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
        0xBF58476D1CE4E5B9,
    ],
    dtype=np.uint64,
)


def mix_words(columns: Sequence[Words]) -> Words:
    """A 64-bit hash of each row, given its words column by column (its high bits mix best)."""
    hashes: Words = columns[0] * _MULTIPLIERS[0]
    for j, column in enumerate(columns[1:], start=1):
        hashes ^= hashes >> np.uint64(29)
        hashes += column * _MULTIPLIERS[j % len(_MULTIPLIERS)]
    hashes ^= hashes >> np.uint64(32)
    hashes *= _MULTIPLIERS[1]
    return hashes


def distinct(values: npt.NDArray[TValue]) -> npt.NDArray[TValue]:
    """The sorted distinct values (``np.unique`` without its check for masked arrays, which
    imports ``numpy.ma``: ~0.02 s of start-up)."""
    found: npt.NDArray[TValue] = np.unique(values, return_counts=True)[0]
    return found


def in_halves(n: int, work: Callable[[slice], None]) -> None:
    """``work`` on the first and the second half of ``range(n)``, on two threads when it pays."""
    if n < TWO_THREADS_FROM:
        work(slice(0, n))
        return
    errors: list[BaseException] = []

    def second() -> None:
        try:
            work(slice(n // 2, n))
        except BaseException as exc:  # raised again in the caller's thread
            errors.append(exc)

    helper = threading.Thread(target=second, daemon=True)
    helper.start()
    try:
        work(slice(0, n // 2))
    finally:
        helper.join()
    if errors:
        raise errors[0]


def each_on_two_threads(count: int, work: Callable[[int], None]) -> None:
    """``work(0)``, ..., ``work(count - 1)``, two at a time (in any order); errors raised again."""
    todo = iter(range(count))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while not errors:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            try:
                work(i)
            except BaseException as exc:  # raised again in the caller's thread
                errors.append(exc)

    helper = threading.Thread(target=worker, daemon=True) if count > 1 else None
    if helper is not None:
        helper.start()
    worker()
    if helper is not None:
        helper.join()
    if errors:
        raise errors[0]


def columns_of_length(flat: npt.NDArray[np.uint8], starts: Offsets, length: int) -> list[Words]:
    """The byte strings ``flat[start : start + length]`` (all as long) as columns of words.

    A string is cut into 8-byte words from its start, its last word being its last 8 bytes
    (overlapping the word before when the length is not a multiple of 8), so that no word
    holds a byte from outside the string and equal strings give equal words. A string shorter
    than 8 bytes is one word, zero past its end (``flat`` must hold 8 bytes after each start).
    """
    at_any_byte = np.ndarray((len(flat) - 7,), dtype=np.uint64, buffer=flat, strides=(1,))
    if length < 8:
        word: Words = at_any_byte[starts]
        word &= _MASKS[max(length, 0)]
        return [word]
    steps = [min(8 * j, length - 8) for j in range((length + 7) // 8)]
    columns = [np.empty(len(starts), dtype=np.uint64) for _ in steps]

    def fill(part: slice) -> None:
        for step, column in zip(steps, columns, strict=True):
            column[part] = at_any_byte[starts[part] + step]

    in_halves(len(starts), fill)
    return columns


@dataclass
class Groups:
    """Equal strings: each group's first string, and every string's group.

    Every group holds equal strings only, and equal strings are always in one group. Groups
    are in no particular order; ``first`` is the smallest index in each.
    """

    first: Indices
    of_row: Indices

    @property
    def sizes(self) -> npt.NDArray[np.int64]:
        """How many strings each group holds."""
        return np.bincount(self.of_row, minlength=len(self.first)).astype(np.int64)


def group_strings(
    flat: npt.NDArray[np.uint8], starts: Offsets, lengths: Offsets, hasher: Hasher = mix_words
) -> Groups:
    """Group the equal byte strings ``flat[start : start + length]``.

    Strings of different lengths are never equal, so each length is grouped on its own: its
    strings are columns of a fixed number of words that hold nothing but the strings' bytes.
    """
    n = len(starts)
    by_length = np.argsort(lengths.astype(np.uint16), kind="stable")
    ordered = lengths[by_length]
    bounds = [0, *(np.flatnonzero(ordered[1:] != ordered[:-1]) + 1).tolist(), n]
    of_row = np.empty(n, dtype=np.intp)
    firsts: list[Indices] = []
    count = 0
    for lo, hi in itertools.pairwise(bounds):
        if lo == hi:
            continue
        rows = by_length[lo:hi]
        if ordered[lo] == 0:  # empty strings: one group
            of_row[rows] = count
            firsts.append(rows[:1])
            count += 1
            continue
        columns = columns_of_length(flat, starts[rows], int(ordered[lo]))
        first, local = group_columns(columns, hasher)
        local += count
        of_row[rows] = local
        firsts.append(rows[first])
        count += len(first)
    return Groups(np.concatenate(firsts) if firsts else np.zeros(0, np.intp), of_row)


def group_columns(columns: Sequence[Words], hasher: Hasher = mix_words) -> tuple[Indices, Indices]:
    """Group equal rows of words given column by column: each group's first row, each row's group.

    ``hasher`` only brings candidates together; every row is compared with its group's first.
    """
    n = len(columns[0])
    hashes = np.empty(n, dtype=np.uint64)

    def hash_part(part: slice) -> None:
        hashes[part] = hasher([column[part] for column in columns])

    in_halves(n, hash_part)
    order, hashes = _sorted_by_hash(hashes)
    cut = _cuts(hashes)
    of_row = np.empty(n, dtype=np.intp)
    of_row[order] = np.cumsum(cut, dtype=np.intp) - 1
    first = order[cut]
    same = _same_as_first(columns, first, of_row)
    if not bool(same.all()):
        first = _split_collisions(columns, order, hashes, ~same[order], of_row, first)
    return first, of_row


def _sorted_by_hash(hashes: Words) -> tuple[Indices, Words]:
    """Row numbers sorted by hash (equal hashes in row order), and the hashes' high bits."""
    n = len(hashes)
    bits = np.uint64(max(n - 1, 1).bit_length())
    keys = hashes >> bits
    keys <<= bits
    keys |= np.arange(n, dtype=np.uint64)
    keys.sort()
    order = (keys & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.intp)
    keys >>= bits
    return order, keys


def _cuts(sorted_hashes: Words) -> npt.NDArray[np.bool_]:
    """Where a new hash starts in a sorted run of hashes."""
    cut = np.empty(len(sorted_hashes), dtype=bool)
    cut[:1] = True
    np.not_equal(sorted_hashes[1:], sorted_hashes[:-1], out=cut[1:])
    return cut


def _same_as_first(
    columns: Sequence[Words], first: Indices, of_row: Indices
) -> npt.NDArray[np.bool_]:
    """Whether each row equals the first row of its group, word for word."""
    same = np.empty(len(of_row), dtype=bool)
    firsts = [column[first] for column in columns]

    def check(part: slice) -> None:
        groups = of_row[part]
        differ = columns[0][part] ^ firsts[0][groups]
        for column, heads in zip(columns[1:], firsts[1:], strict=True):
            differ |= column[part] ^ heads[groups]
        np.equal(differ, 0, out=same[part])

    in_halves(len(of_row), check)
    return same


def _split_collisions(
    columns: Sequence[Words],
    order: Indices,
    hashes: Words,
    pending: npt.NDArray[np.bool_],
    of_row: Indices,
    first: Indices,
) -> Indices:
    """Give the rows unlike the first row of their hash groups of their own; all the firsts.

    ``order``, ``hashes`` and ``pending`` are in hash order. Each pass settles, in every hash
    group, the rows equal to its first pending row, so the passes end.
    """
    firsts = [first]
    count = len(first)
    order, hashes = order[pending], hashes[pending]
    while len(order):
        cut = _cuts(hashes)
        local = np.cumsum(cut, dtype=np.intp) - 1
        heads = order[cut][local]
        same = np.ones(len(order), dtype=bool)
        for column in columns:
            same &= column[order] == column[heads]
        of_row[order[same]] = count + local[same]
        firsts.append(order[cut])
        count += int(cut.sum())
        order, hashes = order[~same], hashes[~same]
    return np.concatenate(firsts)
