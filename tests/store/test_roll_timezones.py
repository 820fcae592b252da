"""A member's own time zone from the roll is stored, read back and reaches the receipt's reader."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from shortlist.domain.edition_file import read_edition
from shortlist.domain.model import Member, MemberStatus
from shortlist.store.database import Database

EXAMPLE = Path(__file__).parents[2] / "examples" / "academy-95.toml"
NOW = datetime(2022, 11, 1, 12, tzinfo=UTC)


def test_a_members_time_zone_is_stored_and_replaced(database: Database) -> None:
    edition = read_edition(EXAMPLE)
    first = [
        Member("1", "Ann", MemberStatus.ACTIVE, frozenset({"writers"}), "a@x", "Asia/Tokyo"),
        Member("2", "Bo", MemberStatus.ACTIVE, frozenset(), "b@x"),
    ]
    with database.unit_of_work() as uow:
        edition_id = uow.editions.add(edition, NOW)
        uow.editions.put_members(edition_id, first)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.editions.members(edition_id) == first
        assert uow.editions.member(edition_id, "1").timezone == "Asia/Tokyo"
        ann, bo = uow.editions.on_roll("academy-95", "1"), uow.editions.on_roll("academy-95", "2")
        assert ann is not None and bo is not None
        assert (ann.timezone, bo.timezone) == ("Asia/Tokyo", "")
        assert ann.edition_timezone == bo.edition_timezone == edition.timezone
        moved = [Member("1", "Ann", MemberStatus.ACTIVE, frozenset(), "a@x", "Europe/Paris")]
        uow.editions.put_members(edition_id, moved)
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.editions.member(edition_id, "1").timezone == "Europe/Paris"
