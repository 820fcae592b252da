"""Hart cast-vote records: one XML file per ballot sheet, in a folder or a zip archive.

As RCTab reads them: every ``*.xml`` file but signatures (``*.sig.xml``); in each, every
``Contest`` whose ``Id`` is the source's ``contestId`` is a record; an ``Option``'s ``Value``
is a string of 0/1 marks, one per rank (``0100``: rank 2); the option ``Id`` is the
candidate (the config's aliases), the undeclared write-in label an option id. The record id is
the ``CvrGuid``, the batch the ``BatchNumber``, the precinct the ``PrecinctSplit`` name and the
portion its id. Files are read in name order (RCTab takes the folder's listing order).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.rankings import Rankings
from shortlist.formats.rctab.cvr.records import UNDECLARED_WRITE_INS, CastVoteRecord, CvrSource


def _is_cvr(name: str) -> bool:
    lower = name.lower()
    return lower.endswith("xml") and not lower.endswith(".sig.xml")


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the records of the source's contest, one sheet file at a time."""
    del max_rankings
    if source.path.is_dir():
        return _from_folder(source)
    if zipfile.is_zipfile(source.path):
        return _from_zip(source)
    raise BallotFileError(
        "a Hart source is a folder or a zip archive of XML files",
        path=source.shown_path,
        field="filePath",
    )


def _from_folder(source: CvrSource) -> Iterator[CastVoteRecord]:
    for path in sorted(p for p in source.path.iterdir() if _is_cvr(p.name)):
        where = str(Path(source.shown_path) / path.name)
        with path.open("rb") as handle:
            yield from _sheet(handle, where, source)


def _from_zip(source: CvrSource) -> Iterator[CastVoteRecord]:
    try:
        with zipfile.ZipFile(source.path) as archive:
            for name in sorted(n for n in archive.namelist() if _is_cvr(n)):
                with archive.open(name) as handle:
                    yield from _sheet(handle, f"{source.shown_path}!{name}", source)
    except (zipfile.BadZipFile, EOFError) as err:
        raise BallotFileError(
            f"the zip archive is damaged ({err})", path=source.shown_path
        ) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None, name: str) -> str | None:
    child = None if element is None else _child(element, name)
    return None if child is None else (child.text or "").strip()


def _sheet(handle: IO[bytes], where: str, source: CvrSource) -> Iterator[CastVoteRecord]:
    try:
        root = ET.parse(handle).getroot()
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        raise BallotFileError(f"not well-formed XML ({err})", path=where, line=line) from None
    contests = _child(root, "Contests")
    split = _child(root, "PrecinctSplit")
    for contest in contests if contests is not None else ():
        if _text(contest, "Id") != source.contest_id:
            continue
        yield CastVoteRecord(
            where=where,
            line=None,
            record_id=_text(root, "CvrGuid"),
            vendor_id=_text(root, "CvrGuid"),
            contest_id=source.contest_id,
            tabulator_id=None,
            batch=_text(root, "BatchNumber"),
            precinct=_text(split, "Name"),
            precinct_portion=_text(split, "Id"),
            ranks=_ranks(contest, where, source),
        )


def _ranks(contest: ET.Element, where: str, source: CvrSource) -> tuple[tuple[str, ...], ...]:
    rankings = Rankings(where, None)
    options = _child(contest, "Options")
    for option in options if options is not None else ():
        code = _text(option, "Id") or ""
        if code == source.undeclared_write_in_label:
            code = UNDECLARED_WRITE_INS
        for rank, mark in enumerate(_text(option, "Value") or "", start=1):
            if mark == "1":
                rankings.add(rank, code)
    return rankings.ranks()
