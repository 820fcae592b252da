"""The first sheet of an xlsx workbook and its shared strings, read without openpyxl.

Importing openpyxl costs about a third of a second, more than counting a hundred thousand
rows; an ES&S workbook needs none of it to be read: its first sheet's XML (a zip member named
by the workbook's relationships) and its table of shared strings. This module opens those two
the way openpyxl does for a read-only workbook, for the plain case only: the first sheet a
worksheet, every shared string one ``<t>`` (phonetic hints aside: no rich-text runs, no ``_x``
escapes). Anything else raises :class:`Unreadable` and the caller opens the workbook with
openpyxl, which reads it (or reports what is wrong with it) as before.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET = f"{_DOC_RELS}/worksheet"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.%s.main+xml"
_MACRO_TYPE = "application/vnd.ms-excel.%s.macroEnabled.main+xml"
#: The workbook's content types, in the order openpyxl looks for them.
_WORKBOOK_TYPES = (
    _MACRO_TYPE % "template",
    _SHEET_TYPE % "template",
    _MACRO_TYPE % "sheet",
    _SHEET_TYPE % "sheet",
)
_SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: Phonetic hints of a shared string: not part of its text (openpyxl's ``Text.content``).
_HINTS = (f"{{{MAIN}}}phoneticPr", f"{{{MAIN}}}rPh")
#: Shared strings are parsed in one piece; a bigger table is left to openpyxl.
MAX_SHARED_STRINGS_BYTES = 64 << 20


class Unreadable(Exception):
    """Not a workbook this module reads: open it with openpyxl."""


class FirstSheet:
    """The first worksheet's XML stream and the shared strings (a context manager)."""

    def __init__(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            raise Unreadable("not an .xlsx file")  # openpyxl decides about the others
        try:
            self.book = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError) as err:
            raise Unreadable(str(err)) from None
        try:
            self.sheet_name, self.shared = _parts(self.book)
        except BaseException:
            self.book.close()
            raise

    def __enter__(self) -> tuple[IO[bytes], list[str]]:
        try:
            self.xml: IO[bytes] = self.book.open(self.sheet_name)
        except BaseException:
            self.book.close()
            raise
        return self.xml, self.shared

    def __exit__(self, *exc: object) -> None:
        self.xml.close()
        self.book.close()


def _parts(book: zipfile.ZipFile) -> tuple[str, list[str]]:
    """The first sheet's member name and the shared strings; :class:`Unreadable` on doubt.

    As openpyxl: the workbook part and the shared strings are the first parts of their
    content types in ``[Content_Types].xml``; the sheet is the workbook's first ``<sheet>``.
    """
    try:
        types = _content_types(book)
        workbooks = [types[t] for t in _WORKBOOK_TYPES if t in types]
        if not workbooks:
            raise Unreadable("no workbook part named in [Content_Types].xml")
        main = workbooks[0]
        folder = posixpath.dirname(main)
        rels = _relationships(
            book, posixpath.join(folder, "_rels", posixpath.basename(main) + ".rels")
        )
        workbook = ElementTree.fromstring(book.read(main))
        sheet = workbook.find(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
        if sheet is None:
            raise Unreadable("no sheet")
        kind, target = rels[sheet.get(f"{{{_DOC_RELS}}}id", "")]
        if kind != _WORKSHEET:
            raise Unreadable("the first sheet is not a worksheet")
        shared = types.get(_SHARED_TYPE)
        strings = _shared_strings(book, shared) if shared is not None else []
        name = _member(folder, target)
        book.getinfo(name)  # KeyError: no such sheet
        return name, strings
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ElementTree.ParseError) as err:
        raise Unreadable(str(err)) from None


def _content_types(book: zipfile.ZipFile) -> dict[str, str]:
    """Content type -> the member of the first part overriding it."""
    tree = ElementTree.fromstring(book.read("[Content_Types].xml"))
    found: dict[str, str] = {}
    for part in tree.iter(f"{{{_TYPES}}}Override"):
        name = part.get("PartName", "")
        found.setdefault(part.get("ContentType", ""), posixpath.normpath(name.lstrip("/")))
    return found


def _relationships(book: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target) of one ``.rels`` part."""
    tree = ElementTree.fromstring(book.read(name))
    return {
        r.get("Id", ""): (r.get("Type", ""), r.get("Target", ""))
        for r in tree.iter(f"{{{_RELS}}}Relationship")
        if r.get("TargetMode") != "External"
    }


def _member(folder: str, target: str) -> str:
    """The zip member a relationship's target names, relative to its part's folder."""
    if target.startswith("/"):
        return posixpath.normpath(target[1:])
    return posixpath.normpath(posixpath.join(folder, target))


def _shared_strings(book: zipfile.ZipFile, name: str) -> list[str]:
    """Each ``<si>``'s text when it is one plain ``<t>``, as openpyxl reads it."""
    if book.getinfo(name).file_size > MAX_SHARED_STRINGS_BYTES:
        raise Unreadable("a large table of shared strings")
    table = ElementTree.fromstring(book.read(name))
    strings: list[str] = []
    t_tag = f"{{{MAIN}}}t"
    for si in table.iter(f"{{{MAIN}}}si"):
        texts = [child for child in si if child.tag not in _HINTS]
        if len(texts) != 1 or texts[0].tag != t_tag or len(texts[0]):
            raise Unreadable("a rich-text shared string")
        text = texts[0].text or ""
        if "_x" in text:
            raise Unreadable("an escaped character in a shared string")
        strings.append(text)
    return strings
