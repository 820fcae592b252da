"""Plain CSV ballots read by grouping identical lines first: numpy only, no pyarrow.

Files whose cells are all at most 8 bytes are read cell by cell (:mod:`.csv_cells`). Others are
read here. Ballot files repeat themselves: a million lines hold a few thousand to a few hundred
thousand different ballots. So the lines are grouped before anything is split into cells:

1. find the line breaks;
2. group equal lines (:mod:`shortlist.formats.csv_groups`: lines of one length at a time, as
   columns of 8-byte words; a hash brings equal ones together and every line is then compared
   word for word with the first of its group, so a group only ever holds lines equal byte for
   byte, whatever the hash);
3. split only the first line of each group into cells, and group the cells: a cell of at most
   8 bytes is its own exact key, looked up among the keys of the first cells; longer cells are
   grouped like the lines;
4. hand the token codes of those rows, with their line counts as weights, to the same code that
   names candidates and builds the profile for the other readers.

This path reads only the layout the module :mod:`shortlist.formats.csv` calls regular: no
quotes anywhere in the ballots (a quote would change what a comma means), no NUL byte, no
carriage return other than in a CRLF line end, no row longer than the header, a whole number in
every weight cell, lines of at most :data:`MAX_LINE_BYTES`. Anything else raises
:class:`~shortlist.formats.csv._Irregular` and the file goes to the other paths, which also
report errors with their line.
"""

from __future__ import annotations

import io
import mmap
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shortlist.formats import prefetch
from shortlist.formats.ballotfile import CHUNK, BallotFile, Progress, is_number
from shortlist.formats.csv import (
    _HEAD_ROWS,
    MAX_WEIGHT,
    Codes,
    _ballot_file,
    _first_seen,
    _Irregular,
    _Layout,
    _layout_of_stream,
)
from shortlist.formats.csv_cells import LongCells, read_short_cells
from shortlist.formats.csv_groups import (
    _MASKS,
    Hasher,
    Indices,
    Offsets,
    distinct,
    group_strings,
    in_halves,
    mix_words,
)
from shortlist.formats.csv_groups import SPARE_BYTES as SPARE_WORD_BYTES

NUMPY_FIRST_BYTES = 64 << 20
"""Files up to this size are read here first, bigger ones by pyarrow first (at 10^7 ballots its
parser, on two threads, is faster than these readers and needs less memory)."""

MAX_LINE_BYTES = 256
"""Longer ballot lines are left to the other paths (each line costs a word per 8 bytes)."""

LINES_PER_PART = 1 << 21
"""Lines grouped at a time: bounds the memory of their words (96 MiB for 48-byte lines)."""

_SAMPLE_CELLS = 1 << 14
"""Cells whose distinct values are looked for first (a ballot file names few candidates)."""

SPARE_BYTES = MAX_LINE_BYTES + SPARE_WORD_BYTES + 8
"""Zero bytes after the text, so that every word of every line can be read without a check."""


# -- reading ---------------------------------------------------------------------------------


def read_csv_lines(
    path: str, size: int, progress: Progress | None = None, hasher: Hasher = mix_words
) -> BallotFile:
    """Read a regular plain-CSV ballot file by grouping its lines (see the module docstring)."""
    with open(path, "rb") as raw:
        layout, offset = _layout_of_stream(raw)
        if layout.width == 0:
            raise _Irregular
        taken = prefetch.take(path) if progress is None else None
        if taken is not None and taken.size == size and prefetch.SPARE_BYTES >= SPARE_BYTES:
            text, done, last = taken.text, taken.size, taken.last
        else:
            (text, done), last = _read_text(raw, size, progress), {}

    def holds(byte: bytes) -> bool:
        at = last[byte] if byte in last else text.rfind(byte, offset, done)
        return at >= offset

    if holds(b'"') or holds(b"\x00"):
        raise _Irregular  # quotes change what commas and line breaks mean; NUL pads the words
    crlf = holds(b"\r")
    data = np.frombuffer(text, dtype=np.uint8)
    if crlf and _lone_carriage_return(data[offset:done]):
        raise _Irregular  # a lone carriage return is a line break to the csv module
    if done - offset <= NUMPY_FIRST_BYTES:
        try:
            return read_short_cells(text, offset, done, crlf, layout, path)
        except LongCells:
            pass
    starts, lengths = _lines(data[offset:done], offset, crlf)
    lines = _distinct_lines(data, starts, lengths, hasher)
    return _from_distinct_lines(data, lines, layout, path, hasher)


def _lone_carriage_return(body: npt.NDArray[np.uint8]) -> bool:
    """Whether a CR in ``body`` is not followed by an LF."""
    returns = np.flatnonzero(body == ord("\r"))
    return bool(len(returns)) and (
        int(returns[-1]) == len(body) - 1 or bool((body[returns + 1] != ord("\n")).any())
    )


