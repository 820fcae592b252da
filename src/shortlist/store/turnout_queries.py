"""Turnout per branch: how many of a round's electorate are in each branch, and how many voted.

Reads only ``electorate``, ``participation`` and ``member_branches``: who may vote and *that*
they voted, never what (a member in two branches counts in both).
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, select

from shortlist.store import tables as t


class BranchTurnouts:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def of_round(self, round_id: int, edition_id: int) -> dict[str, tuple[int, int]]:
        """``{branch code: (electorate, voted)}`` for the round's snapshotted electorate."""
        branch = t.member_branches
        voted = (
            select(t.participation.c.member)
            .where(t.participation.c.round_id == round_id)
            .subquery()
        )
        query = (
            select(branch.c.branch, func.count(), func.count(voted.c.member))
            .select_from(t.electorate)
            .join(
                branch,
                and_(branch.c.edition_id == edition_id, branch.c.number == t.electorate.c.member),
            )
            .outerjoin(voted, voted.c.member == t.electorate.c.member)
            .where(t.electorate.c.round_id == round_id)
            .group_by(branch.c.branch)
        )
        return {code: (int(n), int(v)) for code, n, v in self.c.execute(query)}
