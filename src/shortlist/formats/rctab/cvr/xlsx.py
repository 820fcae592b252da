"""The rows of an xlsx sheet, fast: its XML scanned in chunks, identical rows parsed once.

openpyxl opens the workbook (read-only) and reads its shared strings; the sheet's XML is then
scanned with regular expressions rather than an XML parser, which is what makes a million-row
ES&S sheet take seconds. Rows are yielded as openpyxl's parser would see them, and only the
rows present in the XML (as RCTab's reader does). A cell with a formula, a rich inline string
or anything else unexpected is left to openpyxl: :class:`Unsupported` tells the caller to read
the sheet with it instead.
"""

from __future__ import annotations

import html
import queue
import re
import threading
from collections import Counter
from collections.abc import Generator, Iterator
from itertools import islice, repeat
from typing import IO, Any

from shortlist.formats.rctab.cvr.handoff import put_unless_stopped

#: ``(row number, body with the row digits taken out of its cell references)``
RawRow = tuple[int, str]

_ROW = re.compile(r'<row\b(?:[^>]*?\br="(\d+)")?[^>]*?(?:/>|>(.*?)</row>)', re.S)
_ROW_START = re.compile(r'<row\b(?:[^>]*?\br="(\d+)")?')
_SIMPLE_CELL = re.compile(
    r'<c r="([A-Z]+)\d*"(?: s="\d+")?(?: t="(\w+)")?(?: s="\d+")?(?:/>|>(?:<v>([^<]*)</v>)?</c>)'
)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF_DIGITS = re.compile(
    r'(?<=\br="[A-Z])\d+(?=")|(?<=\br="[A-Z]{2})\d+(?=")|(?<=\br="[A-Z]{3})\d+(?=")'
)
_ATTR_REF = re.compile(r'\br="([A-Z]+)\d*"')
_ATTR_TYPE = re.compile(r'\bt="(\w+)"')
_VALUE = re.compile(r"<v>(.*?)</v>", re.S)
_INLINE = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.S)
_INTEGER = re.compile(r"-?\d+")
_CHUNK = 1 << 22


class Unsupported(Exception):
    """The sheet holds something this scanner does not read; use openpyxl."""


def cells_of_columns(letters: list[str]) -> re.Pattern[str]:
    """The cells of some columns (their row digits already taken out), to drop them."""
    names = "|".join(letters)
    return re.compile(rf'<c\b[^>]*?\br="(?:{names})"[^>]*?(?:/>|>.*?</c>)', re.S)


def valued_cells_of_column(letters: str) -> re.Pattern[str]:
    """The cells of one column that hold a value."""
    return re.compile(rf'<c\b[^>]*?\br="{letters}"[^>/]*?>(?:(?!</c>).)*?<(?:v|is)>', re.S)


def _chunks(xml: IO[bytes]) -> Iterator[str]:
    """The sheet XML as text, cut before a ``<row``."""
    pending = ""
    tail = b""
    while True:
        data = xml.read(_CHUNK)
        last = not data
        raw = tail + data
        cut = len(raw) if last else _utf8_cut(raw)
        tail = raw[cut:]
        pending += raw[:cut].decode("utf-8")
        end = len(pending) if last else pending.rfind("<row")
        if end > 0:
            yield pending[:end]
            pending = pending[end:]
        if last:
            return


def scan_batches(xml: IO[bytes]) -> Iterator[list[Any]]:
    """The rows present in the sheet XML as ``(number text, body)`` lists, chunk by chunk.

    Cell references lose their row digits, so identical rows have identical bodies. A row
    with no number is ``""`` (it follows the one before).
    """
    for text in _chunks(xml):
        yield _ROW.findall(_REF_DIGITS.sub("", text))


def split_at_row(text: str, first_row: int, previous: int) -> tuple[int, int]:
    """Where the first row numbered ``first_row`` or more starts in ``text`` (or its end),
    and the number of the last row before it."""
    for match in _ROW_START.finditer(text):
        number = int(match.group(1)) if match.group(1) else previous + 1
        if number >= first_row:
            return match.start(), previous
        previous = number
    return len(text), previous


