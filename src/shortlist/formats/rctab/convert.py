"""Cast-vote records converted, as RCTab converts them: CDF JSON, RCTab's CVR CSV, and BLT.

The records stream from the readers straight to the output (BLT, which groups ballots, goes
through :func:`~shortlist.formats.rctab.cvr.read_sources`). Inputs are an RCTab contest config
(its sources, candidates and ``maxRankingsAllowed``) or CVR files with a provider; without a
config, candidate names are taken from the records themselves (a first pass finds them).

The CDF JSON is laid out as RCTab writes it (keys sorted, its pretty printer), with only the
original snapshot of each record (a conversion has no rounds). ``GeneratedDate`` is passed in,
and the reporting device names shortlist, not RCTab.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from shortlist.errors import BallotFileError, RulesError
from shortlist.formats.rctab.cvr import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecord,
    Codebook,
    CvrSource,
    iter_records,
    read_sources,
)
from shortlist.formats.rctab.cvr.ess import sanitize
from shortlist.formats.rctab.cvr.grouping import Grouper

FORMATS = ("cdf", "csv", "blt")
EXPLICIT_OVERVOTE = "overvote"
UNDERVOTE = "undervote"
CONTEST_ID = "contest-001"
ELECTION_ID = "election-001"
SCOPE_ID = "gpu-election"
DEVICE_ID = "rd-001"


@dataclass(frozen=True)
class Conversion:
    """What to convert: sources, the candidates they may name, and the contest's labels."""

    sources: tuple[CvrSource, ...]
    candidates: tuple[CandidateSpec, ...] = ()
    max_rankings: int | None = None
    contest_name: str = ""
    jurisdiction: str = ""
    seats: int = 1
    by_precinct: bool = False
    device: tuple[str, str] = field(default=("shortlist", "shortlist developers"))

    @classmethod
    def from_config(cls, path: str | Path) -> Conversion:
        """The sources and candidates of an RCTab contest config (validated first)."""
        from shortlist.formats.rctab.config import read_config

        config = read_config(path)
        return cls(
            sources=tuple(config.sources),
            candidates=tuple(config.candidates),
            max_rankings=config.rules.max_rankings,
            contest_name=config.contest_name,
            jurisdiction=config.jurisdiction,
            seats=config.rules.seats,
            by_precinct=config.tabulate_by_precinct,
        )

    def records(self) -> Iterator[tuple[CvrSource, CastVoteRecord]]:
        """Every record of every source, in order, checked against the contest."""
        grouper = Grouper(self.codebook(), self.max_rankings)
        for source in self.sources:
            for record in iter_records(source, max_rankings=self.max_rankings):
                grouper.check(record)
                yield source, record

    def codebook(self) -> Codebook:
        return Codebook.for_contest(self.candidates, self.sources)

    def names(self) -> Names:
        """Raw names to the names printed; with no candidates, found in a first pass."""
        book = self.codebook()
        if not self.candidates:
            for _, record in self.records():
                for marks in record.ranks:
                    for name in marks:
                        if name != OVERVOTE:
                            book.code_of(name)
        return Names(book, len(self.candidates) or len(book.candidates))


class Names:
    """Checks each raw name against the candidates and gives the name RCTab prints."""

    def __init__(self, book: Codebook, declared: int) -> None:
        self.book = book
        self.declared = declared

    def canonical(self, name: str, record: CastVoteRecord, rank: int) -> str:
        if name == OVERVOTE:
            return EXPLICIT_OVERVOTE
        code = self.book.code_of(name)
        if code is None:
            raise BallotFileError(
                f"{name!r} is not a candidate or alias in the config",
                path=record.where,
                line=record.line,
                field=f"rank {rank}",
            )
        return self.book.candidates[code]

    def contest_names(self, sources: Sequence[CvrSource]) -> list[str]:
        """The candidates of the CDF election: RCTab's names, the overvote if labelled, sorted."""
        names = list(self.book.candidates)
        if any(s.overvote_label for s in sources):
            names.append(EXPLICIT_OVERVOTE)
        return sorted(names)


