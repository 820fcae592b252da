"""Standing eligibility rulings (see :mod:`shortlist.store.ruling_tables`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, select

from shortlist.store import ruling_tables as rt
from shortlist.store import tables as t


@dataclass(frozen=True)
class Ruling:
    """A standing exclusion: why, when and by whom."""

    reason: str
    at: datetime
    actor: str


class Rulings:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def exclude_entry(self, entry_id: int, reason: str, at: datetime, actor: str) -> None:
        self.c.execute(
            insert(rt.entry_exclusions).values(entry_id=entry_id, reason=reason, at=at, actor=actor)
        )

    def reinstate_entry(self, entry_id: int) -> None:
        self.c.execute(
            delete(rt.entry_exclusions).where(rt.entry_exclusions.c.entry_id == entry_id)
        )

    def entry_ruling(self, entry_id: int) -> Ruling | None:
        row = self.c.execute(
            select(rt.entry_exclusions).where(rt.entry_exclusions.c.entry_id == entry_id)
        ).first()
        return None if row is None else Ruling(row.reason, row.at, row.actor)

    def excluded_entries(self, category_id: int) -> dict[str, Ruling]:
        """The category's excluded entries by key."""
        rows = self.c.execute(
            select(t.entries.c.key, rt.entry_exclusions)
            .join_from(rt.entry_exclusions, t.entries)
            .where(t.entries.c.category_id == category_id)
        )
        return {r.key: Ruling(r.reason, r.at, r.actor) for r in rows}

    def exclude_member(
        self, round_id: int, member: str, reason: str, at: datetime, actor: str
    ) -> None:
        self.c.execute(
            insert(rt.member_exclusions).values(
                round_id=round_id, member=member, reason=reason, at=at, actor=actor
            )
        )

    def reinstate_member(self, round_id: int, member: str) -> None:
        self.c.execute(delete(rt.member_exclusions).where(self._member(round_id, member)))

    def member_ruling(self, round_id: int, member: str) -> Ruling | None:
        row = self.c.execute(
            select(rt.member_exclusions).where(self._member(round_id, member))
        ).first()
        return None if row is None else Ruling(row.reason, row.at, row.actor)

    def excluded_members(self, round_id: int) -> frozenset[str]:
        rows = self.c.execute(
            select(rt.member_exclusions.c.member).where(rt.member_exclusions.c.round_id == round_id)
        )
        return frozenset(rows.scalars())

    def leave_electorate(self, round_id: int, member: str) -> None:
        """Take ``member`` out of an open round's snapshotted electorate."""
        self.c.execute(
            delete(t.electorate).where(
                and_(t.electorate.c.round_id == round_id, t.electorate.c.member == member)
            )
        )

    @staticmethod
    def _member(round_id: int, member: str) -> ColumnElement[bool]:
        table = rt.member_exclusions
        return and_(table.c.round_id == round_id, table.c.member == member)