def chunks(xml: IO[bytes]) -> Iterator[str]:
    """The sheet XML as text chunks that cut no row."""
    return _chunks(xml)


def rows_in(text: str) -> list[Any]:
    """``(number text, body)`` of every row in a chunk, row digits out of cell references."""
    return _ROW.findall(_REF_DIGITS.sub("", text))


def count_rows(text: str, counts: Counter[str], first: dict[str, str]) -> None:
    """Count the rows of a chunk by body (row digits out of references) into ``counts``;
    ``first`` keeps the number of the first row of each body.

    The common case (every row tag starting ``<row r="``, none self-closing, no inline
    strings) is split on ``</row>`` and each row's number taken out of its text with one
    replace (its own tag then reads ``r=""``); anything else goes through the regular
    expressions.
    """
    start = text.find("<row")
    text = text[start:] if start > 0 else text
    pieces = text.split("</row>")[:-1]
    plain = text.count('<row r="') == len(pieces) == text.count("<row")
    if not plain or "<is>" in text:
        for number, body in rows_in(text):
            counts[body] += 1
            first.setdefault(body, number)
        return
    bodies = [p.replace(p[8 : p.index('"', 8)] + '"', '"') for p in pieces]
    new = set(bodies).difference(counts)
    if new:
        for piece, body in zip(pieces, bodies, strict=True):
            if body in new and body not in first:
                first[body] = piece[8 : piece.index('"', 8)]
    counts.update(bodies)


def raw_chunks(xml: IO[bytes]) -> Generator[bytes, None, None]:
    """The sheet XML as undecoded chunks, each cut before a ``<row`` (no row cut in two).

    The archive is inflated on a thread of its own, a few chunks ahead (zlib lets go of the
    interpreter while it inflates), so inflating and counting the rows overlap.
    """
    pending = b""
    for data in _read_ahead(xml):
        end = data.rfind(b"<row")
        if end < 0 or not (pending or end):
            pending += data
            continue
        yield b"".join((pending, memoryview(data)[:end]))  # one copy, not two
        pending = data[end:]
    if pending:
        yield pending


