"""The store keeps an edition and its roll exactly, with aware instants, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import Conflict, NotFound
from shortlist.domain.model import Member, MemberStatus
from shortlist.store.database import Database, normalise_url

EXAMPLE = Path(__file__).parents[2] / "examples" / "academy-95.toml"
NOW = datetime(2022, 11, 1, 12, tzinfo=UTC)


def test_an_edition_comes_back_as_it_was_stored(database: Database) -> None:
    edition = read_edition(EXAMPLE)
    with database.unit_of_work() as uow:
        uow.editions.add(edition, NOW)
        uow.commit()
    with database.unit_of_work() as uow:
        again = uow.editions.get("academy-95")
        assert again == edition
        opens = again.categories[0].rounds[0].window.opens
        assert opens.utcoffset() is not None
        assert opens == datetime(2022, 12, 12, 17, tzinfo=UTC)
        with pytest.raises(Conflict):
            uow.editions.add(edition, NOW)
        with pytest.raises(NotFound):
            uow.editions.get("academy-96")


def test_members_are_added_and_replaced(database: Database) -> None:
    edition = read_edition(EXAMPLE)
    first = [Member("1", "Ann", MemberStatus.ACTIVE, frozenset({"actors", "writers"}), "a@x")]
    with database.unit_of_work() as uow:
        edition_id = uow.editions.add(edition, NOW)
        assert uow.editions.put_members(edition_id, first) == (1, 0)
        changed = [
            Member("1", "Ann", MemberStatus.LIFE, frozenset({"writers"})),
            Member("2", "Bo", MemberStatus.EMERITUS, frozenset()),
        ]
        assert uow.editions.put_members(edition_id, changed) == (1, 1)
        uow.commit()
        assert uow.editions.members(edition_id) == changed
        assert uow.editions.member(edition_id, "1").status is MemberStatus.LIFE


def test_a_unit_of_work_left_without_commit_changes_nothing(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.editions.add(read_edition(EXAMPLE), NOW)
    with database.unit_of_work() as uow:
        assert uow.editions.keys() == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("shortlist.db", "sqlite:///shortlist.db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls(given: str, expected: str) -> None:
    assert normalise_url(given) == expected
