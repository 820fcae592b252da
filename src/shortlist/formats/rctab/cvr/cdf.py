"""NIST SP 1500-103 common data format (CDF) cast-vote records, JSON and XML.

As RCTab reads them: the contest is the one whose ``Name`` is the source's ``contestId``; each
CVR's current snapshot holds its ``CVRContest`` for that contest; each selection names a
``ContestSelection`` of the contest, whose first candidate gives the name (a write-in
selection, or a position with a ``CVRWriteIn``, is an undeclared write-in). The rank is the
selection's ``Rank`` or, per ``SelectionPosition``, its ``Rank``; positions with
``HasIndication`` or ``IsAllocable`` ``no`` are skipped. The precinct is the ``Name`` of the
ballot style's ``GpUnit``; the batch is ``BatchSequenceId``; the record id is
``<file>(<n>)``.

JSON is streamed with :class:`~.jsonstream.JsonStream`, XML with ``iterparse``; both read
the file twice when the CVRs come before the election they refer to, never holding more than
one CVR.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr import cdf_fast, cdf_xml
from shortlist.formats.rctab.cvr.jsonstream import open_stream
from shortlist.formats.rctab.cvr.rankings import ranks_of
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CastVoteRecord,
    CvrSource,
)

NO = "no"
TRUE = "true"


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the CVRs of one CDF file (``.json`` or ``.xml``) for the source's contest."""
    del max_rankings  # a ranking beyond it is the tabulation's error, as in RCTab
    if source.path.suffix.lower() == ".xml":
        return cdf_xml.read(source)
    if source.path.suffix.lower() != ".json":
        raise BallotFileError(
            "a CDF file must end in .json or .xml", path=source.shown_path, field="filePath"
        )
    return _read_json(source)


@dataclass(frozen=True)
class Election:
    """What the CVRs refer to: the contest's id, its selections' names, the precincts."""

    contest_id: str
    selection_names: dict[str, str]
    precincts: dict[str, str]
    members: dict[str, Any]


def _read_json(source: CvrSource) -> Iterator[CastVoteRecord]:
    where = source.shown_path
    election = _json_election(source)
    handle, stream = open_stream(source.path, where)
    name = source.path.name
    with handle:
        try:
            for key in stream.members():
                if key != "CVR":
                    _same_as_guessed(key, stream.value(), election, where)
                    continue
                n = 0
                for cvr in stream.items():
                    record = _json_record(
                        cvr, election, where, stream.start_line, f"{name}({n + 1})"
                    )
                    if record is not None:
                        n += 1
                        yield record
        except UnicodeDecodeError as err:
            raise BallotFileError(f"not UTF-8 text ({err.reason})", path=where) from None


def _json_election(source: CvrSource) -> Election:
    """What the CVRs refer to: from the file's tail when it is there, else a first pass."""
    head = _tail_members(source) or _head_members(source)
    return _election_of(head, source)


#: How much of a large file's end is searched for the election (RCTab writes it last).
TAIL = 1 << 24
_TOP_KEYS = ("Election", "GpUnit")


def _tail_members(source: CvrSource) -> dict[str, Any] | None:
    """``Election`` and ``GpUnit`` decoded from the end of a large file, or None.

    The main pass checks them against the members it meets, so a wrong guess is an error,
    never a wrong count.
    """
    size = source.path.stat().st_size
    if size <= TAIL:
        return None
    with source.path.open("rb") as handle:
        handle.seek(size - TAIL)
        text = handle.read().decode("utf-8", errors="replace")
    found: dict[str, Any] = {}
    decoder = json.JSONDecoder()
    for key in _TOP_KEYS:
        at = _last_key(text, key)
        if at is None:
            return None
        try:
            value, _ = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            return None
        if not isinstance(value, list):
            return None
        found[key] = value
    return found


_COLON = re.compile(r"\s*:\s*")


def _last_key(text: str, key: str) -> int | None:
    """Where the value of the last ``"key":`` in ``text`` (its quote not escaped) starts."""
    quoted = f'"{key}"'
    end = len(text)
    while (at := text.rfind(quoted, 0, end)) >= 0:
        colon = _COLON.match(text, at + len(quoted))
        if colon is not None and text[at - 1 : at] != "\\":
            return colon.end()
        end = at
    return None


def _head_members(source: CvrSource) -> dict[str, Any]:
    """A first pass over the whole file: every member but the CVRs (skipped one by one)."""
    where = source.shown_path
    handle, stream = open_stream(source.path, where)
    head: dict[str, Any] = {}
    with handle:
        try:
            for key in stream.members():
                if key == "CVR":
                    for _ in stream.items():
                        pass
                else:
                    head[key] = stream.value()
        except UnicodeDecodeError as err:
            raise BallotFileError(f"not UTF-8 text ({err.reason})", path=where) from None
    return head


