"""A CSV ballot file read into memory on a second thread while the counting modules load.

``shortlist tabulate`` knows the file before it imports the counting method, the readers and
their standard-library modules (about 0.05 s on one core). :func:`start` reads the file
meanwhile, in one system call (which lets go of the GIL), into a buffer with :data:`SPARE_BYTES`
zero bytes after the text; the numpy CSV reader (:mod:`shortlist.formats.csv_lines`) then
:func:`take` s it instead of reading the file itself. A buffer is handed over only for the same
file, unchanged since it was read (same inode, size and modification time), and only once;
otherwise the reader reads the file as usual.
"""

from __future__ import annotations

import os
import threading

SPARE_BYTES = 4096
"""Zero bytes after the text (the reader needs a few hundred)."""
FROM_BYTES = 1 << 20
UP_TO_BYTES = 64 << 20
"""Only files of these sizes are read ahead: the ones the numpy CSV reader reads first
(``csv.FAST_PATH_BYTES`` to ``csv_lines.NUMPY_FIRST_BYTES``; a test keeps them equal)."""

_pending: dict[str, _Read] = {}


class _Read:
    def __init__(self, path: str) -> None:
        self.path = path
        self.text: bytearray | None = None
        self.stamp: tuple[int, int, int] | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with open(self.path, "rb", buffering=0) as raw:
                stamp = _stamp(os.fstat(raw.fileno()))
                size = stamp[1]
                text = bytearray(size + SPARE_BYTES)
                view = memoryview(text)
                done = 0
                while done < size:
                    n = raw.readinto(view[done:size])
                    if not n:
                        return  # shorter than it said: let the reader see for itself
                    done += n
                del view
            self.text, self.stamp = text, stamp
        except (OSError, MemoryError):
            pass  # the reader will meet the error and report it


def _stamp(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns


def start(path: str | os.PathLike[str]) -> None:
    """Begin reading ``path`` if it is a file of :data:`FROM_BYTES` to :data:`UP_TO_BYTES`."""
    where = os.path.abspath(os.fspath(path))
    try:
        if where in _pending or not FROM_BYTES <= os.path.getsize(where) <= UP_TO_BYTES:
            return
    except OSError:
        return
    read = _Read(where)
    _pending[where] = read
    read.thread.start()


def take(path: str | os.PathLike[str]) -> tuple[bytearray, int] | None:
    """The text of ``path`` (:data:`SPARE_BYTES` zero bytes after it) and its size, if
    :func:`start` read it and the file is unchanged since; else ``None`` (read the file)."""
    read = _pending.pop(os.path.abspath(os.fspath(path)), None)
    if read is None:
        return None
    read.thread.join()
    if read.text is None or read.stamp is None:
        return None
    try:
        if _stamp(os.stat(read.path)) != read.stamp:
            return None
    except OSError:
        return None
    return read.text, read.stamp[1]
