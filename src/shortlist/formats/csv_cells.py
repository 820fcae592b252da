"""Plain CSV ballots whose every cell is at most 8 bytes, read cell by cell with numpy.

When no cell is longer than 8 bytes (``Cand07``, ``A=B``, a weight), a cell's bytes, zero past
its end, are one 64-bit word that *is* the cell: an exact key, no hash. Each key's token is
its place among the distinct keys of the first megabyte (a ballot file names few candidates;
all chunks' keys are gathered first only when a later chunk names someone new), found by a
perfect hash and checked; each row's tokens are packed into one integer, and equal rows are
grouped by sorting those. Files with longer cells (:class:`LongCells`) are read by grouping
their lines instead (:mod:`shortlist.formats.csv_lines`, this module's caller).
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from shortlist.errors import BallotFileError
from shortlist.formats.ballotfile import BallotFile, is_number
from shortlist.formats.csv import (
    _HEAD_ROWS,
    MAX_WEIGHT,
    Codes,
    _ballot_file,
    _first_seen,
    _Irregular,
    _Layout,
    _named_tokens,
    _NamedTokens,
)
from shortlist.formats.csv_groups import _MASKS, _MULTIPLIERS, distinct, each_on_two_threads
from shortlist.methods.ballots import SKIP, Profile, group_keys

KEY_BYTES = 8
CHUNK_BYTES = 1 << 20
"""Text read at a time (about 30,000 lines of ballots)."""
FIRST_CHUNK_BYTES = 1 << 17
"""The first chunk, whose keys are looked up first (a file naming a candidate only later is
read again with every chunk's keys: slower, not different)."""


class LongCells(Exception):
    """A cell is longer than :data:`KEY_BYTES` (or the cells are too varied to pack a row into
    one integer): the file is for the line-grouping reader."""


class _Unknown(Exception):
    """A cell is not among the known keys (those of the first chunk, then of every chunk)."""


def read_short_cells(
    text: mmap.mmap, offset: int, end: int, crlf: bool, layout: _Layout, path: str
) -> BallotFile:
    """The ballots of ``text[offset:end]`` (no quote, no NUL, CR only before LF).

    The text is read a chunk of lines at a time, two chunks at once, so that the arrays stay
    small (in the cache, and reused rather than fresh memory for every step). Each chunk's rows
    become integers (token codes as digits, least significant first, 0 for an empty cell, so
    that rows of different lengths compare as ballots), grouped at the end.
    """
    data = np.frombuffer(text, dtype=np.uint8)
    bounds = _chunks(text, offset, end)
    try:  # the candidates are nearly always all in the first chunk
        first = _keys(data, bounds[0], bounds[1], crlf)
        return _read(data, bounds, crlf, _Lookup(distinct(first[0])), layout, path, first)
    except _Unknown:
        pass
    found: list[npt.NDArray[np.uint64]] = [np.zeros(0, np.uint64)] * (len(bounds) - 1)

    def collect(i: int) -> None:
        found[i] = distinct(_keys(data, bounds[i], bounds[i + 1], crlf)[0])

    each_on_two_threads(len(found), collect)
    try:
        return _read(data, bounds, crlf, _Lookup(distinct(np.concatenate(found))), layout, path)
    except _Unknown:
        raise LongCells from None


def _read(
    data: npt.NDArray[np.uint8],
    bounds: list[int],
    crlf: bool,
    lookup: _Lookup,
    layout: _Layout,
    path: str,
    first_keys: tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]] | None = None,
) -> BallotFile:
    texts = ["", *(_text(k) for k in lookup.known.tolist())]
    keys, row_ends = first_keys or _keys(data, bounds[0], bounds[1], crlf)
    first = _table(lookup.tokens(keys), row_ends)
    order = _Order.of(first, texts, layout, path)
    parts: list[_Part] = [_Part()] * (len(bounds) - 1)
    uniform = _Uniform.of(lookup, order, layout, crlf)

    def work(i: int) -> None:
        if i == 0:
            table = first
        else:
            if order is not None and uniform is not None:
                packed = uniform.rows(data, bounds[i], bounds[i + 1])
                if packed is not None:
                    parts[i] = _Part(rows=packed[0], width=packed[1])
                    return
            keys, row_ends = _keys(data, bounds[i], bounds[i + 1], crlf)
            table = _table(lookup.tokens(keys), row_ends)
        parts[i] = _part(table, texts, layout, order)

    try:
        each_on_two_threads(len(parts), work)
    except _Unordered:  # a token first named after the first chunk: pack rows as tokens
        order = None
        each_on_two_threads(len(parts), work)
    width = max(p.width for p in parts)
    if layout.header is not None and width + (layout.weight_column is not None) > layout.width:
        raise _Irregular  # the careful path says which row is too long
    rows = np.concatenate([p.rows for p in parts])
    if len(rows) == 0:
        raise _Irregular
    weights = None if layout.weight_column is None else np.concatenate([p.weights for p in parts])
    if weights is not None and int(weights.max(initial=0)) * len(weights) >= MAX_WEIGHT:
        raise _Irregular  # sums this big are for the careful path
    if order is not None:
        return order.ballot_file(rows, weights, path)
    return _profile(rows, weights, [p.table for p in parts], width, texts, layout, path)


