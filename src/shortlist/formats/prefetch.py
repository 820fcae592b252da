"""A CSV ballot file read, and counted into a profile, on a second thread while the rest loads.

``shortlist tabulate`` knows the file before it imports numpy, the counting method, the readers
and their standard-library modules (about 0.15 s on one core). :func:`start` meanwhile reads
the file on another thread, in one system call (which lets go of the GIL), into memory mapped
for it (:func:`anonymous_memory`: the kernel zeroes those pages, without the GIL; a
``bytearray`` would be zeroed holding it) with :data:`SPARE_BYTES` zero bytes after the text. That
thread then reads the ballots with :func:`shortlist.formats.read_ballots` itself, which
:func:`take` s that text instead of reading the file again, while the first thread goes on
loading the counting modules.

:func:`ballots` hands the ballots (or the error reading them raised) to the thread that asks
for the same file in the same format, once, and only if the file is unchanged since it was
read (same inode, size and modification time); otherwise (``None``) the caller reads the file
as usual. This module imports nothing heavy: it is imported before numpy is.
"""

from __future__ import annotations

import mmap
import os
import threading
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from shortlist.formats.ballotfile import BallotFile

SPARE_BYTES = 4096
"""Zero bytes after the text (the reader needs a few hundred)."""
FROM_BYTES = 1 << 20
UP_TO_BYTES = 64 << 20
"""Only files of these sizes are read ahead: the ones the numpy CSV reader reads first
(``csv.FAST_PATH_BYTES`` to ``csv_lines.NUMPY_FIRST_BYTES``; a test keeps them equal)."""

_pending: dict[str, _Read] = {}


class _Read:
    def __init__(self, path: str, name: str, format: str | None, count: bool) -> None:
        self.path = path
        self.name = name  # as given: the reader's messages name the file so
        self.format = format
        self.count = count
        self.text: mmap.mmap | None = None
        self.stamp: tuple[int, int, int] | None = None
        self.last: dict[bytes, int] = {}
        self.ballots: BallotFile | None = None
        self.error: Exception | None = None
        self.counted = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        self._read()
        if not self.count or self.text is None:
            self.counted.set()
            return
        try:
            from shortlist.formats import read_ballots

            self.ballots = read_ballots(self.name, format=self.format)
        except Exception as exc:  # handed to the thread that asks for these ballots
            self.error = exc
        finally:
            # the text is let go (unmapped: milliseconds) only once the ballots are handed over
            self.counted.set()
            self.text = None

    def _read(self) -> None:
        try:
            with open(self.path, "rb", buffering=0) as raw:
                stamp = _stamp(os.fstat(raw.fileno()))
                size = stamp[1]
                text = anonymous_memory(size + SPARE_BYTES)
                view = memoryview(text)
                done = 0
                while done < size:
                    n = raw.readinto(view[done:size])
                    if not n:
                        return  # shorter than it said: let the reader see for itself
                    done += n
                del view
            self.last = {byte: text.rfind(byte, 0, size) for byte in LOOKED_FOR}
            self.text, self.stamp = text, stamp
        except (OSError, MemoryError):
            pass  # the reader will meet the error and report it


def anonymous_memory(size: int) -> mmap.mmap:
    """``size`` zero bytes of fresh memory; on Linux its pages are mapped at once
    (``MAP_POPULATE``): about half the cost of faulting them in one by one as they are written."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if not populate:
        return mmap.mmap(-1, size)
    return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)


def _stamp(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns


def start(path: str | os.PathLike[str], format: str | None = None, *, count: bool = False) -> None:
    """Begin reading ``path`` if it is a file of :data:`FROM_BYTES` to :data:`UP_TO_BYTES`;
    with ``count``, go on to read its ballots (``read_ballots(path, format=format)``)."""
    where = os.path.abspath(os.fspath(path))
    try:
        if where in _pending or not FROM_BYTES <= os.path.getsize(where) <= UP_TO_BYTES:
            return
    except OSError:
        return
    read = _Read(where, os.fspath(path), format, count)
    _pending[where] = read
    read.thread.start()
    if count:
        # load the reader here, first, while that thread reads the file: else it would load
        # the reader while this thread loads other modules, each waiting on the other for the GIL
        import shortlist.formats.csv_lines  # noqa: F401


class Taken(NamedTuple):
    """A file's text (:data:`SPARE_BYTES` zero bytes after it), its size, and where the last
    of each of :data:`LOOKED_FOR` stands in it (-1: nowhere), found while modules loaded."""

    text: mmap.mmap
    size: int
    last: dict[bytes, int]


LOOKED_FOR = (b'"', b"\x00", b"\r")
"""The bytes the numpy CSV reader refuses or must know of (a quote, NUL, a carriage return)."""


def take(path: str | os.PathLike[str]) -> Taken | None:
    """The text of ``path`` if :func:`start` read it and the file is unchanged since; else
    ``None`` (read the file)."""
    where = os.path.abspath(os.fspath(path))
    read = _pending.get(where)
    if read is None:
        return None
    if read.thread is threading.current_thread():  # reading its ballots: the text is its own
        text, stamp = read.text, read.stamp
    else:
        if read.count:
            return None  # that thread reads the ballots: see ballots()
        del _pending[where]
        read.thread.join()
        text, stamp = read.text, read.stamp
    if text is None or stamp is None or not _unchanged(where, stamp):
        return None
    return Taken(text, stamp[1], read.last)


def ballots(path: str | os.PathLike[str], format: str | None) -> BallotFile | None:
    """The ballots of ``path`` read ahead in ``format``, once, if the file is unchanged since
    it was read; else ``None``. An error reading them is raised here."""
    where = os.path.abspath(os.fspath(path))
    read = _pending.get(where)
    if read is None or not read.count or read.format != format:
        return None
    if read.thread is threading.current_thread():
        return None  # the reading itself
    read.counted.wait()  # (still pending meanwhile: that thread takes its text from there)
    if _pending.pop(where, None) is not read:
        return None  # handed over to another thread meanwhile
    if read.stamp is None or not _unchanged(where, read.stamp):
        return None
    if read.error is not None:
        raise read.error
    return read.ballots


def _unchanged(where: str, stamp: tuple[int, int, int]) -> bool:
    try:
        return _stamp(os.stat(where)) == stamp
    except OSError:
        return False
