"""CDF JSON CVRs written one a line, grouped with numpy, without a Python object per CVR.

:mod:`.cdf_fast` counts the CVR texts of a report, ids replaced by tokens, before decoding the
distinct ones. For a report written one CVR a line (``},\\n{`` between CVRs) this module does
that counting over each read as a whole:

1. the lines are found (``\\n``), and a line is taken only if it ends ``},`` and the next one
   opens with ``{``;
2. in each line, the values of ``CurrentSnapshotId``, ``BallotPrePrintedId``,
   ``BallotStyleUnitId`` and the snapshot ``@id`` equal to the current one are found: where
   the read's first line has them (the same distance from the line's start or the value
   before it; ``CurrentSnapshotId`` from the line's end) if the last 8 bytes of their keys
   stand there in every line, else by their keys' rare bytes anywhere (``CurrentSnapshotId``
   exactly once a line, the ballot id and unit once in every line or in none); each value is
   overwritten in place by a byte of its own (1, 2, 3: no JSON text holds them raw; a read
   that does is refused). The whole keys are checked in each distinct text (step 5): the
   lines of a group equal its first outside the values, so they have them in the same place;
3. each line gets a 64-bit hash of its overwritten bytes and of where it starts in a word (a
   polynomial over the words holding it, from prefix sums over the read, the other lines'
   bytes in its first and last words taken out): lines with the same hash form a group,
   whose first line stands for it; groups whose first lines are equal (one text at other
   places in a word) are one group;
4. the group is VERIFIED, not trusted: the representatives of the lines, joined, must equal
   the read byte for byte. So a hash collision, or anything the hash missed, refuses the file.

5. at the end each group becomes the text :mod:`.cdf_fast` would have counted (the
   overwritten values as its tokens, the unit's value put back), its keys checked in full,
   and :mod:`.cdf_fast` decodes the distinct ones. In each read, the ids' values must appear
   nowhere else in the lines: none may equal a string of any group so far (outside the ids)
   or a unit's value of the read (a check by 64-bit codes, which can only refuse too often,
   never too little; memory: the codes of the groups' distinct strings, not of every id).

Anything else raises :class:`Doubt`; the caller then reads the file the other way.
:mod:`.cdf_parts` runs this over a big report on both cores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

#: The only separator between CVRs read here: one CVR a line.
SEPARATOR = b"},\n{"
SNAPSHOT_BYTE, BALLOT_BYTE, UNIT_BYTE = 1, 2, 3
#: An id's value is at most WIDTH - 1 bytes (a longer one: refused).
WIDTH = 16
#: More groups than this (lines that differ in more than the ids): refused.
MAX_GROUPS = 1 << 19
_CURRENT = b'"CurrentSnapshotId":"'
_BALLOT = b'"BallotPrePrintedId":"'
_UNIT = b'"BallotStyleUnitId":"'
_ID = b'"@id":"'
BALLOT_KEY = _BALLOT
_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_MIX = np.array([0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3])
_BLOCK = 1 << 18
_BYTE_OF = np.uint64(0x0102030405060708)  # 2 ** (8 * k) times this: k + 1 in the top byte
_STRING = re.compile(rb'"([^"]*)"')
#: The tokens :mod:`.cdf_fast` puts for the ids (a backslash: no CVR it counts holds one).
SNAPSHOT = b'"\\u0000snapshot"'
BALLOT = b'"\\u0000ballot"'
UNIT = b'"\\u0000unit"'


class Doubt(Exception):
    """Something the bulk grouping cannot vouch for: read the file another way."""


def positions(a: Array, lo: int, hi: int, wanted: bytes) -> Array:
    """Where the bytes ``wanted`` stand in ``a[lo:hi]``, ascending: compared a block at a
    time (in the cache), the words holding one found first (numpy's flatnonzero is slow on
    bytes), each word's bytes by its lowest set bit, one after the other."""
    found = [np.zeros(0, np.int64)]
    seen, more = np.empty(_BLOCK, bool), np.empty(_BLOCK, bool)
    for at in range(lo, hi, _BLOCK):
        part = a[at : min(at + _BLOCK, hi)]
        hits, other = seen[: len(part)], more[: len(part)]
        np.equal(part, wanted[0], out=hits)
        for byte in wanted[1:]:
            hits |= np.equal(part, byte, out=other)
        whole = len(part) // 8 * 8
        words = hits[:whole].view("<u8")
        index = np.flatnonzero(words)
        bits = words[index]
        while len(bits):
            low = bits & (~bits + np.uint64(1))  # the lowest set bit: 2 ** (8 * byte)
            found.append(at + index * 8 + ((low * _BYTE_OF) >> np.uint64(56)).astype(np.int64) - 1)
            bits ^= low
            index, bits = index[bits != 0], bits[bits != 0]
        found.append(at + whole + np.flatnonzero(hits[whole:]))
    out = np.concatenate(found)
    out.sort()
    return out


