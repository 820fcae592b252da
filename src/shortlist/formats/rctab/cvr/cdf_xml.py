"""CDF cast-vote records in XML, streamed with ``iterparse`` (see :mod:`.cdf`).

The XML flavour as RCTab reads it: elements in any namespace; ids in ``ObjectId``
attributes; a selection whose ``Status`` is ``needs-adjudication`` is skipped; a CVR without
the contest in its current snapshot is no record; the vendor id is ``UniqueId``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.rankings import Rankings
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CastVoteRecord,
    CvrSource,
)

NO = "no"
TRUE = "true"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _text(element: ET.Element, name: str) -> str | None:
    child = _child(element, name)
    return None if child is None or child.text is None else child.text.strip()


def _top_level(source: CvrSource) -> Iterator[ET.Element]:
    """The children of the report, one at a time; each is cleared once the caller is done."""
    where = source.shown_path
    depth = 0
    root: ET.Element | None = None
    try:
        for event, element in ET.iterparse(source.path, events=("start", "end")):
            if event == "start":
                depth += 1
                root = element if root is None else root
                continue
            depth -= 1
            if depth == 1 and root is not None:
                yield element
                root.remove(element)
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        raise BallotFileError(f"not well-formed XML ({err})", path=where, line=line) from None


class Election:
    """The contest, its selections' names and the precincts, from a first pass."""

    def __init__(self, source: CvrSource) -> None:
        self.source = source
        self.where = source.shown_path
        self.candidates: dict[str, str] = {}
        self.contests: list[ET.Element] = []
        self.precincts: dict[str, str] = {}
        for element in _top_level(source):
            name = _local(element.tag)
            if name == "Election":
                self._election(element)
            elif name == "GpUnit":
                self._unique(self.precincts, element.get("ObjectId"), _text(element, "Name"))
        contest = next((c for c in self.contests if _text(c, "Name") == source.contest_id), None)
        if contest is None:
            raise BallotFileError(
                f"contest {source.contest_id!r} from the config is not in the file",
                path=self.where,
                field="contestId",
            )
        self.contest_id = contest.get("ObjectId")
        self.selection_names: dict[str, str] = {}
        for selection in _children(contest, "ContestSelection"):
            name = self._selection_name(selection)
            self._unique(self.selection_names, selection.get("ObjectId"), name)
        self.contests = []

    def _election(self, election: ET.Element) -> None:
        for candidate in _children(election, "Candidate"):
            self._unique(self.candidates, candidate.get("ObjectId"), _text(candidate, "Name"))
        # kept until the contest is chosen: detach them from the cleared tree
        self.contests.extend(_children(election, "Contest"))

    def _unique(self, table: dict[str, str], key: str | None, value: str | None) -> None:
        if key in table:
            raise BallotFileError(f"id {key!r} appears more than once", path=self.where)
        table[str(key)] = value or ""

    def _selection_name(self, selection: ET.Element) -> str:
        ident = selection.get("ObjectId")
        if _text(selection, "IsWriteIn") == TRUE:
            return UNDECLARED_WRITE_INS
        ids = [c.text.strip() for c in _children(selection, "CandidateIds") if c.text]
        if not ids:
            raise BallotFileError(
                f"contest selection {ident!r} has no CandidateIds",
                path=self.where,
                field="CandidateIds",
            )
        name = self.candidates.get(ids[0])
        if name is None:
            raise BallotFileError(
                f"candidate {ids[0]!r} of contest selection {ident!r} is not in the file",
                path=self.where,
                field="CandidateIds",
            )
        return OVERVOTE if name == self.source.overvote_label else name


def read(source: CvrSource) -> Iterator[CastVoteRecord]:
    election = Election(source)
    n = 0
    for element in _top_level(source):
        if _local(element.tag) != "CVR":
            continue
        record = _record(element, election, f"{source.path.name}({n + 1})")
        if record is not None:
            n += 1
            yield record


def _record(cvr: ET.Element, election: Election, record_id: str) -> CastVoteRecord | None:
    where = election.where
    contest = _contest(cvr, election.contest_id)
    if contest is None:
        return None
    rankings = Rankings(where, None)
    for selection in _children(contest, "CVRContestSelection"):
        if _text(selection, "Status") == "needs-adjudication":
            continue
        ident = _text(selection, "ContestSelectionId")
        name = election.selection_names.get(ident or "")
        if name is None:
            raise BallotFileError(
                f"contest selection {ident!r} of CVR {record_id} is not in the contest",
                path=where,
                field="ContestSelectionId",
            )
        rank = _text(selection, "Rank")
        if rank is not None:
            rankings.add(rank, name)
            continue
        for position in _children(selection, "SelectionPosition"):
            if _child(position, "CVRWriteIn") is not None:
                name = UNDECLARED_WRITE_INS
            if _text(position, "HasIndication") == NO or _text(position, "IsAllocable") == NO:
                continue
            rankings.add(_text(position, "Rank"), name)
    return CastVoteRecord(
        where=where,
        line=None,
        record_id=record_id,
        vendor_id=_text(cvr, "UniqueId"),
        contest_id=None,
        tabulator_id=None,
        batch=_text(cvr, "BatchSequenceId"),
        precinct=_precinct(cvr, election, record_id),
        precinct_portion=None,
        ranks=rankings.ranks(),
    )


def _contest(cvr: ET.Element, contest_id: str | None) -> ET.Element | None:
    current = _text(cvr, "CurrentSnapshotId")
    for snapshot in _children(cvr, "CVRSnapshot"):
        if snapshot.get("ObjectId") == current:
            contests = _children(snapshot, "CVRContest")
            return next((c for c in contests if _text(c, "ContestId") == contest_id), None)
    return None


def _precinct(cvr: ET.Element, election: Election, record_id: str) -> str | None:
    unit = _text(cvr, "BallotStyleUnitId")
    if unit is None:
        return None
    name = election.precincts.get(unit)
    if name is None:
        raise BallotFileError(
            f"GpUnit {unit!r} of CVR {record_id} is not in the file",
            path=election.where,
            field="BallotStyleUnitId",
        )
    return name
