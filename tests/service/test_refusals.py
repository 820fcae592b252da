"""Every refused ballot says why and changes nothing (turnout, box, participation)."""

from __future__ import annotations

from typing import Any

import pytest
from small_edition import at
from sqlalchemy import func, select

from sealing_steps import open_sealed, peek
from shortlist.domain.errors import BallotRefused
from shortlist.service import rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store import tables as t
from shortlist.store.database import Database

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")


def _state(database: Database) -> tuple[int, ...]:
    with database.engine.connect() as c:
        return tuple(
            int(c.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (t.ballots, t.participation)
        )


@pytest.fixture
def opened(loaded: Database, clock: SimulatedClock) -> Database:
    clock.set(at("2025-01-11T09:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)
        for member in ("d01", "d02", "d03", "e01", "a01"):
            voting.record_viewing(uow, "test-awards", "picture", member, ["p", "q", "s"], clock)
        voting.cast(uow, NOMINATIONS, "d03", ["q"], clock)
    return loaded


CASES: list[tuple[str, Any, str, str]] = [
    ("d01", ["p", "x"], "not on this round's slate", "2025-01-11T10:00"),
    ("d01", ["p", "p"], "more than once", "2025-01-11T10:00"),
    ("d01", ["p", "q", "s", "t"], "too many ranks", "2025-01-11T10:00"),
    ("d01", [], "marks no entry", "2025-01-11T10:00"),
    ("d01", {"p": 3}, "lists entry keys", "2025-01-11T10:00"),
    ("d02", ["r"], "recusal", "2025-01-11T10:00"),
    ("e01", ["p"], "not in the electorate", "2025-01-11T10:00"),
    ("a01", ["p"], "not in the electorate", "2025-01-11T10:00"),
    ("d04", ["p"], "viewing requirement", "2025-01-11T10:00"),
    ("d01", ["p"], "closed at", "2025-01-12T17:00"),
    ("d03", ["p", "x"], "not on this round's slate", "2025-01-11T10:00"),
]


@pytest.mark.parametrize(("member", "marks", "reason", "when"), CASES)
def test_refused_ballot_changes_nothing(
    opened: Database, clock: SimulatedClock, member: str, marks: Any, reason: str, when: str
) -> None:
    before = _state(opened)
    clock.set(at(when))
    with opened.unit_of_work() as uow, pytest.raises(BallotRefused, match=reason):
        voting.cast(uow, NOMINATIONS, member, marks, clock)
    assert _state(opened) == before
    with opened.unit_of_work() as uow:
        assert peek(uow, NOMINATIONS) == [["q"]]


def test_the_ballot_paper_names_the_recusal(opened: Database, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-11T10:00"))
    with opened.unit_of_work() as uow:
        paper = voting.issue_ballot(uow, NOMINATIONS, "d02", clock)
        assert paper.recused == ("r",)
        assert "credited on r" in paper.instructions()
        assert [e.key for e in paper.slate] == ["p", "q", "r", "s", "t"]
        assert voting.issue_ballot(uow, NOMINATIONS, "d03", clock).voted


def test_quota_limits_the_categories_a_member_votes_in(
    loaded: Database, clock: SimulatedClock
) -> None:
    directing = RoundRef("test-awards", "directing", "final")
    final = RoundRef("test-awards", "picture", "final")
    with loaded.unit_of_work() as uow:
        uow.connection.execute(t.editions.update().values(category_quota=1))
        uow.rounds.update(rounds.find(uow, final).id, slate=["p", "q"])
        uow.commit()
        clock.set(at("2025-02-01T10:00"))
        open_sealed(uow, final, clock)
        open_sealed(uow, directing, clock)
        voting.attest(uow, directing, "v001", clock)
        voting.cast(uow, final, "v001", ["p"], clock)
        with pytest.raises(BallotRefused, match="quota"):
            voting.cast(uow, directing, "v001", ["p"], clock)
        assert uow.rounds.turnout(rounds.find(uow, directing).id) == 0
