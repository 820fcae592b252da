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
from dataclasses import dataclass, field, replace
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from shortlist.errors import BallotFileError, CountError, RulesError
from shortlist.formats.rctab.cvr import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecord,
    Codebook,
    CvrSource,
    iter_counted,
    iter_records,
    read_sources,
)
from shortlist.formats.rctab.cvr.ess import sanitize
from shortlist.formats.rctab.cvr.grouping import Grouper

if TYPE_CHECKING:
    from shortlist.formats.rctab.config import ContestConfig

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

    def precinct_units(self) -> dict[str, str]:
        """Precinct -> GpUnit id, numbered as RCTab numbers them (its hash-set order)."""
        seen: dict[str, None] = {}
        for _, record in self.records():
            if record.precinct is not None:
                seen.setdefault(record.precinct, None)
        ordered = java_hash_order(list(seen))
        return {p: f"gpu-{k}" for k, p in enumerate(ordered, start=1)}

    def codebook(self) -> Codebook:
        return Codebook.for_contest(self.candidates or self.declared(), self.sources)

    def declared(self) -> tuple[CandidateSpec, ...]:
        """Without a config: the candidates the sources declare (Dominion's manifest), if any."""
        from shortlist.formats.rctab.cvr.dominion import declared_candidates

        found: dict[str, CandidateSpec] = {}
        for source in self.sources:
            if source.provider == "dominion":
                for spec in declared_candidates(source):
                    found.setdefault(spec.name, spec)
        return tuple(found.values())

    def names(self) -> Names:
        """Raw names to the names printed; with no candidates, found in a first pass."""
        book = self.codebook()
        if not self.candidates:
            book.discover = True
            for _, record in self.records():
                for marks in record.ranks:
                    for name in marks:
                        if name != OVERVOTE:
                            book.code_of(name)
        declared = [n for n in book.candidates if n != UNDECLARED_WRITE_INS]
        return Names(book, len(self.candidates) or len(declared))


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


def convert(
    conversion: Conversion,
    to: str,
    out: TextIO,
    *,
    generated: str = "",
    snapshots: Snapshots | None = None,
) -> int:
    """Write the conversion in format ``to``; returns the number of records written.

    ``snapshots`` (CDF only) adds each round's interpreted snapshot of every record.
    """
    if to == "csv":
        return write_rctab_csv(conversion, out)
    if to == "cdf":
        return write_cdf_json(conversion, out, generated=generated, snapshots=snapshots)
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


def write_cdf_json(
    conversion: Conversion,
    out: TextIO,
    *,
    generated: str = "",
    snapshots: Snapshots | None = None,
) -> int:
    """A NIST CDF cast-vote-record report of the records, streamed record by record.

    With ``snapshots`` (a count's), each record also gets one interpreted snapshot per round,
    as RCTab writes when a config asks for ``generateCdfJson``.
    """
    names = conversion.names()
    precincts = conversion.precinct_units() if conversion.by_precinct else None
    out.write('{\n  "@type" : "CVR.CastVoteRecordReport",\n  "CVR" : [')
    count = 0
    for _, record in conversion.records():
        rounds = snapshots.of(record) if snapshots is not None else []
        cvr = _cdf_cvr(names, record, precincts, rounds)
        out.write((", " if count else " ") + jackson(cvr, 1))
        count += 1
    out.write(" ],")
    tail = {
        "Election": [_cdf_election(names, conversion)],
        "GeneratedDate": generated,
        "GpUnit": _cdf_units(conversion, precincts or {}),
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
    names: Names,
    record: CastVoteRecord,
    precincts: dict[str, str] | None,
    rounds: list[Allocation],
) -> dict[str, Any]:
    ident = sanitize(record.record_id or "")
    by_name: dict[str, list[int]] = {}
    codes: dict[str, int | None] = {}
    for rank, marks in enumerate(record.ranks, start=1):
        for name in marks:
            shown = EXPLICIT_OVERVOTE if name == OVERVOTE else name
            if shown not in codes:
                # RCTab allocates to the candidate's name and looks the allocation up by the
                # name on the ballot: a ballot naming a candidate by an alias is never allocable
                canonical = names.canonical(name, record, rank)
                codes[shown] = names.book.code_of(name) if canonical == name else None
            by_name.setdefault(shown, []).append(rank)
    ordered = sorted(by_name.items(), key=lambda item: (item[1][0], item[0]))
    snapshots = [_snapshot(ident, None, ordered, codes, None)]
    for r, allocation in enumerate(rounds, start=1):
        snapshots.append(_snapshot(ident, r, ordered, codes, dict(allocation)))
    current = f"ballot-{ident}-round-{len(rounds)}" if rounds else f"ballot-{ident}"
    cvr: dict[str, Any] = {
        "@type": "CVR",
        "BallotPrePrintedId": ident,
        "CVRSnapshot": snapshots,
        "CurrentSnapshotId": current,
        "ElectionId": ELECTION_ID,
    }
    if precincts is not None:
        cvr["BallotStyleUnitId"] = precincts.get(record.precinct or "")
    return cvr