def _read_text(
    raw: io.BufferedReader, size: int, progress: Progress | None
) -> tuple[mmap.mmap, int]:
    """The file's bytes with :data:`SPARE_BYTES` zero bytes after them, and how many were read
    (in anonymous memory: the kernel zeroes each page as the read fills it)."""
    text = prefetch.anonymous_memory(size + SPARE_BYTES)
    raw.seek(0)
    done, view = 0, memoryview(text)
    while done < size:
        n = raw.readinto(view[done : min(done + CHUNK, size)])
        if not n:
            break
        done += n
        if progress is not None:
            progress(done, size)
    del view
    return text, done


def _lines(
    body: npt.NDArray[np.uint8], offset: int, crlf: bool
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Where each non-empty line starts (in the whole file) and how long it is, without LF/CRLF."""
    pieces: list[npt.NDArray[np.int64]] = [np.zeros(0, np.int64)] * 2

    def find(part: slice) -> None:
        found = np.flatnonzero(body[part] == ord("\n"))
        found += part.start
        pieces[0 if part.start == 0 else 1] = found

    in_halves(len(body), find)
    breaks = np.concatenate(pieces)
    ends = breaks if len(body) == 0 or body[-1] == ord("\n") else np.append(breaks, len(body))
    starts = np.empty(len(ends), dtype=np.int64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    if crlf:
        ends = ends - (body[np.maximum(ends - 1, 0)] == ord("\r"))
    lengths = ends - starts
    kept = lengths > 0
    if not bool(kept.all()):
        starts, lengths = starts[kept], lengths[kept]
    if len(starts) == 0 or int(lengths.max()) > MAX_LINE_BYTES:
        raise _Irregular
    starts += offset
    return starts, lengths


@dataclass
class Lines:
    """Distinct lines: where each starts, how long it is, how many lines it stands for, and the
    number of the first line it stands for."""

    starts: Offsets
    lengths: Offsets
    counts: npt.NDArray[np.int64]
    first: Indices


def _distinct_lines(
    data: npt.NDArray[np.uint8], starts: Offsets, lengths: Offsets, hasher: Hasher
) -> Lines:
    """The distinct lines and how many lines each stands for.

    A big file is grouped a part at a time (to bound the memory), then the parts' distinct
    lines are grouped again.
    """
    found: list[Lines] = []
    for part in range(0, len(starts), LINES_PER_PART):
        these = slice(part, part + LINES_PER_PART)
        groups = group_strings(data, starts[these], lengths[these], hasher)
        first = groups.first
        found.append(Lines(starts[these][first], lengths[these][first], groups.sizes, first + part))
    if len(found) == 1:
        return found[0]
    columns = zip(*((f.starts, f.lengths, f.counts, f.first) for f in found), strict=True)
    every = Lines(*(np.concatenate(column) for column in columns))
    groups = group_strings(data, every.starts, every.lengths, hasher)
    counts = np.zeros(len(groups.first), dtype=np.int64)
    np.add.at(counts, groups.of_row, every.counts)
    first = np.full(len(groups.first), len(starts), dtype=np.intp)
    np.minimum.at(first, groups.of_row, every.first)
    return Lines(every.starts[groups.first], every.lengths[groups.first], counts, first)


# -- from distinct lines to token codes ------------------------------------------------------


@dataclass
class _Cells:
    """The cells of the distinct lines: the row, field, and group of equal cells of each."""

    row: Indices
    field: Indices
    group: Indices
    texts: list[str]
    fields_per_row: npt.NDArray[np.int64]


def _cells(data: npt.NDArray[np.uint8], lines: Lines, hasher: Hasher) -> _Cells:
    """Split the distinct lines at their commas and group equal cells."""
    flat, width = _padded(data, lines)
    ends = np.flatnonzero(flat == ord(","))
    row = ends // width
    starts = np.empty_like(ends)
    starts[1:] = ends[:-1] + 1
    first_in_row = np.empty(len(ends), dtype=bool)
    first_in_row[:1] = True
    np.not_equal(row[1:], row[:-1], out=first_in_row[1:])
    starts[first_in_row] = row[first_in_row] * width
    sizes = ends - starts
    if int(sizes.max()) <= 8:
        group, texts = _short_cells(flat, starts, sizes)
    else:
        groups = group_strings(flat, starts, sizes, hasher)
        group = groups.of_row
        texts = [_text(flat[starts[c] : ends[c]]) for c in groups.first.tolist()]
    per_row = np.bincount(row, minlength=len(lines.starts)).astype(np.int64)
    field = np.arange(len(ends)) - (np.cumsum(per_row) - per_row)[row]
    return _Cells(row.astype(np.intp), field.astype(np.intp), group, texts, per_row)


def _padded(data: npt.NDArray[np.uint8], lines: Lines) -> tuple[npt.NDArray[np.uint8], int]:
    """The distinct lines as rows of bytes, each closed by a comma and padded with zeros."""
    starts, lengths = lines.starts, lines.lengths
    n_words = (int(lengths.max()) + 8) // 8
    at_any_byte = np.ndarray((len(data) - 7,), dtype=np.uint64, buffer=data, strides=(1,))
    steps = 8 * np.arange(n_words)
    words = at_any_byte[starts[:, None] + steps]
    kept = lengths[:, None] - steps
    np.clip(kept, 0, 8, out=kept)
    words &= _MASKS[kept]
    width = 8 * n_words
    flat = np.zeros(len(starts) * width + SPARE_WORD_BYTES, dtype=np.uint8)
    padded = flat[: len(starts) * width].reshape(len(starts), width)
    padded[:] = words.view(np.uint8).reshape(len(starts), width)
    padded[np.arange(len(starts)), lengths] = ord(",")  # after the last cell of each line
    return flat, width


def _short_cells(
    flat: npt.NDArray[np.uint8], starts: Offsets, sizes: Offsets
) -> tuple[Indices, list[str]]:
    """Cells of at most 8 bytes: each one's word is its exact key (no NUL byte in the file).

    The keys are looked up in the sorted distinct keys of the first cells, and of all cells only
    when some cell is not among those.
    """
    at_any_byte = np.ndarray((len(flat) - 7,), dtype=np.uint64, buffer=flat, strides=(1,))
    keys = at_any_byte[starts]
    keys &= _MASKS[sizes]
    known = distinct(keys[:_SAMPLE_CELLS])
    group = np.searchsorted(known, keys)
    np.minimum(group, len(known) - 1, out=group)
    if not bool((known[group] == keys).all()):
        known, group = np.unique(keys, return_inverse=True)
    texts = [_text(np.frombuffer(k.tobytes(), dtype=np.uint8)) for k in known]
    return group.astype(np.intp), [t.rstrip("\x00") for t in texts]


def _text(cell: npt.NDArray[np.uint8]) -> str:
    try:
        return cell.tobytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None


def _from_distinct_lines(
    data: npt.NDArray[np.uint8], lines: Lines, layout: _Layout, path: str, hasher: Hasher
) -> BallotFile:
    """Token codes of the distinct lines, their weights, and then the profile."""
    counts = lines.counts
    cells = _cells(data, lines, hasher)
    if layout.header is not None and int(cells.fields_per_row.max()) > layout.width:
        raise _Irregular  # the careful path says which row is too long
    weights = counts
    column = layout.weight_column
    ranked = np.ones(len(cells.row), dtype=bool)
    if column is not None:
        weights = _weights(cells, column)
        if int(weights.max(initial=0)) * int(counts.sum()) >= MAX_WEIGHT:
            raise _Irregular  # sums this big are for the careful path
        weights *= counts
        ranked = cells.field != column
    rows, fields, groups = cells.row[ranked], cells.field[ranked], cells.group[ranked]
    if column is not None:
        fields = fields - (fields > column)
    token_of = np.zeros(len(cells.texts), dtype=np.int32)
    tokens = [""]
    for g in np.flatnonzero(np.bincount(groups, minlength=len(cells.texts))).tolist():
        if cells.texts[g]:
            token_of[g] = len(tokens)
            tokens.append(cells.texts[g])
    codes: Codes = np.zeros((len(counts), int(fields.max(initial=0)) + 1), dtype=np.int32)
    codes[rows, fields] = token_of[groups]
    present = int(np.count_nonzero(np.bincount(codes.reshape(-1), minlength=len(tokens))))
    head = np.flatnonzero(lines.first < _HEAD_ROWS)  # the lines among the first lines
    order = _first_seen(codes[head[np.argsort(lines.first[head])]], len(tokens))
    if len(order) < present:
        order = _first_seen(codes[np.argsort(lines.first)], len(tokens))
    return _ballot_file(tokens, codes, weights, order, layout, path, None)


def _weights(cells: _Cells, column: int) -> npt.NDArray[np.int64]:
    """Each distinct line's weight cell as a number; anything else is for the careful path."""
    if int(cells.fields_per_row.min()) <= column:
        raise _Irregular
    values = np.zeros(len(cells.texts), dtype=np.int64)
    weighing = cells.field == column
    for g in distinct(cells.group[weighing]).tolist():
        text = cells.texts[g].strip()
        if not is_number(text) or int(text) >= MAX_WEIGHT:
            raise _Irregular
        values[g] = int(text)
    weights: npt.NDArray[np.int64] = values[cells.group[weighing]]
    return weights
