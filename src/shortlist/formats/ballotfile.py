"""What every ballot-file reader returns, and the small pieces the readers share.

A reader turns bytes into a :class:`BallotFile`: a grouped :class:`Profile` plus what the file
says about the election (title, seats, tie order, options). Readers report progress through an
optional ``progress(done_bytes, total_bytes)`` callback, called about once per megabyte.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from shortlist.errors import BallotFileError
from shortlist.formats.paths import suffix as suffix
from shortlist.methods.ballots import SKIP, Profile

Progress = Callable[[int, int], None]

CHUNK = 1 << 20
"""Bytes read between two progress reports."""


def _no_options() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class BallotFile:
    """A ballot file read into a profile, with what the file says about its election."""

    profile: Profile
    path: str
    format: str
    title: str = ""
    seats: int | None = None
    tie_order: tuple[str, ...] = ()
    options: Mapping[str, str] = field(default_factory=_no_options)
    undeclared: tuple[str, ...] = ()
    """Droop's ``[undeclared ...]``: the candidates who stand for undeclared write-ins."""


def is_number(text: str) -> bool:
    """A whole number written in ASCII digits (``str.isdigit`` also takes ``²`` and ``٣``)."""
    return text.isascii() and text.isdigit()


def read_bytes(path: str | os.PathLike[str], progress: Progress | None = None) -> bytes:
    """The whole file, read a megabyte at a time when someone watches the progress."""
    where = os.fspath(path)
    try:
        with open(where, "rb") as f:
            if progress is None:
                return f.read()
            total = os.fstat(f.fileno()).st_size
            parts: list[bytes] = []
            done = 0
            while block := f.read(CHUNK):
                parts.append(block)
                done += len(block)
                progress(done, total)
            return b"".join(parts)
    except OSError as exc:
        raise BallotFileError(f"cannot read the file: {exc.strerror}", path=where) from None


def decode(data: bytes, path: str) -> str:
    """UTF-8 text without a byte-order mark; an error names the line of a bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BallotFileError("the file is not UTF-8 text", path=path, line=line) from None


class CellCodes:
    """Candidate codes, and a code for each set of several candidates marked at one rank.

    A set of marks is kept sorted and without repeats, so ``a=b`` and ``b=a`` are the same cell.
    """

    def __init__(self) -> None:
        self.multi: dict[tuple[int, ...], int] = {}

    def cell(self, codes: tuple[int, ...] | list[int]) -> int:
        marks = tuple(sorted(set(codes)))
        if not marks:
            return SKIP
        if len(marks) == 1:
            return marks[0]
        return -2 - self.multi.setdefault(marks, len(self.multi))

    def multi_tuple(self) -> tuple[tuple[int, ...], ...]:
        """The sets of marks in their canonical order (sorted), as :meth:`renumber` numbers them."""
        return tuple(sorted(self.multi))

    def renumber(self, ranks: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
        """Cells renumbered so that the sets are in sorted order, whatever order they came in.

        A file then reads to the same profile however its rows are ordered.
        """
        if not self.multi:
            return ranks
        new_index = {marks: i for i, marks in enumerate(sorted(self.multi))}
        lookup = np.array([-2 - new_index[m] for m in self.multi], dtype=np.int32)
        several = ranks <= -2
        renumbered = ranks.copy()
        renumbered[several] = lookup[-2 - ranks[several]]
        return renumbered


def profile_from_rows(
    candidates: tuple[str, ...],
    rows: list[list[int]],
    weights: list[int],
    cells: CellCodes,
    withdrawn: frozenset[int] = frozenset(),
) -> Profile:
    """A grouped profile from ballot rows of cell values (short rows are padded with skips)."""
    width = max((len(r) for r in rows), default=0)
    ranks = np.full((len(rows), max(width, 1)), SKIP, dtype=np.int32)
    for i, row in enumerate(rows):
        ranks[i, : len(row)] = row
    profile = Profile(
        candidates,
        cells.renumber(ranks),
        np.asarray(weights, dtype=np.int64),
        cells.multi_tuple(),
        withdrawn,
    )
    return profile.grouped()
