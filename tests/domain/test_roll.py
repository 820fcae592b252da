"""The member roll CSV: read, write, and every bad row reported with its line."""

from __future__ import annotations

import pytest

from shortlist.domain.errors import EditionError
from shortlist.domain.model import Member, MemberStatus
from shortlist.domain.roll import read_roll, write_roll


def test_roll_round_trip() -> None:
    members = [
        Member("1", "Ann", MemberStatus.ACTIVE, frozenset({"a", "b"}), "ann@example.org"),
        Member("2", "Bo", MemberStatus.EMERITUS, frozenset()),
    ]
    assert read_roll("roll.csv", {"a", "b"}, text=write_roll(members)) == members


def test_every_bad_row_is_reported() -> None:
    text = "number,name,status,branches\n1,Ann,active,a\n,Bo,retired,zz\n1,Cy,life,\n"
    with pytest.raises(EditionError) as caught:
        read_roll("roll.csv", {"a"}, text=text)
    found = [(p.line, p.path) for p in caught.value.problems]
    assert found == [(3, "number"), (3, "status"), (3, "branches"), (4, "number")]


def test_missing_columns() -> None:
    with pytest.raises(EditionError, match="missing column"):
        read_roll("roll.csv", text="number,name\n1,Ann\n")