def _read_ahead(xml: IO[bytes], depth: int = 2) -> Iterator[bytes]:
    """``xml.read(_CHUNK)`` until the end, on a thread; its error is raised here."""
    ready: queue.Queue[bytes | BaseException] = queue.Queue(depth)
    stop = threading.Event()

    def inflate() -> None:
        try:
            while not stop.is_set():
                data = xml.read(_CHUNK)
                put_unless_stopped(ready, data, stop)
                if not data:
                    return
        except BaseException as err:  # handed to the reader, which raises it
            put_unless_stopped(ready, err, stop)

    worker = threading.Thread(target=inflate, name="xlsx-inflate", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()
        worker.join()


#: What no plain row holds: text that may contain ``"`` (formula results, inline and error
#: strings) or a formula.
_NOT_PLAIN = (b't="str"', b't="inlineStr"', b't="e"', b"<is", b"<f")


def count_plain_rows(chunk: bytes, counts: Counter[bytes], first: dict[bytes, int]) -> bool:
    """Count the rows of a plain chunk by body, as :func:`count_rows` does, in bulk.

    Plain: every row reads ``<row r="N"...>...</row>`` with no space between rows, the rows
    are numbered one after another, and no cell holds text that may contain ``"``. Each
    row's body is its text with ``N"`` (its number where a reference or its own tag ends)
    replaced by ``"``: one C call per row. What is not plain shows in the bodies: a row whose
    number is not the one expected keeps digits in its tag, a self-closing row joins the next
    one, a text cell keeps its type. So every body not counted before is checked; if one
    fails, the chunk is refused (False) and nothing is counted.
    """
    start = chunk.find(b"<row")
    if start < 0:
        return False
    pieces = chunk[start:].split(b"</row>")
    if b"<row" in pieces.pop():
        return False
    n = len(pieces)
    head = pieces[0] if n else b""
    digits = head[8 : head.find(b'"', 8)]
    if not digits.isdigit():
        return False
    number = int(digits)
    ends = [b'%d"' % i for i in range(number, number + n)]
    bodies = list(map(bytes.replace, pieces, ends, repeat(b'"', n)))
    known = len(counts)
    counts.update(bodies)  # a Counter keeps its keys in the order first seen
    fresh = list(islice(reversed(counts.keys()), len(counts) - known))
    if not all(map(_plain_body, fresh)):
        counts.subtract(bodies)
        for body in fresh:
            del counts[body]
        return False
    if len(fresh) > 16:
        where = dict(zip(reversed(bodies), range(n - 1, -1, -1), strict=True))  # first row
        first.update((body, number + where[body]) for body in fresh)
    else:
        first.update((body, number + bodies.index(body)) for body in fresh)
    return True


def _plain_body(body: bytes) -> bool:
    return (
        body.startswith(b'<row r=""')
        and body.count(b"<row") == 1
        and not any(mark in body for mark in _NOT_PLAIN)
    )


def scan_rows(xml: IO[bytes]) -> Iterator[RawRow]:
    """Every row present in the sheet XML, in order, with its number."""
    previous = 0
    for batch in scan_batches(xml):
        for number, body in batch:
            previous = int(number) if number else previous + 1
            yield previous, body


def _utf8_cut(raw: bytes) -> int:
    """The length of ``raw`` without a UTF-8 sequence cut in two at its end."""
    cut = len(raw)
    for back in range(1, 4):
        if cut - back < 0:
            break
        byte = raw[cut - back]
        if byte & 0xC0 == 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return cut if back >= need else cut - back
        if byte & 0x80 == 0:
            break
    return cut


def cells(body: str, shared: list[str]) -> list[Any]:
    """The values of one row body by 0-based column (None: no value), as openpyxl reads them."""
    simple = _SIMPLE_CELL.findall(body)
    if len(simple) == body.count("<c ") and "<c>" not in body:
        values: list[Any] = []
        for letters, typ, text in simple:
            if text:
                _place(values, _column(letters), _typed(typ or "n", text, shared))
        return values
    return _cells(body, shared)


def _place(values: list[Any], column: int, value: Any) -> None:
    if column < len(values):
        raise Unsupported("cells out of order")
    values.extend([None] * (column - len(values)))
    values.append(value)


def _cells(body: str, shared: list[str]) -> list[Any]:
    values: list[Any] = []
    for match in _CELL.finditer(body):
        attrs, inner = match.group(1), match.group(2)
        ref = _ATTR_REF.search(attrs)
        column = _column(ref.group(1)) if ref else len(values)
        value = _value(attrs, inner, shared) if inner else None
        if value is not None:
            _place(values, column, value)
    return values


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _value(attrs: str, inner: str, shared: list[str]) -> Any:
    if "<f" in inner:
        raise Unsupported("a formula")
    kind = _ATTR_TYPE.search(attrs)
    typ = kind.group(1) if kind else "n"
    if typ == "inlineStr":
        if "<r>" in inner or "<rPh" in inner:
            raise Unsupported("a rich inline string")
        return "".join(html.unescape(t) for t in _INLINE.findall(inner))
    found = _VALUE.search(inner)
    if found is None or not found.group(1):
        return None
    return _typed(typ, found.group(1), shared)


def _typed(typ: str, text: str, shared: list[str]) -> Any:
    """A ``<v>`` text as the value of a cell of type ``typ``."""
    if typ == "s":
        return shared[int(text)]
    if typ == "n":
        return int(text) if _INTEGER.fullmatch(text) else float(text)
    if typ == "b":
        return text == "1"
    if typ in ("str", "e"):
        return html.unescape(text)
    raise Unsupported(f"cell type {typ!r}")
