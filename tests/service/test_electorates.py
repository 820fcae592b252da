"""Electorates snapshotted at opening: an opt-in committee, a drawn committee."""

from __future__ import annotations

import random

import pytest
from small_edition import EDITION, at, roll

from sealing_steps import open_sealed
from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import BallotRefused
from shortlist.service import editions, rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
DIRECTORS = 'electorate = { branches = ["directors"] }'


def _load(database: Database, electorate: str, clock: SimulatedClock) -> None:
    edition = read_edition("test.toml", text=EDITION.replace(DIRECTORS, electorate))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition, roll(), clock, "admin")


def test_an_opt_in_electorate_is_who_opted_in_before_opening(database: Database) -> None:
    clock = SimulatedClock(at("2025-01-05T09:00"))
    _load(database, 'electorate = { opt_in = true, branches = ["directors"] }', clock)
    with database.unit_of_work() as uow:
        rounds.opt_in(uow, NOMINATIONS, "d01", clock)
        rounds.opt_in(uow, NOMINATIONS, "d02", clock)
        with pytest.raises(BallotRefused, match="does not vote"):
            rounds.opt_in(uow, NOMINATIONS, "e01", clock)
        clock.set(at("2025-01-10T09:00"))
        record = open_sealed(uow, NOMINATIONS, clock)
        assert uow.rounds.electorate(record.id) == ["d01", "d02"]
        with pytest.raises(BallotRefused, match="opting in is closed"):
            rounds.opt_in(uow, NOMINATIONS, "d03", clock)
        voting.record_viewing(uow, "test-awards", "picture", "d03", ["p", "q"], clock)
        with pytest.raises(BallotRefused, match="not in the electorate"):
            voting.cast(uow, NOMINATIONS, "d03", ["p"], clock)


def test_a_drawn_committee_is_the_same_for_the_same_seed(database: Database) -> None:
    clock = SimulatedClock(at("2025-01-10T09:00"))
    _load(database, "electorate = { committee = 4, seed = 11 }", clock)
    with database.unit_of_work() as uow:
        record = open_sealed(uow, NOMINATIONS, clock)
        drawn = uow.rounds.electorate(record.id)
    assert len(drawn) == 4
    assert not {"e01"} & set(drawn)
    voters = sorted(m.number for m in roll() if m.status.votes)
    assert drawn == sorted(random.Random(11).sample(voters, 4))