def _election_of(head: dict[str, Any], source: CvrSource) -> Election:
    where = source.shown_path
    candidates: dict[str, str] = {}
    contest: dict[str, Any] | None = None
    for election in _list(head, "Election", where):
        for candidate in election.get("Candidate") or ():
            _put_unique(candidates, candidate.get("@id"), candidate.get("Name"), "Candidate", where)
        for item in election.get("Contest") or ():
            if item.get("Name") == source.contest_id:
                contest = item
                break
    if contest is None:
        raise BallotFileError(
            f"contest {source.contest_id!r} from the config is not in the file",
            path=where,
            field="contestId",
        )
    names: dict[str, str] = {}
    for selection in contest.get("ContestSelection") or ():
        ident = selection.get("@id")
        _put_unique(
            names, ident, _selection_name(selection, candidates, source), "selection", where
        )
    precincts: dict[str, str] = {}
    for unit in head.get("GpUnit") or ():
        _put_unique(precincts, unit.get("@id"), unit.get("Name"), "GpUnit", where)
    members = {k: head.get(k) for k in _TOP_KEYS}
    return Election(str(contest.get("@id")), names, precincts, members)


def _same_as_guessed(key: str, value: Any, election: Election, where: str) -> None:
    if key in election.members and value != election.members[key]:
        raise BallotFileError(
            f"the report's {key} is not the one found at its end; the file is not one report",
            path=where,
            field=key,
        )


def _list(head: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    found = head.get(key)
    if not isinstance(found, list):
        raise BallotFileError(f"the report has no {key} list", path=where, field=key)
    return found


def _put_unique(table: dict[str, str], key: Any, value: Any, kind: str, where: str) -> None:
    if key in table:
        raise BallotFileError(f"{kind} {key!r} appears more than once", path=where, field="@id")
    table[str(key)] = str(value)


def _selection_name(
    selection: dict[str, Any], candidates: dict[str, str], source: CvrSource
) -> str:
    ident = selection.get("@id")
    if selection.get("IsWriteIn") == TRUE:
        return UNDECLARED_WRITE_INS
    ids = selection.get("CandidateIds") or ()
    if not ids:
        raise BallotFileError(
            f"contest selection {ident!r} has no CandidateIds",
            path=source.shown_path,
            field="CandidateIds",
        )
    name = candidates.get(ids[0])
    if name is None:
        raise BallotFileError(
            f"candidate {ids[0]!r} of contest selection {ident!r} is not in the candidate list",
            path=source.shown_path,
            field="CandidateIds",
        )
    return OVERVOTE if name == source.overvote_label else name


def _json_record(
    cvr: dict[str, Any], election: Election, where: str, line: int, record_id: str
) -> CastVoteRecord | None:
    contest = _json_contest(cvr, election.contest_id, where, line)
    if contest is None:
        return None
    names = election.selection_names
    pairs: list[tuple[Any, str]] = []
    for selection in contest.get("CVRContestSelection") or ():
        ident = selection.get("ContestSelectionId")
        name = names.get(ident)
        if name is None:
            raise BallotFileError(
                f"contest selection {ident!r} is not in the contest",
                path=where,
                line=line,
                field="ContestSelectionId",
            )
        if "Rank" in selection:
            pairs.append((selection["Rank"], name))
            continue
        for position in selection.get("SelectionPosition") or ():
            if "CVRWriteIn" in position:
                name = UNDECLARED_WRITE_INS
            if position.get("HasIndication") == NO or position.get("IsAllocable") == NO:
                continue
            pairs.append((position.get("Rank"), name))
    unit = cvr.get("BallotStyleUnitId")
    return CastVoteRecord(
        where,
        line,
        record_id,
        _text(cvr.get("BallotPrePrintedId")),
        None,
        None,
        _text(cvr.get("BatchSequenceId")),
        election.precincts.get(unit) if unit is not None else None,
        None,
        ranks_of(pairs, where, line),
    )


def _json_contest(
    cvr: dict[str, Any], contest_id: str, where: str, line: int
) -> dict[str, Any] | None:
    current = cvr.get("CurrentSnapshotId")
    snapshot = next((s for s in cvr.get("CVRSnapshot") or () if s.get("@id") == current), None)
    if snapshot is None or "CVRContest" not in snapshot:
        raise BallotFileError(
            f"the current snapshot {current!r} of a CVR is missing or has no CVRContest",
            path=where,
            line=line,
            field="CurrentSnapshotId",
        )
    contests = snapshot["CVRContest"]
    return next((c for c in contests if c.get("ContestId") == contest_id), None)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def read_counted(
    source: CvrSource, max_rankings: int | None
) -> Iterator[tuple[CastVoteRecord, int]]:
    """The file's distinct records with how many CVRs hold each (for grouping, not export).

    A JSON report whose layout :mod:`.cdf_fast` understands is counted before it is decoded;
    any other file, or one it refuses, is read record by record.
    """
    if source.path.suffix.lower() == ".json":
        election = _json_election(source)
        where = source.shown_path

        def decode(cvr: dict[str, Any], line: int, record_id: str) -> CastVoteRecord | None:
            return _json_record(cvr, election, where, line, record_id)

        found = cdf_fast.count_json(source, election, decode)
        if found is not None:
            return iter(found)
    return ((r, 1) for r in read(source, max_rankings))
