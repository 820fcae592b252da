"""Names to candidate codes, and records grouped into distinct ballots as they stream in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecord,
    CastVoteRecords,
    CvrSource,
    Marks,
)
from shortlist.methods.ballots import SKIP, Profile


class UnknownName(LookupError):
    """A name at some rank is no declared candidate, alias or label."""

    def __init__(self, name: str, rank: int) -> None:
        super().__init__(name)
        self.name = name
        self.rank = rank


@dataclass
class Codebook:
    """Candidate names and aliases to codes, and the registry of multi cells.

    With ``discover`` set (a conversion without a config), an unknown name becomes a new
    candidate instead of an error.
    """

    candidates: list[str]
    codes: dict[str, int]
    excluded: set[int] = field(default_factory=set)
    discover: bool = False
    multi: dict[tuple[int, ...], int] = field(default_factory=dict)

    @classmethod
    def for_contest(
        cls, candidates: Sequence[CandidateSpec], sources: Sequence[CvrSource] = ()
    ) -> Codebook:
        names = [c.name for c in candidates]
        codes: dict[str, int] = {}
        for i, spec in enumerate(candidates):
            for alias in (spec.name, *spec.aliases):
                codes.setdefault(alias, i)
        book = cls(names, codes, {i for i, c in enumerate(candidates) if c.excluded})
        book.discover = not candidates
        if any(s.declares_write_ins for s in sources):
            book.code_of(UNDECLARED_WRITE_INS)
        return book

    def code_of(self, name: str) -> int | None:
        """The code of ``name`` (a name or alias), or None if it is unknown."""
        code = self.codes.get(name)
        if code is None and (self.discover or name == UNDECLARED_WRITE_INS):
            code = self.codes[name] = len(self.candidates)
            self.candidates.append(name)
        return code

    def cells(self, ranks: tuple[Marks, ...]) -> tuple[int, ...]:
        """The profile cells of one ballot's ranks; :class:`UnknownName` for a stranger."""
        return tuple(self._cell(marks, j + 1) for j, marks in enumerate(ranks))

    def _cell(self, marks: Marks, rank: int) -> int:
        if not marks:
            return SKIP
        if len(marks) == 1 and marks[0] != OVERVOTE:
            return self._code(marks[0], rank)
        if OVERVOTE in marks:
            if len(marks) > 1:
                raise UnknownName("the overvote label together with other marks", rank)
            key: tuple[int, ...] = ()
        else:
            key = tuple(self._code(name, rank) for name in marks)
        index = self.multi.setdefault(key, len(self.multi))
        return -2 - index

    def _code(self, name: str, rank: int) -> int:
        code = self.code_of(name)
        if code is None:
            raise UnknownName(name, rank)
        return code


#: (ranks, precinct, batch) of one distinct ballot.
BallotKey = tuple[tuple[Marks, ...], str | None, str | None]


class Grouper:
    """Counts distinct ballots as records arrive; keeps where each was first seen."""

    def __init__(self, book: Codebook, max_rankings: int | None = None) -> None:
        self.book = book
        self.max_rankings = max_rankings
        self.counts: dict[BallotKey, int] = {}
        self.first_seen: dict[BallotKey, CastVoteRecord] = {}
        self.record_count = 0

    def add(self, record: CastVoteRecord) -> None:
        self.add_all((record,))

    def add_counted(self, pairs: Iterable[tuple[CastVoteRecord, int]]) -> None:
        """Records each standing for ``count`` identical ballots."""
        counts, first_seen = self.counts, self.first_seen
        for record, count in pairs:
            key = (record.ranks, record.precinct, record.batch)
            if key in counts:
                counts[key] += count
            else:
                self.check(record)
                counts[key] = count
                first_seen[key] = record
            self.record_count += count

    def add_all(self, records: Iterable[CastVoteRecord]) -> None:
        counts, first_seen = self.counts, self.first_seen
        n = 0
        for record in records:
            n += 1
            key = (record.ranks, record.precinct, record.batch)
            try:
                counts[key] += 1
            except KeyError:
                self.check(record)
                counts[key] = 1
                first_seen[key] = record
        self.record_count += n

    def check(self, record: CastVoteRecord) -> None:
        """A record ranking beyond ``maxRankingsAllowed`` is an error, as in RCTab."""
        top = self.max_rankings
        if top is not None and len(record.ranks) > top:
            raise BallotFileError(
                f"a ranking at rank {len(record.ranks)}, but maxRankingsAllowed is {top}",
                path=record.where,
                line=record.line,
                field=_field(record, len(record.ranks)),
            )

    def finish(self) -> CastVoteRecords:
        """The grouped profile, with precinct and batch per row (first-seen order)."""
        precincts: dict[str, int] = {}
        batches: dict[str, int] = {}
        rows: list[tuple[int, ...]] = []
        cells_of: dict[tuple[Marks, ...], tuple[int, ...]] = {}  # a ballot in many precincts
        for key in self.counts:
            cells = cells_of.get(key[0])
            if cells is None:
                try:
                    cells = cells_of[key[0]] = self.book.cells(key[0])
                except UnknownName as err:
                    raise _unknown(err, self.first_seen[key]) from None
            rows.append(cells)
        n, width = len(rows), max((len(r) for r in rows), default=0)
        ranks = np.full((n, max(width, 1)), SKIP, dtype=np.int32)
        precinct = np.empty(n, dtype=np.int32)
        batch = np.empty(n, dtype=np.int32)
        for i, (cells, key) in enumerate(zip(rows, self.counts, strict=True)):
            ranks[i, : len(cells)] = cells
            precinct[i] = _index(precincts, key[1])
            batch[i] = _index(batches, key[2])
        profile = Profile(
            candidates=tuple(self.book.candidates),
            ranks=ranks,
            weights=np.fromiter(self.counts.values(), dtype=np.int64, count=n),
            multi=tuple(sorted(self.book.multi, key=self.book.multi.__getitem__)),
            withdrawn=frozenset(self.book.excluded),
        )
        return CastVoteRecords(
            profile, precinct, tuple(precincts), batch, tuple(batches), self.record_count
        )


def _index(names: dict[str, int], name: str | None) -> int:
    if name is None:
        return -1
    return names.setdefault(name, len(names))


def _field(record: CastVoteRecord, rank: int) -> str:
    if record.first_column is not None:
        column = record.first_column + rank - 1
        return f"column {column_letter(column)} (rank {rank})"
    return f"rank {rank}"


def _unknown(err: UnknownName, record: CastVoteRecord) -> BallotFileError:
    where = _field(record, err.rank)
    if err.name.startswith("the overvote label"):
        reason = f"{err.name} at one rank"
    else:
        reason = f"{err.name!r} is not a candidate or alias in the config"
    return BallotFileError(reason, path=record.where, line=record.line, field=where)


def column_letter(column: int) -> str:
    """Spreadsheet letters of a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