def _chunks(text: mmap.mmap, offset: int, end: int) -> list[int]:
    """Chunk boundaries: about every :data:`CHUNK_BYTES`, each just after a line break; the
    first chunk (read alone, before the others: it names the candidates) is shorter."""
    bounds = [offset]
    at = offset + min(FIRST_CHUNK_BYTES, CHUNK_BYTES)
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
    at_any_byte = np.ndarray(
        (len(data) - 7 - start,), dtype=np.uint64, buffer=data, offset=start, strides=(1,)
    )
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


def _table(token: npt.NDArray[np.int16], row_ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int16]:
    """The cells' tokens as a table, one row per line; short rows padded with 0 (empty)."""
    per_row = np.diff(row_ends, prepend=-1)
    fields = int(per_row.max(initial=1))
    if bool((per_row == fields).all()):
        return token.reshape(len(row_ends), fields)
    table = np.zeros((len(row_ends), fields), dtype=np.int16)
    row = np.repeat(np.arange(len(row_ends)), per_row)
    field = np.arange(len(token)) - np.repeat(row_ends - per_row + 1, per_row)
    table[row, field] = token
    return table


class _Lookup:
    """Token codes of cell keys: 1 + the key's place among the known keys, 0 for an empty cell.

    A perfect hash finds the place of a key among a few known keys (a table of about four times
    their square, so that a multiplier that spreads them apart is soon found); among many, a
    binary search does. A key not known raises :class:`_Unknown`.
    """

    def __init__(self, known: npt.NDArray[np.uint64]) -> None:
        if len(known) >= 2**15 - 1:
            raise LongCells  # too varied for 16-bit tokens
        self.known = known
        self.code = np.arange(1, len(known) + 1, dtype=np.int16)
        self.code[known == 0] = 0
        self.multiplier: np.uint64 | None = None
        self.bits = np.uint64(_slot_bits(len(known)))
        # by slot: the known key there and its code (a free slot holds the empty cell, 0 and 0)
        self.slot_key = np.zeros(0, dtype=np.uint64)
        self.slot_code = np.zeros(0, dtype=np.int16)
        if len(known) > _PERFECT_HASH_UP_TO:
            return
        for multiplier in _MULTIPLIERS:
            slots = (known * multiplier) >> (np.uint64(64) - self.bits)
            if len(distinct(slots)) == len(known):
                self.multiplier = multiplier
                self.slot_key = np.zeros(1 << int(self.bits), dtype=np.uint64)
                self.slot_key[slots] = known
                self.slot_code = np.zeros(1 << int(self.bits), dtype=np.int16)
                self.slot_code[slots] = self.code
                return

    def tokens(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int16]:
        if self.multiplier is None:
            place = np.searchsorted(self.known, keys)
            np.minimum(place, len(self.known) - 1, out=place)
            if not bool((self.known[place] == keys).all()):
                raise _Unknown
            codes: npt.NDArray[np.int16] = self.code[place]
            return codes
        slots = keys * self.multiplier
        slots >>= np.uint64(64) - self.bits
        slots = slots.view(np.intp)  # indices as they are (not cast by each lookup)
        if not bool((self.slot_key[slots] == keys).all()):
            raise _Unknown
        found: npt.NDArray[np.int16] = self.slot_code[slots]
        return found


