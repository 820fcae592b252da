"""Cast-vote records (CVRs) of the vendors RCTab reads, streamed into one compact profile.

One module per vendor (``ess``, ``dominion``, ``hart``, ``cdf``, ``clearballot``,
``generic_csv``, ``unisyn``). Each reader streams its files and yields
:class:`CastVoteRecord` objects (raw names per rank); :func:`read_sources` groups them as
they come, so memory grows with the number of *distinct* ballots (ranks, precinct, batch),
never with the file size.

Cells of the profile (see :mod:`shortlist.methods.ballots`):

* a candidate code: the config's candidates in order (aliases resolved), then
  ``"Undeclared Write-ins"`` when a source declares an undeclared write-in label or treats blank
  cells as write-ins (as RCTab does), or when a record holds a write-in;
* ``SKIP``: no mark at that rank (RCTab's undervote / skipped rank);
* a multi cell: several names marked at one rank (an overvote; duplicates kept), or the EMPTY
  tuple ``()`` for a cell holding the source's overvote label (candidates unknown).

Excluded candidates are the profile's ``withdrawn`` codes. A name that is neither a declared
candidate, an alias nor a label of its source raises :class:`~shortlist.errors.BallotFileError`
naming the file, the row or line and the field.
"""

from __future__ import annotations

from collections.abc import Sequence

from shortlist.formats.rctab.cvr.grouping import Codebook, Grouper
from shortlist.formats.rctab.cvr.records import (
    OVERVOTE,
    UNDECLARED_WRITE_INS,
    CandidateSpec,
    CastVoteRecord,
    CastVoteRecords,
    CvrSource,
)
from shortlist.formats.rctab.cvr.sources import PROVIDERS, iter_counted, iter_records

__all__ = [
    "OVERVOTE",
    "PROVIDERS",
    "UNDECLARED_WRITE_INS",
    "CandidateSpec",
    "CastVoteRecord",
    "CastVoteRecords",
    "Codebook",
    "CvrSource",
    "iter_counted",
    "iter_records",
    "read_sources",
]


def read_sources(
    sources: Sequence[CvrSource],
    candidates: Sequence[CandidateSpec],
    *,
    max_rankings: int | None = None,
) -> CastVoteRecords:
    """Read every source in order and group its records into one profile.

    ``max_rankings`` is the config's ``maxRankingsAllowed`` (``None`` for ``"max"``): ES&S
    sheets and Clear Ballot files read only that many ranks, as RCTab does; a record of another
    format ranking beyond it is an error naming the record, as in RCTab.
    """
    book = Codebook.for_contest(candidates, sources)
    grouper = Grouper(book, max_rankings)
    for source in sources:
        grouper.add_counted(iter_counted(source, max_rankings=max_rankings))
    return grouper.finish()
