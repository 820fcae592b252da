"""ES&S cast-vote records: one xlsx sheet, one row per ballot (stub, reader follows)."""

from __future__ import annotations

from collections.abc import Iterator

from shortlist.formats.rctab.cvr.records import CastVoteRecord, CvrSource


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    raise NotImplementedError
