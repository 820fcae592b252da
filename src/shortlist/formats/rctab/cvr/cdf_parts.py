"""CDF JSON CVR lines grouped by :mod:`.cdf_bulk` on both cores.

Each part of the report is read by :func:`take_all`: a helper thread prepares each read (its
lines found, its ids overwritten) while this thread hashes, groups and verifies the read
before. The two threads share one interpreter lock, so a big report is also cut in two at
the start of a CVR line near its middle: a forked child process groups the second part (it
reads with ``os.pread``, so the parent's file position is untouched) while this process
groups the first, which must end exactly at the cut. The child sends back its groups (their
first lines, units, counts, first lines' numbers, ballot ids) and where its reads stopped;
they are renumbered into this process's (:meth:`.cdf_bulk.Grouping.absorb`). The parts are
grouped exactly as one pass would group them: groups are keyed by their text, lines
numbered in file order, and every check runs in each part. Outside Linux, with other threads
running (a web server's), for a small report, or where no CVR line starts near the middle,
the report is one part. Anything that fails in either part raises :class:`.cdf_bulk.Doubt`
(the child is then stopped).
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from shortlist.formats.rctab.cvr.cdf_bulk import SEPARATOR, Doubt, Grouping
from shortlist.formats.rctab.cvr.handoff import put_unless_stopped

#: A report smaller than this is one part (forking costs more than it saves).
PARTS_FROM = 64 << 20
#: The first part's last read reaches this many bytes past the cut (so its last line has room).
_OVER = 32


def group_lines(handle: BinaryIO, grouping: Grouping, text: bytes, start: int, chunk: int) -> bytes:
    """Group the CVR lines of the report from ``start`` in ``text`` (its first bytes, all
    read from ``handle``) on; the bytes from the first line not taken to the end of the last
    read, ``handle`` left after that read."""
    cut = _cut(handle, len(text) + chunk) if _may_fork() else None
    if cut is None:
        buffer, pos, _ = take_all(grouping, bytearray(text), start, _reads(handle, chunk), chunk)
        return bytes(buffer[pos:])
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child ends with os._exit; its work is checked here)
        os.close(read_end)
        _second_part(handle.fileno(), cut, chunk, write_end)
    os.close(write_end)
    try:
        stop = cut + _OVER
        buffer, pos, ended = take_all(
            grouping, bytearray(text), start, _reads(handle, chunk, stop), chunk
        )
        if ended or len(buffer) - pos != _OVER or handle.tell() != stop:
            raise Doubt("the first part does not end where the second begins")
        with os.fdopen(read_end, "rb") as pipe:
            read_end = -1
            found = pickle.load(pipe)
    except BaseException:
        os.kill(child, signal.SIGKILL)
        raise
    finally:
        if read_end >= 0:
            os.close(read_end)
        os.waitpid(child, 0)
    if found[0] != "taken":
        raise Doubt(f"the second part: {found[1]}")
    _, second, rest, stopped = found
    grouping.absorb(second)
    handle.seek(stopped)
    return bytes(rest)


def _may_fork() -> bool:
    """Linux, and no other thread in this process (a forked child has only the thread that
    forked: a lock another thread held would stay held in it)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _cut(handle: BinaryIO, lowest: int) -> int | None:
    """Where a CVR line starts near the middle of the report (None: one part)."""
    size = os.fstat(handle.fileno()).st_size
    if size < PARTS_FROM or size // 2 < lowest:
        return None
    found = os.pread(handle.fileno(), 1 << 16, size // 2).find(SEPARATOR)
    return None if found < 0 else size // 2 + found + len(SEPARATOR) - 1


def _reads(handle: BinaryIO, chunk: int, stop: int | None = None) -> Callable[[], bytes]:
    """The next read of ``handle`` (at most up to ``stop``)."""
    if stop is None:
        return lambda: handle.read(chunk)
    return lambda: handle.read(max(0, min(chunk, stop - handle.tell())))


def _second_part(fd: int, cut: int, chunk: int, write_end: int) -> None:  # pragma: no cover
    """In the child: group the lines from ``cut``, send the groups, end the process."""
    try:
        at = cut

        def more() -> bytes:
            nonlocal at
            read = os.pread(fd, chunk, at)
            at += len(read)
            return read

        grouping = Grouping()
        buffer, pos, _ = take_all(grouping, bytearray(more()), 0, more, chunk)
        found: tuple[Any, ...] = ("taken", grouping.sent(), bytes(buffer[pos:]), at)
    except BaseException as exc:
        found = ("refused", repr(exc))
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(found, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def take_all(
    grouping: Grouping, buffer: bytearray, pos: int, more: Callable[[], bytes], chunk: int
) -> tuple[bytearray, int, bool]:
    """Take the CVR lines of ``buffer`` from ``pos`` and of the reads ``more()`` gives after
    it (b"": the end), until they end; the last buffer, where its first line not taken
    starts, and whether the CVR lines ended before the reads did. Each read is prepared on a
    helper thread while the one before is merged on this one (numpy lets go of the
    interpreter in its loops); a buffer of more than four reads without a whole line is
    refused."""
    done: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: Any) -> None:
        put_unless_stopped(done, item, stop)

    def prepare_each(buffer: bytearray, pos: int) -> None:
        try:
            while not stop.is_set():
                read, pos, ended = grouping.prepare(buffer, pos)
                if read is not None:
                    put(read)
                extra = b"" if ended else more()
                if not extra:
                    put((buffer, pos, ended))
                    return
                buffer, pos = buffer[pos:] + extra, 0
                if len(buffer) > 4 * chunk:
                    raise Doubt("no line ends in a read")
        except BaseException as exc:  # raised again on the caller's thread
            put(exc)

    helper = threading.Thread(target=prepare_each, args=(buffer, pos), daemon=True)
    helper.start()
    try:
        while True:
            item = done.get()
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, tuple):
                return item
            grouping.merge(item)
    finally:
        stop.set()
        helper.join()
