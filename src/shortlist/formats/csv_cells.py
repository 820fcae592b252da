"""Plain CSV ballots whose every cell is at most 8 bytes, read cell by cell with numpy.

When no cell is longer than 8 bytes (``Cand07``, ``A=B``, a weight), a cell's bytes, zero past
its end, are one 64-bit word that *is* the cell: an exact key, no hash. The keys are looked up
among the sorted distinct keys of the first cells (a ballot file names few candidates), each
row's token codes are packed into one integer, and equal rows are grouped by sorting those.
Files with longer cells are read by grouping their lines instead
(:mod:`shortlist.formats.csv_lines`), which this module's caller falls back to.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from shortlist.formats.ballotfile import BallotFile, is_number
from shortlist.formats.csv import (
    _HEAD_ROWS,
    MAX_WEIGHT,
    Codes,
    _ballot_file,
    _first_seen,
    _Irregular,
    _Layout,
)
from shortlist.formats.csv_groups import _MASKS, _MULTIPLIERS, each_on_two_threads
from shortlist.methods.ballots import group_keys

KEY_BYTES = 8
MAX_BYTES = 64 << 20
"""Bigger files go to the line-grouping reader (here every row's tokens are kept at once)."""
CHUNK_BYTES = 1 << 20
"""Text read at a time (about 30,000 lines of ballots)."""


class LongCells(Exception):
    """A cell is longer than :data:`KEY_BYTES`: the file is for the line-grouping reader."""


def read_short_cells(
    text: bytearray, offset: int, end: int, crlf: bool, layout: _Layout, path: str
) -> BallotFile:
    """The ballots of ``text[offset:end]`` (no quote, no NUL, CR only before LF).

    The text is read a chunk of lines at a time, two chunks at once, so that the arrays stay
    small (in the cache, and reused rather than fresh memory for every step).
    """
    data = np.frombuffer(text, dtype=np.uint8)
    bounds = _chunks(text, offset, end)
    known = np.unique(_keys(data, bounds[0], bounds[1], crlf)[0])
    if len(known) >= 2**15:
        raise LongCells  # too varied for 16-bit tokens: the line-grouping reader takes it
    empty = _empty(known)
    tables: list[npt.NDArray[np.int16]] = [np.zeros((0, 1), np.int16)] * (len(bounds) - 1)

    def work(i: int) -> None:
        keys, row_ends = _keys(data, bounds[i], bounds[i + 1], crlf)
        place = _places(known, keys)
        if place is None:
            raise LongCells  # a cell not among the first chunk's: left to the other reader
        tables[i] = _table(place, row_ends, empty)

    each_on_two_threads(len(tables), work)
    width = max(t.shape[1] for t in tables)
    if layout.header is not None and width > layout.width:
        raise _Irregular  # the careful path says which row is too long
    table = np.full((sum(len(t) for t in tables), width), empty, dtype=np.int16)
    row = 0
    for t in tables:
        table[row : row + len(t), : t.shape[1]] = t
        row += len(t)
    if len(table) == 0:
        raise _Irregular
    return _profile(table, [_text(k) for k in known.tolist()], layout, path)


def _chunks(text: bytearray, offset: int, end: int) -> list[int]:
    """Chunk boundaries: about every :data:`CHUNK_BYTES`, each just after a line break."""
    bounds = [offset]
    at = offset + CHUNK_BYTES
    while at < end:
        at = text.find(b"\n", at, end)
        if at < 0:
            break
        bounds.append(at + 1)
        at += 1 + CHUNK_BYTES
    if bounds[-1] < end:
        bounds.append(end)
    return bounds if len(bounds) > 1 else [offset, end]


def _keys(
    data: npt.NDArray[np.uint8], start: int, end: int, crlf: bool
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """Each cell's key in ``data[start:end]``, and the index of each line's last cell."""
    starts, sizes, row_ends = _cells(data[start:end], crlf)
    if int(sizes.max(initial=0)) > KEY_BYTES:
        raise LongCells
    at_any_byte = np.ndarray((len(data) - 7,), dtype=np.uint64, buffer=data, strides=(1,))
    starts += start
    keys = at_any_byte[starts]
    keys &= _MASKS[sizes]
    return keys, row_ends


def _cells(body: npt.NDArray[np.uint8], crlf: bool) -> tuple[npt.NDArray[np.int64], ...]:
    """Each cell's start and size, and the index of each line's last cell (empty lines left out)."""
    ends = np.flatnonzero((body == ord(",")) | (body == ord("\n")))
    if len(body) and body[-1] != ord("\n"):
        ends = np.append(ends, len(body))
        breaks = np.append(body[ends[:-1]] == ord("\n"), True)
    else:
        breaks = body[ends] == ord("\n")
    starts = np.empty_like(ends)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    if crlf:
        ends = ends - (breaks & (body[np.maximum(ends - 1, 0)] == ord("\r")))
    sizes = ends - starts
    row_ends = np.flatnonzero(breaks)
    # an empty line is one empty cell between two line breaks: no ballot
    line_starts = np.empty_like(row_ends)
    line_starts[:1] = 0
    line_starts[1:] = row_ends[:-1] + 1
    empty = (row_ends == line_starts) & (sizes[row_ends] == 0)
    if bool(empty.any()):
        keep = np.ones(len(ends), dtype=bool)
        keep[row_ends[empty]] = False
        starts, sizes = starts[keep], sizes[keep]
        row_ends = np.flatnonzero(breaks[keep])
    return starts, sizes, row_ends


def _table(
    token: npt.NDArray[np.int64], row_ends: npt.NDArray[np.int64], empty: int
) -> npt.NDArray[np.int16]:
    """The cells' tokens as a table, one row per line; short rows padded with ``empty``."""
    per_row = np.diff(row_ends, prepend=-1)
    fields = int(per_row.max(initial=1))
    if bool((per_row == fields).all()):
        return token.astype(np.int16).reshape(len(row_ends), fields)
    table = np.full((len(row_ends), fields), empty, dtype=np.int16)
    row = np.repeat(np.arange(len(row_ends)), per_row)
    field = np.arange(len(token)) - np.repeat(row_ends - per_row + 1, per_row)
    table[row, field] = token
    return table


def _places(
    known: npt.NDArray[np.uint64], keys: npt.NDArray[np.uint64]
) -> npt.NDArray[np.int64] | None:
    """Each key's place among ``known`` through a perfect hash of the few known keys; ``None``
    when some key is not known (or no multiplier tried spreads the known keys apart)."""
    bits = np.uint64(max(len(known), 1).bit_length() + 2)
    for multiplier in _MULTIPLIERS:
        slots = (known * multiplier) >> (np.uint64(64) - bits)
        if len(np.unique(slots)) < len(known):
            continue
        table = np.zeros(1 << int(bits), dtype=np.int64)
        table[slots] = np.arange(len(known))
        place = keys * multiplier
        place >>= np.uint64(64) - bits
        found: npt.NDArray[np.int64] = table[place]
        if not bool((known[found] == keys).all()):
            return None
        return found
    return None


def _empty(known: npt.NDArray[np.uint64]) -> int:
    """The place of the empty cell's key (0) among the keys, or one past them."""
    place = int(np.searchsorted(known, 0))
    return place if place < len(known) and known[place] == 0 else len(known)


def _text(key: int) -> str:
    try:
        return key.to_bytes(8, "little").rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None


def _profile(
    table: npt.NDArray[np.int16], texts: list[str], layout: _Layout, path: str
) -> BallotFile:
    """Group the rows of token codes (weight column apart) and build the profile."""
    texts = [*texts, ""]  # the last token pads rows shorter than the longest
    column = layout.weight_column
    weights = None
    if column is not None:
        if column >= table.shape[1]:
            raise _Irregular
        weights = _weights(table[:, column], texts)
        table = np.delete(table, column, axis=1)
    base, width = len(texts), table.shape[1]
    if base**width >= 2**62:
        raise _Irregular  # the line-grouping reader handles files this varied
    keys = np.zeros(table.shape[0], dtype=np.int64)
    for j in range(width):
        keys *= base
        keys += table[:, j]
    if weights is None:
        distinct, counts = np.unique(keys, return_counts=True)
        summed = counts.astype(np.int64)
    else:
        distinct, summed = group_keys(keys, weights)
    codes: Codes = np.empty((len(distinct), width), dtype=np.int32)
    for j in range(width - 1, -1, -1):
        distinct, digit = np.divmod(distinct, base)
        codes[:, j] = digit
    present = len(np.unique(codes))
    order = _first_seen(table[:_HEAD_ROWS].astype(np.int32), len(texts))
    if len(order) < present:
        order = _first_seen(table.astype(np.int32), len(texts))
    return _ballot_file(texts, codes, summed, order, layout, path, None)


def _weights(cells: npt.NDArray[np.int16], texts: list[str]) -> npt.NDArray[np.int64]:
    values = np.zeros(len(texts), dtype=np.int64)
    for token in np.unique(cells).tolist():
        text = texts[token].strip()
        if not is_number(text) or int(text) >= MAX_WEIGHT:
            raise _Irregular
        values[token] = int(text)
    weights: npt.NDArray[np.int64] = values[cells]
    if int(weights.max(initial=0)) * len(weights) >= MAX_WEIGHT:
        raise _Irregular  # sums this big are for the careful path
    return weights
