"""Which reader reads which provider's files."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.records import CastVoteRecord, CvrSource

#: ``provider`` value of a config source -> the module of its reader.
READERS = {
    "ess": "ess",
    "dominion": "dominion",
    "hart": "hart",
    "cdf": "cdf",
    "clearBallot": "clearballot",
    "genericCsv": "generic_csv",
    "unisyn": "unisyn",
}
PROVIDERS = tuple(READERS)

Reader = Callable[[CvrSource, int | None], Iterator[CastVoteRecord]]
Counted = Callable[[CvrSource, int | None], Iterator[tuple[CastVoteRecord, int]]]


def iter_records(source: CvrSource, *, max_rankings: int | None = None) -> Iterator[CastVoteRecord]:
    """Stream the records of one source, in file order.

    A missing file or an unknown provider raises :class:`BallotFileError` before any record.
    """
    module = READERS.get(source.provider)
    if module is None:
        known = ", ".join(PROVIDERS)
        raise BallotFileError(
            f"unknown CVR provider {source.provider!r} (known: {known})",
            path=source.shown_path,
            field="provider",
        )
    if not source.path.exists():
        raise BallotFileError("no such file or folder", path=source.shown_path, field="filePath")
    reader: Reader = importlib.import_module(f"{__package__}.{module}").read
    return reader(source, max_rankings)


def iter_counted(
    source: CvrSource, *, max_rankings: int | None = None
) -> Iterator[tuple[CastVoteRecord, int]]:
    """Records with counts: a reader that can group as it reads (ES&S) yields each distinct
    ballot once with its count; the others yield every record with count 1."""
    module = READERS.get(source.provider)
    if module is None or not source.path.exists():
        return ((r, 1) for r in iter_records(source, max_rankings=max_rankings))
    reader = importlib.import_module(f"{__package__}.{module}")
    counted: Counted | None = getattr(reader, "read_counted", None)
    if counted is not None:
        return counted(source, max_rankings)
    return ((r, 1) for r in iter_records(source, max_rankings=max_rankings))
