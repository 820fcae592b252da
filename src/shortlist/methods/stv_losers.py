"""Sure losers: the candidates an STV count may defeat at once (Droop's batch defeat).

Both the WIGM and Meek/Warren counts of jklundell/droop use this rule. The hopeful candidates are
sorted by vote and gathered into groups of candidates within ``surplus`` of each other (they might
still change places); the batch is the largest run of lowest groups such that

* enough hopeful candidates are left to fill the remaining seats,
* no group is split, and
* the votes of the batch plus every undistributed surplus are less than the vote of the lowest
  candidate left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shortlist.methods.stv_arithmetic import Raw, Reckoner


def sure_losers(
    hopeful: Sequence[int],
    votes: Mapping[int, Raw],
    surplus: Raw,
    seats_left: int,
    reckoner: Reckoner,
) -> list[int]:
    """The batch of sure losers among ``hopeful`` (possibly empty)."""
    groups = _groups(hopeful, votes, surplus, reckoner)
    max_defeat = len(hopeful) - seats_left
    batch_end: int | None = None
    defeated = 0
    total = reckoner.zero
    for g in range(len(groups) - 1):
        defeated += len(groups[g])
        if defeated > max_defeat:
            break
        total += reckoner.total(votes[c] for c in groups[g])
        if reckoner.lt(total + surplus, votes[groups[g + 1][0]]):
            batch_end = g
    if batch_end is None:
        return []
    return [c for group in groups[: batch_end + 1] for c in group]


def _groups(
    hopeful: Sequence[int], votes: Mapping[int, Raw], surplus: Raw, reckoner: Reckoner
) -> list[list[int]]:
    """Hopeful candidates by vote, in groups whose members are within ``surplus`` of the first."""
    groups: list[list[int]] = []
    group: list[int] = []
    base = reckoner.zero
    for c in sorted(hopeful, key=lambda c: (votes[c], c)):
        if reckoner.ge(base + surplus, votes[c]):
            group.append(c)
            continue
        if group:
            groups.append(group)
        group = [c]
        base = votes[c]
    if group:
        groups.append(group)
    return groups
