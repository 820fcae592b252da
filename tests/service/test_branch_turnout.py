"""Turnout per branch: each branch's share of a round's electorate and of those who voted."""

from __future__ import annotations

from small_edition import at

from sealing_steps import open_sealed
from shortlist.domain.model import Member, MemberStatus
from shortlist.service import editions, rounds, turnout, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
BOTH = Member("x01", "Both Branches", MemberStatus.ACTIVE, frozenset({"directors", "actors"}))


def counts(database: Database) -> dict[str, tuple[int, int]]:
    with database.unit_of_work() as uow:
        return {b.branch: (b.electorate, b.voted) for b in turnout.by_branch(uow, DIRECTING)}


def test_a_draft_round_lists_every_branch_with_nobody_yet(
    loaded: Database, clock: SimulatedClock
) -> None:
    assert counts(loaded) == {"directors": (0, 0), "actors": (0, 0)}


def test_branches_count_the_snapshotted_electorate_and_who_voted(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        editions.import_members(uow, "test-awards", [BOTH], clock, "admin")
        clock.set(at("2025-02-01T10:00"))
        open_sealed(uow, DIRECTING, clock)
        electorate = set(uow.rounds.electorate(rounds.find(uow, DIRECTING).id))
        members = uow.editions.members(uow.editions.id_of("test-awards"))
        for number in ("d01", "d02", "v001", "x01"):
            voting.attest(uow, DIRECTING, number, clock)
            voting.cast(uow, DIRECTING, number, ["p", "q"], clock)
    expected = {
        code: (
            sum(1 for m in members if code in m.branches and m.number in electorate),
            sum(
                1
                for m in members
                if code in m.branches and m.number in {"d01", "d02", "v001", "x01"}
            ),
        )
        for code in ("directors", "actors")
    }
    assert counts(loaded) == expected
    assert expected["directors"][1] == 3 and expected["actors"][1] == 2  # x01 counts in both
    with loaded.unit_of_work() as uow:
        total = rounds.turnout(uow, "test-awards")
    directing = next(t for t in total if t.round == str(DIRECTING))
    assert directing.voted == 4  # the member in two branches voted once
