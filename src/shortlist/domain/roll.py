"""The member roll as CSV: ``number,name,status,branches[,email][,timezone]``.

``branches`` lists branch codes separated by ``;``; ``timezone`` (optional) is the IANA name of
the zone the member's windows are shown in (``Europe/Paris``; empty: the edition's). Every bad
row is reported at once with its line and field; a branch code unknown to the edition is a
problem too, and so is an unknown time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shortlist.domain.errors import EditionError, Problem
from shortlist.domain.model import Member, MemberStatus

COLUMNS = ("number", "name", "status", "branches")


def read_roll(
    path: str | Path, branches: Collection[str] | None = None, *, text: str | None = None
) -> list[Member]:
    """The members in the CSV file ``path``; :class:`EditionError` lists every bad row."""
    name = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise EditionError([Problem(name, "header", f"missing column(s) {', '.join(missing)}", 1)])
    problems: list[Problem] = []
    members: list[Member] = []
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        member = _member(row, name, line, branches, problems)
        if member is None:
            continue
        if member.number in seen:
            problems.append(Problem(name, "number", f"duplicate member {member.number!r}", line))
        seen.add(member.number)
        members.append(member)
    if problems:
        raise EditionError(problems)
    return members


def _member(
    row: dict[str, str | None],
    file: str,
    line: int,
    known: Collection[str] | None,
    problems: list[Problem],
) -> Member | None:
    before = len(problems)
    number = (row.get("number") or "").strip()
    name = (row.get("name") or "").strip()
    if not number:
        problems.append(Problem(file, "number", "is empty", line))
    if not name:
        problems.append(Problem(file, "name", "is empty", line))
    raw_status = (row.get("status") or "").strip().lower()
    try:
        status = MemberStatus(raw_status)
    except ValueError:
        allowed = ", ".join(s.value for s in MemberStatus)
        problems.append(Problem(file, "status", f"{raw_status!r} is not one of {allowed}", line))
    codes = frozenset(b.strip() for b in (row.get("branches") or "").split(";") if b.strip())
    for code in sorted(codes - set(known)) if known is not None else ():
        problems.append(Problem(file, "branches", f"unknown branch {code!r}", line))
    zone = (row.get("timezone") or "").strip()
    if zone and not _known_zone(zone):
        problems.append(
            Problem(file, "timezone", f"unknown time zone {zone!r} (e.g. Europe/Paris)", line)
        )
    if len(problems) > before:
        return None
    return Member(number, name, status, codes, (row.get("email") or "").strip(), zone)


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def write_roll(members: list[Member]) -> str:
    """The CSV text of ``members`` (the inverse of :func:`read_roll`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*COLUMNS, "email", "timezone"))
    for m in members:
        branches = ";".join(sorted(m.branches))
        writer.writerow((m.number, m.name, m.status.value, branches, m.email, m.timezone))
    return out.getvalue()