_PERFECT_HASH_UP_TO = 256
"""Known keys up to which a perfect hash finds a key's place (a table of at most 256 KiB)."""


def _slot_bits(n: int) -> int:
    """Bits of a table of at least ``4 n²`` slots: a random multiplier leaves ``n`` keys apart
    with a chance of about ``exp(-1/8)``."""
    return max((4 * n * n).bit_length(), 4)


@dataclass
class _Part:
    """A chunk's rows: token table (weight column apart; kept only when the rows are packed as
    tokens, for :func:`_profile`), rows as integers, weights, and its widest row's cells."""

    table: npt.NDArray[np.int16] = field(default_factory=lambda: np.zeros((0, 1), np.int16))
    rows: npt.NDArray[np.signedinteger[Any]] = field(default_factory=lambda: np.zeros(0, np.int64))
    weights: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    width: int = 1


def _part(
    table: npt.NDArray[np.int16], texts: list[str], layout: _Layout, order: _Order | None
) -> _Part:
    if len(table) == 0:
        return _Part()  # a chunk of blank lines: no row, so no row without its weight
    column = layout.weight_column
    weights = np.zeros(0, np.int64)
    if column is not None:
        if column >= table.shape[1]:
            raise _Irregular  # a row without its weight
        weights = _weights(table[:, column], texts)
        table = np.delete(table, column, axis=1)
    if order is not None:
        return _Part(table, order.packed(table), weights, table.shape[1])
    base = len(texts)
    if base ** table.shape[1] >= 2**62:
        raise LongCells  # too varied to pack: the line-grouping reader takes it
    # 32-bit rows when they fit: sorting them to group equal rows is three times faster
    rows: npt.NDArray[np.signedinteger[Any]] = np.zeros(
        len(table), dtype=np.int32 if base ** table.shape[1] < 2**31 else np.int64
    )
    for j in range(table.shape[1] - 1, -1, -1):
        rows *= base
        rows += table[:, j]
    return _Part(table, rows, weights, table.shape[1])


class _Unordered(Exception):
    """A row names a token that the first chunk's rows do not (or is wider than the header)."""


@dataclass(frozen=True)
class _Order:
    """Rows packed so that their integers sort as the profile's rows do.

    When the first chunk names every token the ranks hold (nearly always), the candidates and
    each token's cell are known before the other chunks are read. Each token then becomes a
    digit that sorts as its cell code (``SKIP`` and sets of marks included), and each row the
    number those digits make, first rank most significant, over the header's rank columns.
    Grouping those numbers gives the rows of :meth:`Profile.grouped` at once: distinct (tokens
    of one cell share a digit), in lexicographic order, without sorting the rows again.
    """

    named: _NamedTokens
    digit: npt.NDArray[np.int16]
    """Each token's digit; -1 for a token the first chunk's ranks do not name."""
    cells: npt.NDArray[np.int32]
    """The cell code of each digit, increasing."""
    width: int

    @staticmethod
    def of(
        first: npt.NDArray[np.int16], texts: list[str], layout: _Layout, path: str
    ) -> _Order | None:
        """The digits, from the first chunk's token table; ``None`` when rows cannot be packed
        in order (no header, or too many digits), or the chunk is irregular."""
        column = layout.weight_column
        width = layout.width - (column is not None)
        if layout.header is None or width < 1 or len(first) == 0:
            return None
        if column is not None:
            if column >= first.shape[1]:
                return None
            first = np.delete(first, column, axis=1)
        tokens = _first_seen(first.astype(np.int32), len(texts))

        def fail(message: str, token: int) -> BallotFileError:
            raise _Irregular

        named = _named_tokens(texts, tokens, layout, path, fail)
        of_tokens = np.append(named.cell[tokens], SKIP)
        cells = distinct(of_tokens)
        if len(cells) ** width >= 2**62:
            return None
        digit = np.full(len(texts), -1, dtype=np.int16)
        digit[tokens] = np.searchsorted(cells, named.cell[tokens])
        digit[0] = np.searchsorted(cells, SKIP)  # the empty cell, also padding short rows
        return _Order(named, digit, cells.astype(np.int32), width)

    def packed(self, table: npt.NDArray[np.int16]) -> npt.NDArray[np.signedinteger[Any]]:
        """Each row as one integer (its digits, first rank most significant)."""
        if table.shape[1] > self.width:
            raise _Unordered
        digits = self.digit[table]
        if len(digits) and int(digits.min()) < 0:
            raise _Unordered
        return self.packed_digits(digits)

    def packed_digits(self, digits: npt.NDArray[np.int16]) -> npt.NDArray[np.signedinteger[Any]]:
        """Each row of digits (at most :attr:`width` of them) as one integer."""
        base = len(self.cells)
        empty = int(self.digit[0])
        rows: npt.NDArray[np.signedinteger[Any]] = np.zeros(
            len(digits), dtype=np.int32 if base**self.width < 2**31 else np.int64
        )
        for j in range(self.width):
            rows *= base
            if j < digits.shape[1]:
                rows += digits[:, j]
            else:
                rows += empty
        return rows

    def ballot_file(
        self,
        rows: npt.NDArray[np.signedinteger[Any]],
        weights: npt.NDArray[np.int64] | None,
        path: str,
    ) -> BallotFile:
        """The grouped profile of the packed rows (as :meth:`Profile.grouped` would give it)."""
        if weights is None:
            packed, summed = _counted(rows)
        else:
            packed, summed = group_keys(rows.astype(np.int64), weights)
            kept = summed > 0
            packed, summed = packed[kept], summed[kept]
        ranks = np.empty((len(packed), self.width), dtype=np.int32)
        base = len(self.cells)
        skip = int(self.digit[0])  # the empty cell's digit: SKIP's
        used = 1  # ranks up to the last one any ballot marks (a column test costs 4x more)
        for j in range(self.width - 1, -1, -1):
            packed, digit = np.divmod(packed, base)
            ranks[:, j] = self.cells[digit]
            if used == 1 and j and bool((digit != skip).any()):
                used = j + 1
        ranks = np.ascontiguousarray(ranks[:, :used])
        named = self.named
        profile = Profile(named.candidates, ranks, summed, named.multi, named.withdrawn)
        return BallotFile(profile=profile, path=path, format="csv")


