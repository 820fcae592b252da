"""Dominion cast-vote records: a folder of JSON manifests and ``CvrExport*.json`` files.

As RCTab reads them: ``CvrExport.json``, or else every ``CvrExport_<n>.json`` in path order;
each session's ``Original`` card set, or its ``Modified`` one when the original is not current
(a session with neither is skipped); per card, the contest whose ``Id`` is the source's
``contestId`` unless it carries outstack condition 7; its marks that are not ambiguous, as
(``Rank``, ``CandidateId``) — the candidate ids are the config's aliases; the source's
undeclared write-in label is a candidate id. Precinct and portion names come from the
manifests; the record id is ``<tabulator>-<batch>-<record>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.jsonstream import open_stream
from shortlist.formats.rctab.cvr.rankings import Rankings
from shortlist.formats.rctab.cvr.records import (
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecord,
    CvrSource,
)

PRECINCTS = "PrecinctManifest.json"
PORTIONS = "PrecinctPortionManifest.json"
CANDIDATES = "CandidateManifest.json"
CONTESTS = "ContestManifest.json"
SINGLE_EXPORT = "CvrExport.json"
NUMBERED_EXPORT = re.compile(r"CvrExport_\d+\.json")
EXCLUDED_CONTEST_CONDITION = 7


@dataclass(frozen=True)
class Manifests:
    """What the CVR exports refer to, for one contest."""

    precincts: dict[int, str] | None
    portions: dict[int, str]
    max_ranks: int
    candidate_ids: frozenset[str]


def _manifest(folder: Path, name: str, where: str) -> list[dict[str, Any]]:
    path = folder / name
    try:
        listed = json.loads(path.read_text(encoding="utf-8-sig"))["List"]
    except FileNotFoundError:
        raise BallotFileError(f"the folder has no {name}", path=where) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise BallotFileError(f"{name} is not a Dominion manifest ({err})", path=where) from None
    if not isinstance(listed, list):
        raise BallotFileError(f"{name} has no List", path=where)
    return listed


def _names(entries: list[dict[str, Any]]) -> dict[int, str]:
    return {int(e["Id"]): str(e["Description"]) for e in entries}


def load_manifests(source: CvrSource) -> Manifests:
    folder, where = source.path, source.shown_path
    if not folder.is_dir():
        raise BallotFileError("a Dominion source is a folder", path=where, field="filePath")
    contest_id = source.contest_id
    if not contest_id:
        raise BallotFileError(
            "a Dominion source needs contestId (the Id in ContestManifest.json)",
            path=where,
            field="contestId",
        )
    contests = {str(c["Id"]): c for c in _manifest(folder, CONTESTS, where)}
    if contest_id not in contests:
        raise BallotFileError(
            f"contest {contest_id!r} is not in {CONTESTS}", path=where, field="contestId"
        )
    candidates = [
        str(c["Id"])
        for c in _manifest(folder, CANDIDATES, where)
        if str(c.get("ContestId")) == contest_id
    ]
    has_precincts = (folder / PRECINCTS).exists()
    return Manifests(
        precincts=_names(_manifest(folder, PRECINCTS, where)) if has_precincts else None,
        portions=_names(_manifest(folder, PORTIONS, where)),
        max_ranks=int(contests[contest_id].get("NumOfRanks") or 0),
        candidate_ids=frozenset(candidates),
    )


def declared_candidates(source: CvrSource) -> list[CandidateSpec]:
    """The contest's candidates in CandidateManifest.json: name, and its id as an alias."""
    where = source.shown_path
    load_manifests(source)  # the folder, the manifests and the contest are checked
    return [
        CandidateSpec(str(c["Description"]), (str(c["Id"]),))
        for c in _manifest(source.path, CANDIDATES, where)
        if str(c.get("ContestId")) == source.contest_id
        and str(c["Id"]) != source.undeclared_write_in_label
    ]


