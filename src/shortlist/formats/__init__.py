"""Ballot files in and out: plain CSV, BLT (every dialect in the corpus) and PrefLib.

::

    read_ballots(path, format=None, progress=None) -> BallotFile
    write_csv(profile, out, weights=True)
    write_blt(profile, out, seats=..., title="")

``format`` is ``"csv"``, ``"blt"`` or ``"preflib"`` (or a PrefLib type such as ``"soc"``).
Without it the extension decides (``.csv``, ``.blt``, ``.soc .soi .toc .toi``), and else the
first lines of the file do.
``progress(done_bytes, total_bytes)`` is called about once per megabyte read.
Readers raise :class:`shortlist.errors.BallotFileError` naming the file, line and field.
"""

from __future__ import annotations

import importlib
import os
import re
from typing import TYPE_CHECKING, Any, TextIO

from shortlist.errors import BallotFileError
from shortlist.formats import prefetch
from shortlist.formats.paths import suffix

if TYPE_CHECKING:
    from shortlist.formats.ballotfile import BallotFile, Progress
    from shortlist.methods.ballots import Profile

__all__ = ["FORMATS", "BallotFile", "guess_format", "read_ballots", "write_blt", "write_csv"]

FORMATS = ("csv", "blt", "preflib")
_EXTENSIONS = {
    ".csv": "csv",
    ".blt": "blt",
    ".soc": "preflib",
    ".soi": "preflib",
    ".toc": "preflib",
    ".toi": "preflib",
}
_READERS = {"csv": "csv:read_csv", "blt": "blt:read_blt", "preflib": "preflib:read_preflib"}
"""Each format's reader, imported only when a file of that format is read."""


def __getattr__(name: str) -> Any:
    """:class:`BallotFile`, from :mod:`shortlist.formats.ballotfile` when first asked for: it
    imports numpy, and ``shortlist tabulate`` imports this package (:mod:`.prefetch`) before."""
    if name == "BallotFile":
        from shortlist.formats.ballotfile import BallotFile

        return BallotFile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_BLT_START = re.compile(r"^\s*\d+\s+\d+\s*$")
_PREFLIB_START = re.compile(r"^(#\s*[A-Z ]+:|\d+\s*:)")


def read_ballots(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    progress: Progress | None = None,
) -> BallotFile:
    """Read a ballot file into a grouped profile, with what the file says about the election."""
    kind = guess_format(path) if format is None else format.lower()
    kind = _EXTENSIONS.get(f".{kind}", kind)
    if kind not in _READERS:
        raise BallotFileError(
            f"unknown ballot file format {kind!r}; known: {', '.join(FORMATS)}",
            path=os.fspath(path),
        )
    if progress is None:
        ahead = prefetch.ballots(path, kind)
        if ahead is not None:
            return ahead
    module, _, reader = _READERS[kind].partition(":")
    read = getattr(importlib.import_module(f"shortlist.formats.{module}"), reader)
    ballots: BallotFile = read(path, progress)
    return ballots


def guess_format(path: str | os.PathLike[str]) -> str:
    """The format the extension names, or else the one the first meaningful line looks like."""
    kind = _EXTENSIONS.get(suffix(path).lower())
    if kind is not None:
        return kind
    from shortlist.formats.ballotfile import is_number

    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            head = f.read(4096).split("\n")
    except OSError as exc:
        raise BallotFileError(
            f"cannot read the file: {exc.strerror}", path=os.fspath(path)
        ) from None
    if head and _PREFLIB_START.match(head[0]):
        return "preflib"
    if head and is_number(head[0].strip()) and len(head) > 1 and "," in head[1]:
        return "preflib"
    meaningful = [line for line in head if line.strip() and not line.lstrip().startswith("#")]
    if meaningful and _BLT_START.match(meaningful[0]):
        return "blt"
    return "csv"


def write_csv(
    profile: Profile, out: TextIO | str | os.PathLike[str], *, weights: bool = True
) -> None:
    """Write a profile as plain CSV (:mod:`shortlist.formats.csv`); ``out``: a file or path."""
    from shortlist.formats import csv as _csv

    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as f:
            _csv.write_csv(profile, f, weights=weights)
    else:
        _csv.write_csv(profile, out, weights=weights)


def write_blt(
    profile: Profile, out: TextIO | str | os.PathLike[str], *, seats: int, title: str = ""
) -> None:
    """Write a profile as a canonical BLT file; ``out`` is a file or path."""
    from shortlist.formats import blt as _blt

    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            _blt.write_blt(profile, f, seats=seats, title=title)
    else:
        _blt.write_blt(profile, out, seats=seats, title=title)