class _Uniform:
    """The packed rows of a chunk whose every line holds as many cells, read in fewer steps.

    Most ballot files write every cell of every row (``A,B,,,``), so a chunk of ``n`` lines
    holds ``n × fields`` cells. When it does and its every ``fields``-th delimiter is a line
    break (``n`` breaks among ``n`` places: so no other delimiter is one), the rows need no
    line-by-line bookkeeping: the cells' keys (checked against the known keys, as
    :meth:`_Lookup.tokens` does) give each cell's digit straight from its hash slot. Files
    with a weight column or CRLF line ends, and chunks with blank or ragged lines, are read by
    the general steps (:meth:`rows` gives ``None``); errors are raised as those steps do.
    """

    def __init__(self, lookup: _Lookup, order: _Order) -> None:
        assert lookup.multiplier is not None
        self.multiplier = lookup.multiplier
        self.shift = np.uint64(64) - lookup.bits
        self.slot_key = lookup.slot_key
        # each hash slot's digit: that of the token there (-1: a token the order lacks)
        self.slot_digit = order.digit[lookup.slot_code]
        self.order = order

    @staticmethod
    def of(lookup: _Lookup, order: _Order | None, layout: _Layout, crlf: bool) -> _Uniform | None:
        if order is None or lookup.multiplier is None or crlf or layout.weight_column is not None:
            return None
        return _Uniform(lookup, order)

    def rows(
        self, data: npt.NDArray[np.uint8], start: int, end: int
    ) -> tuple[npt.NDArray[np.signedinteger[Any]], int] | None:
        """The packed rows of ``data[start:end]`` and their cells each, or ``None``.

        Each step writes over an array the steps before no longer need: fewer fresh pages to
        fault in (a page fault costs microseconds, the arrays are megabytes)."""
        shape = _cell_ends(data[start:end], self.order.width)
        if shape is None:
            return None
        ends, fields = shape
        starts = np.empty_like(ends)
        starts[0] = 0
        np.add(ends[:-1], 1, out=starts[1:])
        at_any_byte = np.ndarray(
            (end - start,), dtype=np.uint64, buffer=data, offset=start, strides=(1,)
        )
        keys = at_any_byte[starts]  # the text has spare zero bytes after it
        sizes = np.subtract(ends, starts, out=starts)
        if int(sizes.max()) > KEY_BYTES:
            raise LongCells
        scratch = ends.view(np.uint64)
        keys &= np.take(_MASKS, sizes, out=scratch, mode="clip")
        slots = np.multiply(keys, self.multiplier, out=scratch)
        slots >>= self.shift
        slots = slots.view(np.intp)  # small numbers: indices as they are, not cast per lookup
        known = np.take(self.slot_key, slots, out=sizes.view(np.uint64), mode="clip")
        if not np.array_equal(known, keys):
            raise _Unknown
        digits = self.slot_digit[slots]
        if int(digits.min()) < 0:
            raise _Unordered
        return self.order.packed_digits(digits.reshape(-1, fields)), fields


