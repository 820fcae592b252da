"""Java's reproducible orders: ``java.util.Random``, ``Collections.shuffle`` and hash order.

RCTab draws its lots from ``java.util.Random(seed)`` and, in a few places, lets the iteration
order of a ``java.util.HashMap``/``HashSet`` of candidate names decide an order (the order of a
report's rows, the order a lot is drawn from). Matching RCTab means reproducing both exactly.

* :class:`JavaRandom` is the 48-bit linear congruential generator documented in the Java API
  (``seed = (seed * 0x5DEECE66D + 0xB) mod 2**48``), with ``nextInt``, ``nextLong`` and
  ``nextDouble`` as specified there.
* :func:`java_shuffle` is ``Collections.shuffle(list, rnd)``.
* :func:`hash_order` is the iteration order of a ``HashMap``/``HashSet`` of strings: by bucket
  ``(h ^ (h >>> 16)) & (capacity - 1)`` of ``String.hashCode``, then by insertion order.
* :func:`java_sorted` sorts strings as ``String.compareTo`` does (by UTF-16 code units).

Pure: no I/O, no clock; every draw depends only on the seed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, MutableSequence, Sequence
from typing import TypeVar

T = TypeVar("T")

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= 1 << 31 else x


class JavaRandom:
    """``java.util.Random``: same seed, same sequence, number for number."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._state = (seed ^ _MULTIPLIER) & _MASK

    def next_bits(self, bits: int) -> int:
        """``next(bits)``: the top ``bits`` bits of the next state (a signed 32-bit int)."""
        self._state = (self._state * _MULTIPLIER + _ADDEND) & _MASK
        return _int32(self._state >> (48 - bits))

    def next_int(self, bound: int | None = None) -> int:
        """``nextInt()`` (any int) or ``nextInt(bound)`` (``0 <= n < bound``)."""
        if bound is None:
            return self.next_bits(32)
        if bound <= 0:
            raise ValueError("bound must be positive")
        if bound & -bound == bound:
            return (bound * self.next_bits(31)) >> 31
        while True:
            bits = self.next_bits(31)
            value = bits % bound
            if bits - value + (bound - 1) < 1 << 31:
                return value

    def next_long(self) -> int:
        """``nextLong()``."""
        high = self.next_bits(32)
        low = self.next_bits(32)
        x = ((high << 32) + low) & 0xFFFFFFFFFFFFFFFF
        return x - (1 << 64) if x >= 1 << 63 else x

    def next_double(self) -> float:
        """``nextDouble()``: 53 random bits scaled into ``[0, 1)`` (exactly representable)."""
        return ((self.next_bits(26) << 27) + self.next_bits(27)) * 2.0**-53

    def pick_index(self, size: int) -> int:
        """``(int) Math.floor(nextDouble() * size)``, RCTab's way of drawing one of ``size``.

        The product is IEEE double arithmetic, as in Java; it only chooses a lot, never
        counts votes.
        """
        return math.floor(self.next_double() * float(size))


def java_shuffle(items: MutableSequence[T], rnd: JavaRandom) -> None:
    """``Collections.shuffle(items, rnd)`` in place."""
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]


def string_hash(text: str) -> int:
    """``String.hashCode()``: ``s[0]*31^(n-1) + ... + s[n-1]`` over UTF-16 code units, int32."""
    h = 0
    units = text.encode("utf-16-be")
    for k in range(0, len(units), 2):
        h = (31 * h + (units[k] << 8 | units[k + 1])) & 0xFFFFFFFF
    return _int32(h)


def _bucket(text: str, capacity: int) -> int:
    h = string_hash(text) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & (capacity - 1)


def grown_capacity(size: int) -> int:
    """Table size of a ``new HashMap<>()`` after ``size`` insertions (load factor 0.75)."""
    capacity = 16
    while size > capacity * 3 // 4:
        capacity *= 2
    return capacity


def copied_capacity(size: int) -> int:
    """Table size of ``new HashSet<>(collection)`` for a collection of ``size`` elements."""
    wanted = max(size * 4 // 3 + 1, 16)
    capacity = 1
    while capacity < wanted:
        capacity *= 2
    return capacity


def hash_order(keys: Iterable[str], capacity: int | None = None) -> list[str]:
    """Iteration order of a Java hash map/set of these strings, inserted in the given order.

    ``capacity`` defaults to :func:`grown_capacity` (a map filled one key at a time).
    """
    inserted = list(dict.fromkeys(keys))
    cap = grown_capacity(len(inserted)) if capacity is None else capacity
    return sorted(inserted, key=lambda k: _bucket(k, cap))


def java_sorted(names: Iterable[str]) -> list[str]:
    """Strings in ``String.compareTo`` order (UTF-16 code units, not code points)."""
    return sorted(names, key=lambda s: s.encode("utf-16-be"))


def sorted_like_java(items: Sequence[T], name: dict[T, str]) -> list[T]:
    """``items`` sorted by their names as Java sorts strings."""
    return sorted(items, key=lambda x: name[x].encode("utf-16-be"))