def line_ends(buffer: bytearray, pos: int) -> Array:
    """Where each ``\n`` from ``pos`` on is: one ``find`` a line (lines of hundreds of bytes:
    faster than a numpy pass over every byte)."""
    found, find = [], buffer.find
    at = find(b"\n", pos)
    while at >= 0:
        found.append(at)
        at = find(b"\n", at + 1)
    return np.array(found, np.int64)


def spans(a: Array, start: Array, width: int) -> Array:
    """The ``width`` bytes from each of ``start`` (a copy: one row each)."""
    items = np.ndarray((len(a) - width + 1,), f"V{width}", a, strides=(1,))
    rows: Array = items[start].view(np.uint8).reshape(-1, width)
    return rows


def _marked(a: Array, value: Array, marker: bytes) -> bool:
    """Whether the last 8 bytes of ``marker`` (all of it, if shorter) stand before each
    value (the whole marker is checked in each distinct text)."""
    if len(value) and (value.min() < 8 or value.max() + WIDTH > len(a)):
        return False
    return bool((_tails(a, value, marker) == _tail(marker)).all())


def _tail(marker: bytes) -> np.uint64:
    return np.uint64(int.from_bytes(marker[-8:].rjust(8, b"\0"), "little"))


def _tails(a: Array, value: Array, marker: bytes) -> Array:
    """The 8 bytes before each value, those beyond a shorter marker zeroed."""
    mask = np.uint64((1 << 64) - (1 << 8 * (8 - min(len(marker), 8))))
    tails: Array = spans(a, value - 8, 8).view("<u8").ravel() & mask
    return tails


def _after(a: Array, at: Array, marker: bytes, anchor: int) -> Array:
    """Where the values may start after ``marker``, among the hits ``at`` of its byte at
    ``anchor``: the marker's last 8 bytes are checked here, the whole marker in each distinct
    text (:meth:`Grouping._general`): lines equal to a group's first have it in one place."""
    value = at - anchor + len(marker)
    value = value[(value >= 8) & (value + WIDTH <= len(a))]
    kept: Array = value[_tails(a, value, marker) == _tail(marker)]
    return kept