def _cell_ends(body: npt.NDArray[np.uint8], most: int) -> tuple[npt.NDArray[np.intp], int] | None:
    """Where each cell of ``body`` ends (its comma or line break) and the cells of a line, if
    every line holds as many (at most ``most``), none is blank and the last ends the body."""
    if not len(body) or body[-1] != _LF or body[0] == _LF:
        return None
    breaks = body == _LF
    lines = int(np.count_nonzero(breaks))
    delimiters = body == _COMMA
    delimiters |= breaks
    ends = np.flatnonzero(delimiters)
    del delimiters
    fields = len(ends) // lines
    if fields * lines != len(ends) or fields > most:
        return None
    # a blank line is one cell: among lines of two or more, ``fields * lines`` cells cannot
    # hold one (they would number ``fields * lines - (fields - 1) * blank``)
    if fields == 1 and bool((breaks[1:] & breaks[:-1]).any()):
        return None
    del breaks
    if not bool((body[ends[fields - 1 :: fields]] == _LF).all()):
        return None
    return ends, fields


_LF = ord("\n")
_COMMA = ord(",")


def _counted(
    rows: npt.NDArray[np.signedinteger[Any]],
) -> tuple[npt.NDArray[np.signedinteger[Any]], npt.NDArray[np.int64]]:
    """The distinct rows, sorted, and how many times each occurs (``np.unique`` with counts,
    in-place on rows no one else holds, without its copies: a fifth faster)."""
    rows.sort()
    first = np.empty(len(rows), dtype=bool)
    first[:1] = True
    np.not_equal(rows[1:], rows[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(rows)).astype(np.int64)
    return rows[starts], counts


def _text(key: int) -> str:
    try:
        return key.to_bytes(8, "little").rstrip(b"\x00").decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None


def _profile(
    rows: npt.NDArray[np.signedinteger[Any]],
    weights: npt.NDArray[np.int64] | None,
    tables: list[npt.NDArray[np.int16]],
    width: int,
    texts: list[str],
    layout: _Layout,
    path: str,
) -> BallotFile:
    """Group the rows and build the profile; ``tables`` give the order names first appear in."""
    if weights is None:
        packed, counts = np.unique(rows, return_counts=True)
        summed = counts.astype(np.int64)
    else:
        packed, summed = group_keys(rows.astype(np.int64), weights)
    base = len(texts)
    codes: Codes = np.empty((len(packed), max(width, 1)), dtype=np.int32)
    for j in range(codes.shape[1]):
        packed, digit = np.divmod(packed, base)
        codes[:, j] = digit
    present = len(distinct(codes))
    order = _first_seen(tables[0][:_HEAD_ROWS].astype(np.int32), base)
    if len(order) < present:
        whole = np.zeros((len(rows), codes.shape[1]), dtype=np.int32)
        row = 0
        for t in tables:
            whole[row : row + len(t), : t.shape[1]] = t
            row += len(t)
        order = _first_seen(whole, base)
    return _ballot_file(texts, codes, summed, order, layout, path, None)


def _weights(cells: npt.NDArray[np.int16], texts: list[str]) -> npt.NDArray[np.int64]:
    values = np.zeros(len(texts), dtype=np.int64)
    for token in distinct(cells).tolist():
        text = texts[token].strip()
        if not is_number(text) or int(text) >= MAX_WEIGHT:
            raise _Irregular
        values[token] = int(text)
    weights: npt.NDArray[np.int64] = values[cells]
    return weights