def convert(conversion: Conversion, to: str, out: TextIO, *, generated: str = "") -> int:
    """Write the conversion in format ``to``; returns the number of records written."""
    if to == "csv":
        return write_rctab_csv(conversion, out)
    if to == "cdf":
        return write_cdf_json(conversion, out, generated=generated)
    if to == "blt":
        return write_blt(conversion, out)
    raise RulesError(f"unknown conversion format {to!r} (known: {', '.join(FORMATS)})")


# -- RCTab's CVR CSV --------------------------------------------------------------------------


def csv_field(value: str | None) -> str:
    """One field as Apache Commons CSV prints it (RCTab's writer, minimal quoting)."""
    if not value:
        return ""
    quote = value[0] <= "#" or value[-1] <= " " or any(c in value for c in ',"\r\n')
    return '"' + value.replace('"', '""') + '"' if quote else value


def write_rctab_csv(conversion: Conversion, out: TextIO) -> int:
    """RCTab's own CVR export: ids and one column per allowed rank."""
    names = conversion.names()
    ranks = conversion.max_rankings or names.declared
    header = [
        "Source Filepath",
        "CVR Provider",
        "Contest Id",
        "RCTab CVR Id",
        "Tabulator Id",
        "Batch Id",
        "Vendor Id",
        "Precinct",
        "Precinct Portion",
        *(f"Rank {r}" for r in range(1, ranks + 1)),
    ]
    out.write(",".join(header) + "\n")
    count = 0
    for source, record in conversion.records():
        ids = [
            source.shown_path,
            source.provider,
            record.contest_id,
            record.record_id,
            record.tabulator_id,
            record.batch,
            record.vendor_id,
            record.precinct,
            record.precinct_portion,
        ]
        cells = [_csv_rank(names, source, record, r) for r in range(1, ranks + 1)]
        out.write(",".join(csv_field(v) for v in (*ids, *cells)) + "\n")
        count += 1
    return count


def _csv_rank(names: Names, source: CvrSource, record: CastVoteRecord, rank: int) -> str:
    marks = record.ranks[rank - 1] if rank <= len(record.ranks) else ()
    if not marks:
        return UNDERVOTE
    shown = []
    for name in marks:
        if name == UNDECLARED_WRITE_INS:
            shown.append(source.undeclared_write_in_label or "")
        else:
            shown.append(names.canonical(name, record, rank))
    return "\n".join(shown)


# -- CDF JSON ---------------------------------------------------------------------------------


def jackson(value: Any, depth: int = 0) -> str:
    """JSON laid out as Jackson's default pretty printer lays it out (RCTab's files)."""
    if isinstance(value, dict):
        if not value:
            return "{ }"
        pad = "  " * (depth + 1)
        entries = [f"{pad}{_string(k)} : {jackson(value[k], depth + 1)}" for k in sorted(value)]
        return "{\n" + ",\n".join(entries) + "\n" + "  " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[ " + ", ".join(jackson(v, depth) for v in value) + " ]"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def selection_id(name: str) -> str:
    return f"cs-{sanitize(name).lower()}"


def candidate_id(name: str) -> str:
    return f"c-{sanitize(name).lower()}"


def write_cdf_json(conversion: Conversion, out: TextIO, *, generated: str = "") -> int:
    """A NIST CDF cast-vote-record report of the records, streamed record by record."""
    names = conversion.names()
    precincts: dict[str, str] = {}
    out.write('{\n  "@type" : "CVR.CastVoteRecordReport",\n  "CVR" : [')
    count = 0
    for _, record in conversion.records():
        cvr = _cdf_cvr(names, record, precincts if conversion.by_precinct else None)
        out.write((", " if count else " ") + jackson(cvr, 1))
        count += 1
    out.write(" ],")
    tail = {
        "Election": [_cdf_election(names, conversion)],
        "GeneratedDate": generated,
        "GpUnit": _cdf_units(conversion, precincts),
        "ReportGeneratingDeviceIds": [DEVICE_ID],
        "ReportingDevice": [
            {
                "@id": DEVICE_ID,
                "@type": "CVR.ReportingDevice",
                "Application": conversion.device[0],
                "Manufacturer": conversion.device[1],
            }
        ],
        "Version": "1.0.0",
    }
    body = jackson(tail, 0)
    out.write("\n" + body[2:])
    return count


