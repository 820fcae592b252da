"""Stream a large JSON document: its top-level members, and the items of one big array.

The standard library decodes whole documents only. :class:`JsonStream` keeps a window of the
file and decodes one value at a time with :meth:`json.JSONDecoder.raw_decode` (C speed), so a
CVR report with millions of records is read with memory for one record at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from shortlist.errors import BallotFileError

_CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\r\n]*")


class JsonStream:
    """A forward-only reader of one JSON document."""

    def __init__(self, handle: TextIO, where: str) -> None:
        self.handle = handle
        self.where = where
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.start_line = 1
        self.eof = False
        self.decoder = json.JSONDecoder()

    # -- the window ---------------------------------------------------------------------------

    def _more(self, at_least: int = _CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(max(at_least, _CHUNK))
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def _advance(self, end: int) -> None:
        self.line += self.buffer.count("\n", self.pos, end)
        self.pos = end

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            end = _SPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if end > self.pos:
                self.line += self.buffer.count("\n", self.pos, end)
                self.pos = end
            if self.pos < len(self.buffer) or not self._more():
                return self.buffer[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"expected {char!r}")
        self.pos += 1

    def fail(self, what: str) -> None:
        found = self.peek() if not self.eof or self.pos < len(self.buffer) else ""
        reason = f"{what}, found {found!r}" if found else f"{what}: the file ends (truncated?)"
        raise BallotFileError(f"not valid JSON: {reason}", path=self.where, line=self.line)

    # -- values -------------------------------------------------------------------------------

    def value(self) -> Any:
        """Decode the next complete value."""
        self.peek()
        self.start_line = self.line
        grow = _CHUNK
        while True:
            try:
                found, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as err:
                if self._more(grow):
                    grow *= 2
                    continue
                self.line += self.buffer.count("\n", self.pos, err.pos)
                self.pos = err.pos
                self.fail(f"malformed value ({err.msg})")
                raise  # unreachable: fail raises
            if end == len(self.buffer) and not self.eof and self._more():
                continue  # a number may go on in the next chunk
            self._advance(end)
            return found

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; read each value before the next key."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                self.fail("expected a key")
            self.expect(":")
            yield key
            following = self.peek()
            self.pos += 1
            if following == "}":
                return
            if following != ",":
                self.pos -= 1
                self.fail("expected ',' or '}'")

    def items(self) -> Iterator[Any]:
        """The items of the array that starts here, decoded one by one."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            following = self.peek()
            self.pos += 1
            if following == "]":
                return
            if following != ",":
                self.pos -= 1
                self.fail("expected ',' or ']'")


def open_stream(path: Path, where: str) -> tuple[TextIO, JsonStream]:
    """Open ``path`` as UTF-8 (a byte-order mark allowed) for streaming."""
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as err:
        raise BallotFileError(f"cannot open ({err.strerror})", path=where) from None
    return handle, JsonStream(handle, where)
