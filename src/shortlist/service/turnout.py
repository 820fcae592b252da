"""Turnout of a round per branch (who may vote and how many did; never a tally)."""

from __future__ import annotations

from dataclasses import dataclass

from shortlist.service.refs import RoundRef
from shortlist.service.rounds import find
from shortlist.store.database import UnitOfWork
from shortlist.store.turnout_queries import BranchTurnouts


@dataclass(frozen=True)
class BranchTurnout:
    branch: str
    name: str
    electorate: int
    voted: int


def by_branch(uow: UnitOfWork, ref: RoundRef) -> list[BranchTurnout]:
    """Each branch of the edition, in its order, with the round's electorate and voters in it.

    Before a round opens its electorate is not yet snapshotted, so every count is 0.
    """
    record = find(uow, ref)
    counts = BranchTurnouts(uow.connection).of_round(record.id, record.edition_id)
    edition = uow.editions.get(record.edition)
    return [
        BranchTurnout(b.code, b.name, *counts.get(b.code, (0, 0)))
        for b in edition.branches
        if b.code in counts or record.status.value == "draft"
    ]
