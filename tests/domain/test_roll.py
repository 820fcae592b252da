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
        Member("3", "Cy", MemberStatus.ACTIVE, frozenset({"a"}), "cy@example.org", "Asia/Tokyo"),
    ]
    assert read_roll("roll.csv", {"a", "b"}, text=write_roll(members)) == members


def test_the_timezone_column_is_optional_and_names_a_known_zone() -> None:
    text = "number,name,status,branches,timezone\n1,Ann,active,a, Europe/Paris \n2,Bo,active,a,\n"
    ann, bo = read_roll("roll.csv", {"a"}, text=text)
    assert (ann.timezone, bo.timezone) == ("Europe/Paris", "")
    (without_column,) = read_roll("roll.csv", text="number,name,status,branches\n1,A,active,\n")
    assert without_column.timezone == ""


def test_an_unknown_timezone_is_reported_with_its_line_and_field() -> None:
    text = (
        "number,name,status,branches,timezone\n1,Ann,active,a,Mars/Olympus\n"
        "2,Bo,active,a,Europe/Paris\n3,Cy,active,a,../etc/passwd\n"
    )
    with pytest.raises(EditionError) as caught:
        read_roll("roll.csv", {"a"}, text=text)
    found = [(p.file, p.line, p.path) for p in caught.value.problems]
    assert found == [("roll.csv", 2, "timezone"), ("roll.csv", 4, "timezone")]
    assert "Mars/Olympus" in str(caught.value)


def test_every_bad_row_is_reported() -> None:
    text = "number,name,status,branches\n1,Ann,active,a\n,Bo,retired,zz\n1,Cy,life,\n"
    with pytest.raises(EditionError) as caught:
        read_roll("roll.csv", {"a"}, text=text)
    found = [(p.line, p.path) for p in caught.value.problems]
    assert found == [(3, "number"), (3, "status"), (3, "branches"), (4, "number")]


def test_missing_columns() -> None:
    with pytest.raises(EditionError, match="missing column"):
        read_roll("roll.csv", text="number,name\n1,Ann\n")