def _cdf_cvr(
    names: Names, record: CastVoteRecord, precincts: dict[str, str] | None
) -> dict[str, Any]:
    ident = sanitize(record.record_id or "")
    by_name: dict[str, list[int]] = {}
    for rank, marks in enumerate(record.ranks, start=1):
        for name in marks:
            names.canonical(name, record, rank)  # checks it
            shown = EXPLICIT_OVERVOTE if name == OVERVOTE else name
            by_name.setdefault(shown, []).append(rank)
    ordered = sorted(by_name.items(), key=lambda item: (item[1][0], item[0]))
    selections = [
        {
            "@type": "CVR.CVRContestSelection",
            "ContestSelectionId": selection_id(name),
            "SelectionPosition": [
                {
                    "@type": "CVR.SelectionPosition",
                    "HasIndication": "yes",
                    "IsAllocable": "unknown",
                    "NumberVotes": 1,
                    "Rank": rank,
                }
                for rank in ranks
            ],
        }
        for name, ranks in ordered
    ]
    snapshot = {
        "@id": f"ballot-{ident}",
        "@type": "CVR.CVRSnapshot",
        "CVRContest": [
            {
                "@type": "CVR.CVRContest",
                "CVRContestSelection": selections,
                "ContestId": CONTEST_ID,
            }
        ],
        "Type": "original",
    }
    cvr: dict[str, Any] = {
        "@type": "CVR",
        "BallotPrePrintedId": ident,
        "CVRSnapshot": [snapshot],
        "CurrentSnapshotId": f"ballot-{ident}",
        "ElectionId": ELECTION_ID,
    }
    if precincts is not None:
        precinct = record.precinct or ""
        cvr["BallotStyleUnitId"] = precincts.setdefault(precinct, f"gpu-{len(precincts) + 1}")
    return cvr


def _cdf_election(names: Names, conversion: Conversion) -> dict[str, Any]:
    listed = names.contest_names(conversion.sources)
    return {
        "@id": ELECTION_ID,
        "@type": "Election",
        "Candidate": [{"@id": candidate_id(n), "Name": n} for n in listed],
        "Contest": [
            {
                "@id": CONTEST_ID,
                "@type": "CandidateContest",
                "ContestSelection": [
                    {
                        "@id": selection_id(n),
                        "@type": "ContestSelection",
                        "CandidateIds": [candidate_id(n)],
                    }
                    for n in listed
                ],
                "Name": conversion.contest_name,
            }
        ],
        "ElectionScopeId": SCOPE_ID,
    }


def _cdf_units(conversion: Conversion, precincts: dict[str, str]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = [
        {
            "@id": SCOPE_ID,
            "@type": "GpUnit",
            "Name": conversion.jurisdiction,
            "OtherType": "Election Scope Jurisdiction",
            "Type": "other",
        }
    ]
    for name, ident in precincts.items():
        units.append({"@id": ident, "@type": "GpUnit", "Name": name, "Type": "precinct"})
    return units


# -- BLT --------------------------------------------------------------------------------------


def write_blt(conversion: Conversion, out: TextIO) -> int:
    """The grouped ballots as BLT (``=`` for several marks at one rank, ``-`` for a skip)."""
    from shortlist.formats.blt import write_blt as write_profile

    candidates = conversion.candidates or _discovered(conversion)
    records = read_sources(conversion.sources, candidates, max_rankings=conversion.max_rankings)
    profile = records.profile
    if () in profile.multi:
        raise BallotFileError(
            "BLT cannot hold an overvote whose candidates are unknown (the overvote label); "
            "convert to cdf or csv instead",
            path=conversion.sources[0].shown_path if conversion.sources else None,
        )
    write_profile(profile, out, seats=conversion.seats, title=conversion.contest_name)
    return records.record_count


def _discovered(conversion: Conversion) -> tuple[CandidateSpec, ...]:
    book = conversion.names().book
    return tuple(CandidateSpec(n) for n in book.candidates if n != UNDECLARED_WRITE_INS)
