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
import re
from collections.abc import Iterator
from typing import IO, Any

#: ``(row number, body with the row digits taken out of its cell references)``
RawRow = tuple[int, str]

_ROW = re.compile(r'<row\b(?:[^>]*?\br="(\d+)")?[^>]*?(?:/>|>(.*?)</row>)', re.S)
_ROW_START = re.compile(r'<row\b(?:[^>]*?\br="(\d+)")?')
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


def count_rows(text: str, counts: dict[str, list[Any]]) -> None:
    """Count the rows of a chunk by body (row digits out of references) into ``counts``.

    ``counts[body]`` is ``[rows, number of the first]``. The common case (every row numbered,
    none self-closing, no inline strings) is split on ``</row>`` and each row's number taken
    out of its text with one replace (the row's own tag then reads ``r=""``); anything else
    goes through the regular expressions.
    """
    if "<is>" in text or text.count("<row") != text.count("</row>") or "<row>" in text:
        for number, body in rows_in(text):
            _tally(counts, body, number)
        return
    for piece in text.split("</row>")[:-1]:
        if piece.startswith('<row r="'):
            number = piece[8 : piece.index('"', 8)]
        else:
            at = piece.find('<row r="')
            if at < 0:
                raise Unsupported("a row without its number")
            number = piece[at + 8 : piece.index('"', at + 8)]
            piece = piece[at:]
        body = piece.replace(number + '"', '"')
        entry = counts.get(body)
        if entry is None:
            counts[body] = [1, number]
        else:
            entry[0] += 1


def _tally(counts: dict[str, list[Any]], body: str, number: str) -> None:
    entry = counts.get(body)
    if entry is None:
        counts[body] = [1, number]
    else:
        entry[0] += 1


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
    values: list[Any] = []
    for match in _CELL.finditer(body):
        attrs, inner = match.group(1), match.group(2)
        ref = _ATTR_REF.search(attrs)
        column = _column(ref.group(1)) if ref else len(values)
        value = _value(attrs, inner, shared) if inner else None
        if value is None:
            continue
        if column < len(values):
            raise Unsupported("cells out of order")
        values.extend([None] * (column - len(values)))
        values.append(value)
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
    if found is None:
        return None
    text = found.group(1)
    if not text:
        return None
    if typ == "s":
        return shared[int(text)]
    if typ == "n":
        return int(text) if _INTEGER.fullmatch(text) else float(text)
    if typ == "b":
        return text == "1"
    if typ in ("str", "e"):
        return html.unescape(text)
    raise Unsupported(f"cell type {typ!r}")