@dataclass(frozen=True)
class _Values:
    """String values starting at ``start``: their lengths and bytes, zero-padded to WIDTH, as
    two little-endian words (``low``: bytes 0 to 7, ``high``: 8 to 15)."""

    start: Array
    length: Array
    low: Array
    high: Array

    @classmethod
    def read(cls, a: Array, start: Array) -> _Values:
        """The values starting at ``start`` (``a`` holds WIDTH bytes beyond each), found a
        word (8 bytes) at a time: the first quote ends each."""
        words = spans(a, start, WIDTH).view("<u8")
        low, high = words[:, 0], words[:, 1]
        length = _first_quote(low, high)
        if (length >= WIDTH).any():
            raise Doubt("an id's value longer than the bulk reader takes")
        low_inside, high_inside = _below(length), _below(length - 8)
        for word, inside in ((low, low_inside), (high, high_inside)):
            if _any_zero_byte((word & (_EVERY * np.uint64(0xE0))) | ~inside):  # below 0x20
                raise Doubt("a control byte in an id's value")
        return cls(start, length, low & low_inside, high & high_inside)

    @classmethod
    def ending(cls, a: Array, closing: Array) -> _Values | None:
        """The values whose closing quotes are at ``closing`` (None: not all are values)."""
        if len(closing) and (closing.min() < WIDTH or closing.max() + WIDTH > len(a)):
            return None
        words = spans(a, closing - WIDTH, WIDTH).view("<u8").byteswap()  # bytes backwards
        back = _first_quote(words[:, 1], words[:, 0])  # bytes between it and closing
        if (back >= WIDTH).any():
            return None
        values = cls.read(a, closing - back)
        return values if (values.start + values.length == closing).all() else None

    def subset(self, rows: Array) -> _Values:
        return _Values(self.start[rows], self.length[rows], self.low[rows], self.high[rows])

    def codes(self) -> Array:
        """A 64-bit code of each value: equal values, equal codes."""
        return _code(self.low, self.high, self.length)

    def same(self, other: _Values, rows: Array) -> Array:
        """Whether each value equals ``other``'s at ``rows``."""
        same: Array = self.low == other.low[rows]
        same &= self.high == other.high[rows]
        same &= self.length == other.length[rows]
        return same

    def blank(self, a: Array, byte: int) -> None:
        """Overwrite the values in ``a`` with ``byte``."""
        for k in range(int(self.length.max(initial=0))):
            a[self.start[self.length > k] + k] = byte

    def text(self, row: int) -> bytes:
        both = int(self.low[row]) | int(self.high[row]) << 64
        return both.to_bytes(WIDTH, "little")[: self.length[row]]


_EVERY = np.uint64(0x0101010101010101)  # times a byte: that byte in every place
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_QUOTES = _EVERY * np.uint64(ord('"'))


def _first_quote(low: Array, high: Array) -> Array:
    """Where the first ``"`` of the 16 bytes ``low``, ``high`` is (16: none)."""
    first = _lowest_zero_byte(low ^ _QUOTES)
    later = first == 8
    first[later] += _lowest_zero_byte(high[later] ^ _QUOTES)
    return first


def _any_zero_byte(words: Array) -> bool:
    """Whether a byte of any of the words is zero."""
    with np.errstate(over="ignore"):
        return bool(((words - _EVERY) & ~words & (_EVERY * np.uint64(0x80))).any())


def _lowest_zero_byte(words: Array) -> Array:
    """The place (0 to 7) of the lowest zero byte of each little-endian word; 8: none."""
    with np.errstate(over="ignore"):
        high = ~(((words & _LOW7) + _LOW7) | words | _LOW7)  # 0x80 where a byte is zero
        low = high & (~high + np.uint64(1))  # the lowest: 2 ** (8 * place + 7)
        place: Array = ((low >> np.uint64(7)) * _BYTE_OF) >> np.uint64(56)  # place + 1
    place = place.astype(np.int64) - 1
    place[place < 0] = 8
    return place


def _below(length: Array) -> Array:
    """A word of ones on its first ``length`` bytes (0 to 8 of them), zero beyond."""
    bits = (np.clip(length, 0, 8) * 8).astype(np.uint64)
    half = bits >> np.uint64(1)
    with np.errstate(over="ignore"):
        mask: Array = ((np.uint64(1) << half) << (bits - half)) - np.uint64(1)  # 64: all ones
    return mask


def _code(low: Array, high: Array, length: Array) -> Array:
    with np.errstate(over="ignore"):
        mixed: Array = low * np.uint64(_MIX[0]) + high * np.uint64(_MIX[1])
        coded: Array = mixed ^ (length.astype(np.uint64) * np.uint64(_MIX[0]))
        return coded


def string_codes(strings: list[bytes]) -> Array:
    """The codes of strings (each shorter than WIDTH), as :meth:`_Values.codes` gives them."""
    padded = np.zeros((len(strings), WIDTH), np.uint8)
    for row, s in enumerate(strings):
        padded[row, : len(s)] = np.frombuffer(s, np.uint8)
    words = padded.view("<u8")
    return _code(words[:, 0], words[:, 1], np.array([len(s) for s in strings], np.int64))