def _snapshot(
    ident: str,
    round_number: int | None,
    ordered: list[tuple[str, list[int]]],
    codes: dict[str, int | None],
    allocation: dict[int, Decimal] | None,
) -> dict[str, Any]:
    selections = []
    for name, ranks in ordered:
        allocable, votes = "unknown", Decimal(1)
        if allocation is not None:
            code = codes[name]
            allocable = "yes" if code in allocation else "no"
            votes = allocation[code] if code is not None and code in allocation else votes
        selections.append(
            {
                "@type": "CVR.CVRContestSelection",
                "ContestSelectionId": selection_id(name),
                "SelectionPosition": _positions(ranks, allocable, votes),
            }
        )
    return {
        "@id": f"ballot-{ident}-round-{round_number}" if round_number else f"ballot-{ident}",
        "@type": "CVR.CVRSnapshot",
        "CVRContest": [
            {
                "@type": "CVR.CVRContest",
                "CVRContestSelection": selections,
                "ContestId": CONTEST_ID,
            }
        ],
        "Type": "interpreted" if round_number else "original",
    }


def _positions(ranks: list[int], allocable: str, votes: Decimal) -> list[dict[str, Any]]:
    """One position per rank; only a candidate's first rank may be allocable (RCTab)."""
    fraction = None
    if votes != 1 or votes.as_tuple().exponent != 0:
        remainder = votes % 1
        if remainder > 0:
            fraction = str(remainder)[1:]
    positions = []
    for rank in ranks:
        position: dict[str, Any] = {
            "@type": "CVR.SelectionPosition",
            "HasIndication": "yes",
            "IsAllocable": allocable,
            "NumberVotes": int(votes),
            "Rank": rank,
        }
        if fraction is not None:
            position["FractionalVotes"] = fraction
        positions.append(position)
        if allocable == "yes":
            allocable = "no"
    return positions


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
    for name in java_hash_order(list(precincts)):
        units.append({"@id": precincts[name], "@type": "GpUnit", "Name": name, "Type": "precinct"})
    return units


# -- rounds: what each ballot counts for (RCTab's interpreted CDF snapshots) -------------------

#: A ballot's allocation in one round: (candidate code, its share of the ballot).
Allocation = list[tuple[int, Decimal]]


@dataclass(frozen=True)
class Snapshots:
    """Per distinct ballot, what it counts for in each round it moved (RCTab logs a snapshot
    when a ballot is counted or transferred; the rounds between repeat the last one)."""

    rounds: int
    rows: dict[Any, int]
    logged: dict[int, dict[int, Allocation]]

    def of(self, record: CastVoteRecord) -> list[Allocation]:
        """The record's allocation in rounds 1..``rounds``."""
        row = self.rows[(record.ranks, record.precinct, record.batch)]
        logged = self.logged.get(row, {})
        out: list[Allocation] = []
        for r in range(1, self.rounds + 1):
            if r in logged:
                out.append(logged[r])
            elif out:
                out.append(out[-1])
            else:
                raise CountError(f"no round-{r} snapshot of record {record.record_id}")
        return out


def tabulated_snapshots(config: ContestConfig) -> Snapshots:
    """Count the contest as ``shortlist tabulate`` does and keep every ballot's snapshots."""
    from shortlist.methods.rctab import EXACT
    from shortlist.methods.rctab_tabulator import Tabulation

    rules = replace(config.rules, tie_order=tuple(c.name for c in config.candidates))
    if rules.winner_mode == "multiPassIrv":
        raise RulesError("round snapshots of a multi-pass count are not written (RCTab's neither)")
    grouper = Grouper(Codebook.for_contest(config.candidates, config.sources), rules.max_rankings)
    for source in config.sources:
        grouper.add_counted(iter_counted(source, max_rankings=rules.max_rankings))
    profile = grouper.finish().profile
    logged: dict[int, dict[int, Allocation]] = {}

    class Recording(Tabulation):
        def walk(self, i: int, cont: Any, final: bool, found: Any) -> None:
            super().walk(i, cont, final, found)
            data = list(self.alloc.get(i, {}).items())
            if int(self.recipient[i]) >= 0:
                data.append((int(self.recipient[i]), self.value(i)))
            logged.setdefault(i, {})[self.round] = data

    with localcontext(EXACT):
        tabulation = Recording(profile, rules, profile.withdrawn, rules.seats)
        tabulation.run()
    rows = {key: i for i, key in enumerate(grouper.counts)}
    return Snapshots(tabulation.round, rows, logged)


def java_hash_order(keys: Sequence[str]) -> list[str]:
    """The order a ``java.util.HashSet`` of these strings, added in this order, iterates in.

    RCTab numbers precinct GpUnits in that order. Buckets come by index, ``(h ^ h >>> 16) &
    (capacity - 1)`` of ``String.hashCode``; a bucket keeps insertion order; the capacity is
    the least power of two from 16 holding the keys at load factor 0.75.
    """
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2
    buckets: dict[int, list[str]] = {}
    for key in keys:
        code = 0
        units = key.encode("utf-16-le")
        for k in range(0, len(units), 2):
            code = (31 * code + int.from_bytes(units[k : k + 2], "little")) & 0xFFFFFFFF
        buckets.setdefault((code ^ (code >> 16)) & (capacity - 1), []).append(key)
    return [key for index in sorted(buckets) for key in buckets[index]]


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
    declared = {spec.name: spec for spec in conversion.declared()}
    book = conversion.names().book
    names = (n for n in book.candidates if n != UNDECLARED_WRITE_INS)
    return tuple(declared.get(n, CandidateSpec(n)) for n in names)
