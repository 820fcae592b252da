"""From a closed ballot box to a count: the marks become the profile the round's method reads.

The same code re-counts a published record with no database (:mod:`shortlist.trust.recount`),
so the count at the announcement and every later check count alike.
"""

from __future__ import annotations

from shortlist.trust.recount import ballots_of, outcome_of
from shortlist.trust.recount import recount as count

__all__ = ["ballots_of", "count", "outcome_of"]
