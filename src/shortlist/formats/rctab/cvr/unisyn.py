"""Unisyn cast-vote records: Unisyn exports NIST CDF XML, read by :mod:`.cdf`.

RCTab has no Unisyn provider of its own; its Unisyn cases use ``provider: cdf``. A source
with ``provider: unisyn`` is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from shortlist.formats.rctab.cvr import cdf
from shortlist.formats.rctab.cvr.records import CastVoteRecord, CvrSource


def read(source: CvrSource, max_rankings: int | None) -> Iterator[CastVoteRecord]:
    """Stream the records of a Unisyn CDF export (XML or JSON)."""
    return cdf.read(source, max_rankings)