class _Powers:
    """BASE**j and its inverse**j modulo 2**64, grown as needed."""

    def __init__(self) -> None:
        self.up = self.down = np.ones(1, np.uint64)

    def take(self, n: int) -> tuple[Array, Array]:
        if len(self.up) < n:
            size = max(n + n // 4, 2 * len(self.up))
            self.up = _powers(_BASE, size)
            self.down = _powers(pow(_BASE, -1, 1 << 64), size)
        return self.up[:n], self.down[:n]


def _powers(x: int, n: int) -> Array:
    """x**0 to x**(n - 1) modulo 2**64, each half from the one before (x**k times it)."""
    powers = np.ones(max(n, 1), np.uint64)
    done = 1
    while done < n:
        step = min(done, n - done)
        with np.errstate(over="ignore"):
            np.multiply(
                powers[:step], np.uint64(pow(x, done, 1 << 64)), out=powers[done : done + step]
            )
        done += step
    return powers[:n]


def line_hashes(words: Array, start: Array, end: Array, powers: _Powers) -> Array:
    """A hash of the bytes ``[start, end)`` of each line and of where it starts in a word
    (``words``: the read as little-endian 8-byte words, one more than the lines reach).

    The words holding the line's bytes are summed as a polynomial, from prefix sums over the
    read (two passes over its words), the bytes of other lines in its first and last words
    taken out. A text at another place in a word hashes differently: its lines form groups of
    their own, which :meth:`Grouping._groups` maps to one text by their bytes."""
    if (end - start < 16).any():
        raise Doubt("a line too short to hash")
    first, last = start // 8, (end - 1) // 8  # the words holding the line's first, last byte
    base, stop = int(first[0]), int(last[-1]) + 1
    up, down = powers.take(stop - base)
    with np.errstate(over="ignore"):
        sums = np.empty(stop - base + 1, np.uint64)
        sums[0] = 0
        np.cumsum(words[base:stop] * up, out=sums[1:])
        whole = sums[last + 1 - base] - sums[first - base]
        head = words[first]
        before = (start % 8 * 8).astype(np.uint64)  # bits of the line's first word before it
        whole += (((head >> before) << before) - head) * up[first - base]
        tail = words[last]
        whole += ((tail & _below((end - 1) % 8 + 1)) - tail) * up[last - base]
        whole *= down[first - base]
        mixed = whole * np.uint64(_MIX[0]) + before * np.uint64(_MIX[2])
        hashes: Array = mixed + (end - start).astype(np.uint64) * np.uint64(_MIX[3])
        return hashes


_Found = tuple[_Values, "_Values | None", "_Values | None", _Values]  # current, ballot, unit, @id


_Distinct = tuple[bytes, int, int, "bytes | None", "tuple[bytes, bytes] | None"]


@dataclass(frozen=True)
class _Read:
    """A read's whole CVR lines, their ids overwritten in ``buffer``: ready to be grouped."""

    buffer: bytearray
    starts: Array
    ends: Array
    current: _Values
    ballot: _Values | None
    unit: _Values | None


@dataclass
class Grouping:
    """The CVR lines taken so far, grouped: ``take`` each read, then ``distinct``."""

    lines: int = 0  # lines taken
    present: dict[bytes, bool] = field(default_factory=dict)  # key -> in every line (or none)
    keys: Array = field(default_factory=lambda: np.zeros(0, np.uint64))  # sorted hashes
    numbers: Array = field(default_factory=lambda: np.zeros(0, np.int64))  # their groups
    reps: list[bytes] = field(default_factory=list)  # each group's first line, overwritten
    texts: dict[bytes, int] = field(default_factory=dict)  # a group's first line -> its number
    units: dict[bytes, int] = field(default_factory=dict)  # unit value -> its number
    pairs: list[Array] = field(default_factory=list)  # per read: group << 24 | unit
    counts: list[Array] = field(default_factory=list)  # per read: lines of each pair
    firsts: list[Array] = field(default_factory=list)  # per read: each pair's first line
    ballots: list[_Values] = field(default_factory=list)  # per read: each pair's first id
    strings: Array = field(default_factory=lambda: np.zeros(0, np.uint64))  # groups' strings
    coded: set[bytes] = field(default_factory=set)  # the strings coded in ``strings``
    powers: _Powers = field(default_factory=_Powers)
    table: Array = field(default_factory=lambda: np.zeros(0, object))  # reps, as an array

    def take(self, buffer: bytearray, pos: int) -> tuple[int, bool]:
        """Group the whole CVR lines of ``buffer`` from ``pos`` (a CVR's ``{``).

        Returns where the first line not taken starts, and whether the CVR lines have ended
        (a line within the read that does not close as a CVR followed by another)."""
        read, pos, ended = self.prepare(buffer, pos)
        if read is not None:
            self.merge(read)
        return pos, ended

    def prepare(self, buffer: bytearray, pos: int) -> tuple[_Read | None, int, bool]:
        """The first half of :meth:`take`: the lines found and checked, their ids found and
        overwritten (None: no whole line). Reads are prepared in order, one at a time; each
        may be prepared while the one before is merged (on another thread)."""
        a = np.frombuffer(buffer, np.uint8)
        n = len(a)
        ends = line_ends(buffer, pos)
        starts = np.concatenate(([pos], ends[:-1] + 1)).astype(np.int64)
        room = ends + 24 < n  # the next line's '{' and two words after the line are read
        closes = (a[np.maximum(ends - 2, 0)] == ord("}")) & (a[np.maximum(ends - 1, 0)] == ord(","))
        closes &= (a[np.minimum(ends + 1, n - 1)] == ord("{")) & (ends - 2 > starts)
        taken = room & closes
        m = len(ends) if taken.all() else int(np.argmin(taken))
        ended = m < len(ends) and bool(room[m])
        if not m:
            return None, pos, ended
        read = self._overwritten(buffer, a, starts[:m], ends[:m])
        return read, int(ends[m - 1]) + 1, ended

    def _overwritten(self, buffer: bytearray, a: Array, starts: Array, ends: Array) -> _Read:
        """The read's lines with their ids found and overwritten in place."""
        lo, hi = int(starts[0]), int(ends[-1])
        for byte in (b"\\", b"\x01", b"\x02", b"\x03"):
            if buffer.find(byte, lo, hi) >= 0:
                raise Doubt("a backslash, or a byte the bulk reader writes, in the CVRs")
        if not buffer.isascii():
            buffer[lo:hi].decode("utf-8")  # not UTF-8: read the other way, which reports it
        try:
            found = self._where_the_first_has_them(buffer, a, starts, ends)
        except Doubt:  # not values where the first line has them
            found = None
        if found is None:
            hits = positions(a, lo, hi, b"hB@")
            kinds = a[hits]
            found = self._by_their_keys(a, starts, {b: hits[kinds == b] for b in b"hB@"})
        current, ballot, unit, own = found
        if ballot is not None and ballot.same(current, np.arange(len(starts))).any():
            raise Doubt("a ballot id equal to its snapshot id")
        own.blank(a, SNAPSHOT_BYTE)
        current.blank(a, SNAPSHOT_BYTE)
        for values, fill in ((ballot, BALLOT_BYTE), (unit, UNIT_BYTE)):
            if values is not None:
                values.blank(a, fill)
        return _Read(buffer, starts, ends, current, ballot, unit)

    def merge(self, read: _Read) -> None:
        """The second half of :meth:`take`: the prepared lines hashed, grouped and verified
        (reads merged in the order they were prepared)."""
        buffer, starts, ends = read.buffer, read.starts, read.ends
        current, ballot, unit = read.current, read.ballot, read.unit
        lo, hi = int(starts[0]), int(ends[-1])
        words = np.frombuffer(buffer, "<u8", count=len(buffer) // 8)
        groups = self._groups(line_hashes(words, starts, ends, self.powers), buffer, starts, ends)
        if len(self.table) < len(self.reps):
            self.table = np.empty(len(self.reps), object)
            self.table[:] = self.reps
        expected = b"\n".join(self.table[groups].tolist())
        if len(expected) != hi - lo or not buffer.startswith(expected, lo):
            raise Doubt("a line unlike the first of its group (a hash collision)")
        self._pairs(groups, unit, ballot)
        self._no_id_elsewhere(groups, current, ballot, unit)
        self.lines += len(starts)

    def _by_their_keys(self, a: Array, starts: Array, anchors: dict[int, Array]) -> _Found:
        """The ids found by their keys anywhere in the lines (``anchors``: where the keys'
        rare bytes are)."""
        current = self._each_line(a, starts, anchors, _CURRENT, required=True)
        assert current is not None
        ballot = self._each_line(a, starts, anchors, _BALLOT, required=False)
        unit = self._each_line(a, starts, anchors, _UNIT, required=False)
        ids = _Values.read(a, _after(a, anchors[ord("@")], _ID, 1))
        own = ids.same(current, np.searchsorted(starts, ids.start, "right") - 1)
        return current, ballot, unit, ids.subset(own)

    def _where_the_first_has_them(
        self, buffer: bytearray, a: Array, starts: Array, ends: Array
    ) -> _Found | None:
        """The ids where the first line has them, if every line has them there: the ballot
        id, the unit and the snapshot's ``@id`` at the same distance from the line's start or
        the value before; ``CurrentSnapshotId`` at the same distance from the line's end.
        None: look for them by their keys."""
        first = bytes(buffer[starts[0] : ends[0]])
        where = {key: first.find(key) for key in (_BALLOT, _UNIT, _ID)}
        if where[_ID] < 0 or any(
            self.present.get(key, where[key] >= 0) != (where[key] >= 0) for key in (_BALLOT, _UNIT)
        ):
            return None
        since, since_first = starts, int(starts[0])  # the previous value's end, in each line
        found: dict[bytes, _Values] = {}
        for key in sorted((k for k in where if where[k] >= 0), key=where.__getitem__):
            start = since + (int(starts[0]) + where[key] + len(key) - since_first)
            if not _marked(a, start, key):
                return None
            found[key] = _Values.read(a, start)
            since = start + found[key].length
            since_first = int(since[0])
        key_at = first.rfind(_CURRENT)
        if key_at < 0 or b'"' not in first[key_at + len(_CURRENT) :]:
            return None
        closing = first.index(b'"', key_at + len(_CURRENT)) + int(starts[0])
        current = _Values.ending(a, ends - (int(ends[0]) - closing))
        if current is None or not _marked(a, current.start, _CURRENT):
            return None
        ids = found[_ID]
        if not ids.same(current, np.arange(len(starts))).all():
            return None
        for key in (_BALLOT, _UNIT):
            self.present.setdefault(key, key in found)
        return current, found.get(_BALLOT), found.get(_UNIT), ids

    def _each_line(
        self, a: Array, starts: Array, anchors: dict[int, Array], marker: bytes, *, required: bool
    ) -> _Values | None:
        """The values of ``marker``: once in every line, or (unless required) in none, as in
        the reads before."""
        anchor = marker.index(b"h" if marker == _CURRENT else b"B")
        values = _after(a, anchors[marker[anchor]], marker, anchor)
        present = len(values) > 0
        if present and (
            len(values) != len(starts)
            or (np.searchsorted(starts, values, "right") - 1 != np.arange(len(starts))).any()
        ):
            raise Doubt(f"{marker.decode()} not once in every CVR")
        if (required and not present) or self.present.setdefault(marker, present) != present:
            raise Doubt(f"{marker.decode()} in some CVRs only")
        return _Values.read(a, values) if present else None

    def _groups(self, hashes: Array, buffer: bytearray, starts: Array, ends: Array) -> Array:
        """Each line's group: by its hash, a new group (first line kept) for a new hash."""
        unique, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        at = np.searchsorted(self.keys, unique)
        known = at < len(self.keys)
        known[known] = self.keys[at[known]] == unique[known]
        number = np.empty(len(unique), np.int64)
        number[known] = self.numbers[at[known]]
        fresh = np.flatnonzero(~known)
        before, numbered = len(self.reps), []
        for line in first[fresh].tolist():
            text = bytes(buffer[starts[line] : ends[line]])
            numbered.append(self.texts.setdefault(text, len(self.reps)))
            if numbered[-1] == len(self.reps):
                self.reps.append(text)
        number[fresh] = numbered
        found = set(_STRING.findall(b"\n".join(self.reps[before:]))) - self.coded
        new = sorted(t for t in found if len(t) < WIDTH)  # longer: not an id
        if new:
            self.coded.update(new)
            self.strings = np.unique(np.concatenate((self.strings, string_codes(new))))
        if len(self.reps) > MAX_GROUPS:
            raise Doubt("too many distinct CVRs")
        at = np.searchsorted(self.keys, unique[fresh])  # unique: sorted; fresh: not in keys
        self.keys = np.insert(self.keys, at, unique[fresh])
        self.numbers = np.insert(self.numbers, at, number[fresh])
        return number[inverse.ravel()]

    def _pairs(self, groups: Array, unit: _Values | None, ballot: _Values | None) -> None:
        """Count the lines of each (group, unit) and keep where each pair is first."""
        units = np.zeros(len(groups), np.int64)
        if unit is not None:
            _, first, inverse = np.unique(unit.codes(), return_index=True, return_inverse=True)
            inverse = inverse.ravel()
            if not unit.same(unit, first[inverse]).all():
                raise Doubt("two units' values with one code")
            named = [self.units.setdefault(unit.text(i), len(self.units)) for i in first.tolist()]
            units = np.array(named, np.int64)[inverse]
        if len(self.units) >= 1 << 24:
            raise Doubt("too many units")
        pairs, first, counts = np.unique(
            groups << 24 | units, return_index=True, return_counts=True
        )
        self.pairs.append(pairs)
        self.counts.append(counts)
        self.firsts.append(first + self.lines)
        if ballot is not None:
            self.ballots.append(ballot.subset(first))

    def absorb(self, other: Grouping) -> None:
        """Add the lines ``other`` took (the lines after this one's, in another process):
        its groups and units renumbered as this one's, its line numbers after this one's."""
        for key, present in other.present.items():
            if self.present.setdefault(key, present) != present:
                raise Doubt(f"{key.decode()} in some CVRs only")
        numbers = []
        for rep in other.reps:
            numbers.append(self.texts.setdefault(rep, len(self.reps)))
            if numbers[-1] == len(self.reps):
                self.reps.append(rep)
        groups = np.array([*numbers, 0], np.int64)  # 0: an array even for no group
        renumbered = [self.units.setdefault(u, len(self.units)) for u in other.units]
        units = np.array([*renumbered, 0], np.int64)
        if len(self.reps) > MAX_GROUPS or len(self.units) >= 1 << 24:
            raise Doubt("too many distinct CVRs or units")
        for pairs in other.pairs:
            self.pairs.append(groups[pairs >> 24] << 24 | units[pairs & ((1 << 24) - 1)])
        self.counts.extend(other.counts)
        self.firsts.extend(first + self.lines for first in other.firsts)
        self.ballots.extend(other.ballots)
        self.lines += other.lines

    def sent(self) -> Grouping:
        """What :meth:`absorb` needs of this grouping (no hashes, codes or powers)."""
        return Grouping(
            lines=self.lines, present=self.present, reps=self.reps, units=self.units,
            pairs=self.pairs, counts=self.counts, firsts=self.firsts, ballots=self.ballots,
        )  # fmt: skip

    def distinct(self, check: Any) -> list[_Distinct]:
        """The distinct CVR texts as :mod:`.cdf_fast` counts them (its tokens for the ids),
        in the order they first appear: (text, how many lines, the first line's number among
        the lines taken, its ballot id quoted or None, and the text with its unit's value as
        a token and that value quoted, or None where the text names no unit or names a unit
        twice). ``check(text)`` raises for a distinct text (its unit still a token) that must
        not be counted."""
        if not self.reps:
            return []
        general, texts = self._general()
        for text in texts:
            check(text)  # the caller's checks of a distinct text (its unit a token)
        pairs = np.concatenate(self.pairs)
        key = general[pairs >> 24] << 24 | (pairs & ((1 << 24) - 1))
        counts, firsts = np.concatenate(self.counts), np.concatenate(self.firsts)
        order = np.lexsort((firsts, key))
        runs = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1]])
        totals = np.add.reduceat(counts[order], runs)
        rows = order[runs]  # each key's first pair: its first line and ballot id
        first = np.argsort(firsts[rows], kind="stable")
        rows, totals = rows[first], totals[first]
        ids = self._ballot_ids(rows)
        units = [b'"' + u + b'"' for u in self.units]
        cut = [t.split(UNIT) for t in texts] if units else []
        once = [t.count(_UNIT[:-2]) == 1 for t in texts]  # the unit's key: once
        found: list[_Distinct] = []
        whole = zip(
            (key[rows] >> 24).tolist(),
            (key[rows] & ((1 << 24) - 1)).tolist(),
            totals.tolist(),
            firsts[rows].tolist(),
            ids,
            strict=True,
        )
        for text_number, unit_number, total, line, ballot in whole:
            text, split = texts[text_number], None
            if units:
                head, tail = cut[text_number]  # one unit a text
                unit = units[unit_number]
                split = (text, unit) if once[text_number] else None
                text = b"".join((head, unit, tail))
            found.append((text, total, line, ballot, split))
        return found

    def _ballot_ids(self, rows: Array) -> list[bytes | None]:
        """The quoted ballot ids of the pairs ``rows`` (None: the CVRs have none)."""
        if not self.ballots:
            return [None] * len(rows)
        lengths = np.concatenate([b.length for b in self.ballots])[rows].tolist()
        low = np.concatenate([b.low for b in self.ballots])[rows]
        high = np.concatenate([b.high for b in self.ballots])[rows]
        padded = np.column_stack((low, high)).astype("<u8").tobytes()
        return [b'"' + padded[WIDTH * i : WIDTH * i + n] + b'"' for i, n in enumerate(lengths)]

    def _general(self) -> tuple[Array, list[bytes]]:
        """Each group's text with the tokens for its ids and unit, and the distinct texts;
        every token must stand where its key does."""
        joined = np.frombuffer(b"\n".join(self.reps), np.uint8)
        repeated = (joined[1:] <= UNIT_BYTE) & (joined[1:] == joined[:-1])
        text = joined[np.concatenate(([True], ~repeated))].tobytes()  # one fill byte a value
        for byte, token in ((SNAPSHOT_BYTE, SNAPSHOT), (BALLOT_BYTE, BALLOT), (UNIT_BYTE, UNIT)):
            fill = bytes([byte])
            text = text.replace(b'"' + fill + b'"', token)
            if fill in text:
                raise Doubt("an overwritten value that was not a whole string")
        numbers: dict[bytes, int] = {}
        general = [numbers.setdefault(t[1:-2], len(numbers)) for t in text.split(b"\n")]
        texts = list(numbers)
        for text in texts:
            placed = (
                text.count(_CURRENT[:-1] + SNAPSHOT) + text.count(_ID[:-1] + SNAPSHOT),
                text.count(_BALLOT[:-1] + BALLOT),
                text.count(_UNIT[:-1] + UNIT),
            )
            if placed != (text.count(SNAPSHOT), text.count(BALLOT), text.count(UNIT)):
                raise Doubt("an id's value overwritten where its key does not stand")
        return np.array(general, np.int64), texts

    def _no_id_elsewhere(
        self, groups: Array, current: _Values, ballot: _Values | None, unit: _Values | None
    ) -> None:
        """No id's value of the read equals a string of any group's lines so far (outside the
        ids: the read's groups are among them) or a unit's value of the read: compared by 64-bit
        codes, so a coincidence refuses too, never less."""
        codes = self.strings
        if unit is not None:
            codes = np.unique(np.concatenate((codes, unit.codes())))
        for values in (current, ballot):
            if values is None or not len(codes):
                continue
            ids = values.codes()
            if (codes[np.searchsorted(codes, ids).clip(max=len(codes) - 1)] == ids).any():
                raise Doubt("an id's value elsewhere in the CVRs")
