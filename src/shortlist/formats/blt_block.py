"""The fast path of the BLT reader: a canonical block of numeric ballot lines, read with numpy.

Big BLT files are nearly always written by programs: one record a line, ``weight id id ... 0``.
A block of ballot lines holding only digits and spaces is parsed in one ``numpy.fromstring``
call and cut into records with array operations, so no Python object is made per ballot. The
line reader's rules hold: a record ends at its ``0`` or else at the end of its line. Anything
else (equal rankings, skips, ballot ids, nicknames, comments) is left to the line-by-line
reader, which also gives every error its line.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MIN_BYTES = 1 << 12
"""Smaller ballot sections are not worth the fast path."""

_END_MARKERS = ("\n0\n", "\n0\r\n")
_PLAIN = re.compile(r"[0-9 \t\n]*")
_LINE_END = -1


@dataclass(frozen=True)
class NumericBlock:
    """Ballot records read from ``text[start:end]``: candidate ids (0: no mark) and weights."""

    start: int
    end: int
    ids: npt.NDArray[np.int32]
    weights: npt.NDArray[np.int64]

    def lines_before_end(self, text: str) -> int:
        """How many lines come before the block's end (to number the lines after it)."""
        return text.count("\n", 0, self.end)


def numeric_block(text: str) -> NumericBlock | None:
    """The canonical ballot block of a BLT text, or None when the careful reader must do it."""
    start = _ballots_start(text)
    if start is None:
        return None
    if "/*" in text[:start]:
        return None
    found = [text.find(marker, start - 1) for marker in _END_MARKERS]
    end = min((f + 1 for f in found if f >= 0), default=-1)
    if end - start < MIN_BYTES:
        return None
    block = text[start:end].replace("\r\n", "\n")
    if not _PLAIN.fullmatch(block):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            tokens = np.fromstring(block.replace("\n", f" {_LINE_END}\n"), dtype=np.int64, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    return _records(_close_lines(tokens), start, end)


def _close_lines(tokens: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The tokens with each line end turned into a ``0`` where it closes an open record.

    A line end right after a ``0`` (or another line end) closes nothing and is dropped.
    """
    ends = tokens == _LINE_END
    before = np.concatenate(([_LINE_END], tokens[:-1]))
    closing = ends & (before != 0) & (before != _LINE_END)
    kept: npt.NDArray[np.int64] = tokens[~ends | closing]
    kept[kept == _LINE_END] = 0
    return kept


def _ballots_start(text: str) -> int | None:
    """Where the ballot lines begin: after comments, the counts line and option lines."""
    position, counted = 0, False
    while position < len(text):
        newline = text.find("\n", position)
        stop = len(text) if newline < 0 else newline
        line = text[position:stop].strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            if not counted:
                if len(line.split()) != 2 or "/*" in line:
                    return None
                counted = True
            elif line[0] == "[":
                if not line.endswith("]"):
                    return None
            elif line[0] != "-":
                return position
        if newline < 0:
            return None
        position = newline + 1
    return None


def _records(tokens: npt.NDArray[np.int64], start: int, end: int) -> NumericBlock | None:
    """Cut the token stream at its zeros into records, weight first."""
    zeros = np.flatnonzero(tokens == 0)
    if len(zeros) == 0:
        return None
    firsts = np.concatenate(([0], zeros[:-1] + 1))
    weights = tokens[firsts]
    if bool((weights <= 0).any()) or bool((weights >= 2**62).any()):
        return None
    lengths = zeros - firsts - 1
    width = max(int(lengths.max()), 1)
    ids = np.zeros((len(firsts), width), dtype=np.int32)
    for rank in range(width):
        marked = np.flatnonzero(lengths > rank)
        marks = tokens[firsts[marked] + 1 + rank]
        if marks.size and int(marks.max()) >= 2**31:
            return None  # no candidate id is that big: let the line reader say so
        ids[marked, rank] = marks
    return NumericBlock(start, end, ids, weights)
