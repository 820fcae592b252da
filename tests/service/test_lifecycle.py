"""A round's whole life through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from small_edition import at

from sealing_steps import open_sealed, unseal, unseal_and_count
from shortlist.domain.errors import BallotRefused, LifecycleError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import rounds, sealing, voting
from shortlist.service.clock import Clock, SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database, UnitOfWork

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
FINAL = RoundRef("test-awards", "picture", "final")
DIRECTING = RoundRef("test-awards", "directing", "final")

#: ACADEMY.md §3.4: T, R, S eliminated in turn; Q wins 70-30.
IRV_EXAMPLE = [
    (30, ["p", "q", "r", "s", "t"]),
    (26, ["q", "r", "p", "t", "s"]),
    (20, ["r", "q", "s", "p", "t"]),
    (14, ["s", "r", "q", "p", "t"]),
    (10, ["t", "s", "r", "q", "p"]),
]


LIFE_STEPS = {
    "round.seal-key", "round.open", "round.close", "round.close-early", "round.unseal",
    "round.count", "round.announce", "round.advance",
}  # fmt: skip


def _voters(n: int) -> list[str]:
    return [f"v{i:03d}" for i in range(1, n + 1)]


def test_a_round_counts_every_ballot_and_publishes_every_round(
    loaded: Database, clock: SimulatedClock
) -> None:
    clock.set(at("2025-02-01T10:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, DIRECTING, clock)
        voters = iter(_voters(100))
        for copies, ranking in IRV_EXAMPLE:
            for _ in range(copies):
                member = next(voters)
                voting.attest(uow, DIRECTING, member, clock)
                voting.cast(uow, DIRECTING, member, ranking, clock)
        assert rounds.turnout(uow, "test-awards")[-1].voted == 100
    clock.set(at("2025-02-03T17:00"))
    with loaded.unit_of_work() as uow:
        rounds.close_round(uow, DIRECTING, clock, "admin")
        counted = unseal_and_count(uow, DIRECTING, clock)
        assert counted.outcome == ("q",)
        clock.set(at("2025-02-05T12:00"))
        published = rounds.announce_round(uow, DIRECTING, clock, "admin")
    assert published.titles == ("Q",)
    assert published.result is not None
    tallies = [r["tally"] for r in published.result["rounds"]]  # type: ignore[index]
    assert tallies == [
        {"p": "30", "q": "26", "r": "20", "s": "14", "t": "10"},
        {"p": "30", "q": "26", "r": "20", "s": "24"},
        {"p": "30", "q": "46", "s": "24"},
        {"p": "30", "q": "70"},
    ]
    eliminated = [r["eliminated"] for r in published.result["rounds"]]  # type: ignore[index]
    assert eliminated == [["t"], ["r"], ["s"], []]


def test_chain_from_nominations_to_final(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        with pytest.raises(LifecycleError, match="window"):
            open_sealed(uow, NOMINATIONS, clock)
        clock.set(at("2025-01-10T09:00"))
        opened = open_sealed(uow, NOMINATIONS, clock)
        assert opened.status is RoundStatus.OPEN
        assert opened.slate == ("p", "q", "r", "s", "t")
        for i in range(1, 11):
            member = f"d{i:02d}"
            voting.record_viewing(uow, "test-awards", "picture", member, ["p", "s"], clock)
            voting.cast(uow, NOMINATIONS, member, ["s"] if i <= 6 else ["p"], clock)
        with pytest.raises(LifecycleError, match="nothing is published"):
            rounds.announcement(uow, NOMINATIONS)
        with pytest.raises(LifecycleError, match="needs a reason"):
            rounds.close_round(uow, NOMINATIONS, clock, "admin")
        with pytest.raises(LifecycleError, match="cannot count"):
            rounds.count_round(uow, NOMINATIONS, clock, "admin")
        rounds.close_round(uow, NOMINATIONS, clock, "chair", reason="all ten voted")
        with pytest.raises(LifecycleError, match="it is closed \\(next step: unseal\\)"):
            rounds.count_round(uow, NOMINATIONS, clock, "admin")
        unseal_and_count(uow, NOMINATIONS, clock)
        with pytest.raises(LifecycleError, match="embargoed"):
            rounds.announce_round(uow, NOMINATIONS, clock, "admin")
        with pytest.raises(LifecycleError, match="previous round"):
            open_sealed(uow, FINAL, SimulatedClock(at("2025-02-01T10:00")))
        clock.set(at("2025-01-15T12:00"))
        assert rounds.announce_round(uow, NOMINATIONS, clock, "admin").titles == ("Salt",)
        advanced = rounds.advance(uow, NOMINATIONS, clock, "admin")
        assert advanced.slate == ("s",)
        entries = uow.audit.entries("test-awards/picture")
    # the steps of the round's life (the record's board and commitment entries aside)
    actions = [(e.actor, e.action, e.reason) for e in entries if e.action in LIFE_STEPS]
    assert actions == [
        ("admin", "round.seal-key", ""),
        ("admin", "round.open", ""),
        ("chair", "round.close-early", "all ten voted"),
        ("admin", "round.unseal", ""),
        ("admin", "round.count", ""),
        ("admin", "round.seal-key", ""),  # the final's, sealed before it could not open
        ("admin", "round.announce", ""),
        ("admin", "round.advance", ""),
    ]


def test_a_revision_replaces_the_ballot(loaded: Database, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-10T09:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)
        voting.record_viewing(uow, "test-awards", "picture", "d01", ["p", "q"], clock)
        first = voting.cast(uow, NOMINATIONS, "d01", ["p", "q"], clock)
        second = voting.cast(uow, NOMINATIONS, "d01", ["t"], clock)
        record = rounds.find(uow, NOMINATIONS)
        assert (first.revision, second.revision) == (False, True)
        assert [tracker for tracker, _ in uow.ballots.sealed(record.id)] == [second.tracker]
        assert uow.rounds.turnout(record.id) == 1
        rounds.close_round(uow, NOMINATIONS, clock, "admin", reason="test")
        unseal(uow, NOMINATIONS, clock)
        assert uow.ballots.marks(record.id) == [["t"]]


def test_lock_on_submit_refuses_a_second_cast(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        uow.rounds.update(rounds.find(uow, FINAL).id, slate=["p", "q"])
        uow.commit()
        clock.set(at("2025-02-01T10:00"))
        open_sealed(uow, FINAL, clock)
        voting.cast(uow, FINAL, "v001", ["p"], clock)
        with pytest.raises(BallotRefused, match="locked"):
            voting.cast(uow, FINAL, "v001", ["q"], clock)
        rounds.close_round(uow, FINAL, clock, "admin", reason="test")
        unseal(uow, FINAL, clock)
        assert uow.ballots.marks(rounds.find(uow, FINAL).id) == [["p"]]


def test_steps_out_of_order_are_refused(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:

        def unseal_step(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str) -> object:
            return sealing.unseal(uow, ref, [], clock, actor)

        for step in (rounds.close_round, unseal_step, rounds.count_round, rounds.announce_round):
            with pytest.raises(LifecycleError, match="it is draft"):
                step(uow, NOMINATIONS, clock, "admin")
        with pytest.raises(LifecycleError, match="not announced"):
            rounds.advance(uow, NOMINATIONS, clock, "admin")
        assert rounds.find(uow, NOMINATIONS).status is RoundStatus.DRAFT
