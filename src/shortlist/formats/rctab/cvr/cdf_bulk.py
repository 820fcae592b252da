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
:mod:`.cdf_words` finds the bytes, reads the values and hashes the lines; :mod:`.cdf_parts`
runs this over a report on two threads, and a big report in two processes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shortlist.formats.rctab.cvr.cdf_words import (
    WIDTH,
    Array,
    Doubt,
    _after,
    _marked,
    _Powers,
    _Values,
    line_ends,
    line_hashes,
    positions,
    string_codes,
)

__all__ = ["SEPARATOR", "WIDTH", "Doubt", "Grouping"]

#: The only separator between CVRs read here: one CVR a line.
SEPARATOR = b"},\n{"
SNAPSHOT_BYTE, BALLOT_BYTE, UNIT_BYTE = 1, 2, 3
#: More groups than this (lines that differ in more than the ids): refused.
MAX_GROUPS = 1 << 19
_CURRENT = b'"CurrentSnapshotId":"'
_BALLOT = b'"BallotPrePrintedId":"'
_UNIT = b'"BallotStyleUnitId":"'
_ID = b'"@id":"'
BALLOT_KEY = _BALLOT
_STRING = re.compile(rb'"([^"]*)"')
#: The tokens :mod:`.cdf_fast` puts for the ids (a backslash: no CVR it counts holds one).
SNAPSHOT = b'"\\u0000snapshot"'
BALLOT = b'"\\u0000ballot"'
UNIT = b'"\\u0000unit"'


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