def export_files(source: CvrSource) -> list[Path]:
    single = source.path / SINGLE_EXPORT
    if single.exists():
        return [single]
    numbered = sorted(
        (p for p in source.path.iterdir() if NUMBERED_EXPORT.fullmatch(p.name)),
        key=lambda p: str(p.absolute()),
    )
    if not numbered:
        raise BallotFileError(
            "no CvrExport.json or CvrExport_<n>.json in the folder",
            path=source.shown_path,
            field="filePath",
        )
    return numbered


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the records of the source's contest from every export file."""
    del max_rankings
    manifests = load_manifests(source)
    files = export_files(source)
    return (record for path in files for record in _read_export(path, source, manifests))


def _read_export(path: Path, source: CvrSource, manifests: Manifests) -> Iterator[CastVoteRecord]:
    where = str(Path(source.shown_path) / path.name)
    handle, stream = open_stream(path, where)
    with handle:
        try:
            for key in stream.members():
                if key != "Sessions":
                    stream.value()
                    continue
                for session in stream.items():
                    reading = Session(session, source, manifests, where, stream.start_line)
                    yield from reading.records()
        except UnicodeDecodeError as err:
            raise BallotFileError(f"not UTF-8 text ({err.reason})", path=where) from None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise BallotFileError(
                f"a session is not as Dominion writes it ({err!r})", path=where, line=stream.line
            ) from None


class Session:
    """One scanned ballot (its cards) of a Dominion export."""

    def __init__(
        self,
        session: dict[str, Any],
        source: CvrSource,
        manifests: Manifests,
        where: str,
        line: int,
    ) -> None:
        self.session = session
        self.source = source
        self.manifests = manifests
        self.where = where
        self.line = line

    def fail(self, reason: str, field: str) -> BallotFileError:
        return BallotFileError(reason, path=self.where, line=self.line, field=field)

    def records(self) -> Iterator[CastVoteRecord]:
        session = self.session
        data = session["Original"]
        if not data["IsCurrent"]:
            if "Modified" not in session:
                return
            data = session["Modified"]
        precinct = self._lookup(data.get("PrecinctId"), self.manifests.precincts, "PrecinctId")
        portion = self._lookup(
            data.get("PrecinctPortionId"), self.manifests.portions, "PrecinctPortionId"
        )
        tabulator, batch, record = (str(session[k]) for k in ("TabulatorId", "BatchId", "RecordId"))
        record_id = "-".join(p for p in (tabulator, batch, record) if p.strip())
        for card in data.get("Cards", [data]):
            for contest in card["Contests"]:
                if str(contest["Id"]) != self.source.contest_id:
                    continue
                if EXCLUDED_CONTEST_CONDITION in (contest.get("OutstackConditionIds") or ()):
                    continue
                yield CastVoteRecord(
                    where=self.where,
                    line=self.line,
                    record_id=record_id,
                    vendor_id=record,
                    contest_id=self.source.contest_id,
                    tabulator_id=tabulator,
                    batch=batch,
                    precinct=precinct,
                    precinct_portion=portion,
                    ranks=self._ranks(contest["Marks"]),
                )

    def _lookup(self, ident: Any, names: dict[int, str] | None, field: str) -> str | None:
        if ident is None:
            return None
        if names is None or int(ident) not in names:
            raise self.fail(f"{field} {ident} is not in the manifest", field)
        return names[int(ident)]

    def _ranks(self, marks: list[dict[str, Any]]) -> tuple[tuple[str, ...], ...]:
        rankings = Rankings(self.where, self.line)
        write_in = self.source.undeclared_write_in_label
        for mark in marks:
            if mark["IsAmbiguous"]:
                continue
            candidate = str(mark["CandidateId"])
            if candidate == write_in:
                candidate = UNDECLARED_WRITE_INS
            elif candidate not in self.manifests.candidate_ids:
                raise self.fail(
                    f"candidate id {candidate} is not a candidate of contest "
                    f"{self.source.contest_id} in {CANDIDATES}",
                    "CandidateId",
                )
            rankings.add(mark["Rank"], candidate)
        ranks = rankings.ranks()
        if len(ranks) > self.manifests.max_ranks:
            raise self.fail(
                f"a mark at rank {len(ranks)}, but the contest allows "
                f"{self.manifests.max_ranks} ranks ({CONTESTS})",
                "Rank",
            )
        return ranks
