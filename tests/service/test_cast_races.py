"""Casting under races, on SQLite and PostgreSQL: casts racing a close are refused or counted,
never lost; one member's racing casts through the whole cast path (receipt e-mail included)
leave one ballot and one participation row."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from small_edition import at

from sealing_steps import open_sealed
from shortlist.domain.errors import BallotRefused
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import board, member_rounds, rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.mail import Outbox
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
VOTERS = [f"v{i:03d}" for i in range(1, 25)]


@pytest.fixture
def opened(loaded: Database, clock: SimulatedClock) -> Database:
    clock.set(at("2025-02-01T10:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, DIRECTING, clock)
        for member in VOTERS:
            voting.attest(uow, DIRECTING, member, clock)
    return loaded


def _race(tasks: list[Callable[[], None]]) -> list[BaseException]:
    """Run ``tasks`` on threads released together; the unexpected errors they raised."""
    barrier = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task: Callable[[], None]) -> None:
        try:
            barrier.wait()
            task()
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_casts_racing_a_close_are_refused_or_counted_never_lost(
    opened: Database, clock: SimulatedClock
) -> None:
    acknowledged: dict[str, str] = {}
    refused: list[str] = []

    def cast(member: str) -> Callable[[], None]:
        def task() -> None:
            try:
                with opened.unit_of_work() as uow:
                    receipt = voting.cast(uow, DIRECTING, member, ["p", "q"], clock)
                acknowledged[member] = receipt.tracker
            except BallotRefused:
                refused.append(member)

        return task

    def close() -> None:
        with opened.unit_of_work() as uow:
            rounds.close_round(uow, DIRECTING, clock, "admin", "closed early in a race")

    errors = _race([cast(m) for m in VOTERS[:12]] + [close] + [cast(m) for m in VOTERS[12:]])
    assert errors == []
    assert sorted(list(acknowledged) + refused) == sorted(VOTERS)
    with opened.unit_of_work() as uow:
        record = rounds.find(uow, DIRECTING)
        assert record.status is RoundStatus.CLOSED
        assert sorted(uow.ballots.trackers(record.id)) == sorted(acknowledged.values())
        assert uow.rounds.turnout(record.id) == len(acknowledged)
        # the board fixed at close holds every acknowledged ballot and nothing slipped in after
        assert sorted(board.board_of(uow, DIRECTING).trackers) == sorted(acknowledged.values())


def test_one_members_racing_casts_through_the_cast_path_leave_one_ballot(
    opened: Database, clock: SimulatedClock
) -> None:
    rankings = [["p"], ["q"], ["r"], ["s"], ["t"], ["p", "q"], ["q", "p"], ["r", "s"]]
    outbox = Outbox()
    trackers: list[str] = []

    def cast(ranking: list[str]) -> Callable[[], None]:
        def task() -> None:
            with opened.unit_of_work() as uow:
                done = member_rounds.cast_and_mail(uow, DIRECTING, "v001", ranking, clock, outbox)
            trackers.append(done.receipt.tracker)

        return task

    assert _race([cast(r) for r in rankings]) == []
    with opened.unit_of_work() as uow:
        record = rounds.find(uow, DIRECTING)
        stored = uow.ballots.trackers(record.id)
        assert uow.rounds.turnout(record.id) == 1
    assert len(stored) == 1 and stored[0] in trackers
    assert len(set(trackers)) == len(rankings)  # each cast sealed its own ballot
