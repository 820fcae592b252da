"""The bytes and 8-byte words of a CDF JSON read, for :mod:`.cdf_bulk`: where bytes stand,
the ids' string values (two little-endian words each, read with bit tricks), their codes,
and the lines' polynomial hashes. Anything these cannot take raises :class:`Doubt`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]

#: An id's value is at most WIDTH - 1 bytes (a longer one: refused).
WIDTH = 16
_BASE = 0x9E3779B97F4A7C15  # odd: invertible modulo 2**64
_MIX = np.array([0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3])
_BLOCK = 1 << 18
_BYTE_OF = np.uint64(0x0102030405060708)  # 2 ** (8 * k) times this: k + 1 in the top byte


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
