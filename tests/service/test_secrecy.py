"""Closing destroys the pseudonym secret and re-keys the box before anything is counted."""

from __future__ import annotations

import hashlib
import hmac

from small_edition import at
from sqlalchemy import select

from sealing_steps import open_sealed
from shortlist.service import rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store import tables as t
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")


def test_after_close_no_ballot_can_be_tied_to_a_member(
    loaded: Database, clock: SimulatedClock
) -> None:
    clock.set(at("2025-02-01T10:00"))
    members = [f"v{i:03d}" for i in range(1, 21)]
    with loaded.unit_of_work() as uow:
        record = open_sealed(uow, DIRECTING, clock)
        receipts = []
        for i, member in enumerate(members):
            voting.attest(uow, DIRECTING, member, clock)
            receipts.append(voting.cast(uow, DIRECTING, member, [["p", "q", "r"][i % 3]], clock))
        secret = uow.rounds.secret(record.id)
        assert secret is not None
        open_ids = set(uow.connection.execute(select(t.ballots.c.box_id)).scalars())
        pseudonyms = {hmac.new(secret, m.encode(), hashlib.sha256).hexdigest() for m in members}
        assert open_ids == pseudonyms
        clock.set(at("2025-02-03T17:00"))
        rounds.close_round(uow, DIRECTING, clock, "admin")
        assert uow.rounds.secret(record.id) is None
        assert uow.connection.execute(select(t.round_secrets)).first() is None
        closed_ids = set(uow.connection.execute(select(t.ballots.c.box_id)).scalars())
        assert len(closed_ids) == 20
        assert not closed_ids & pseudonyms
        assert sorted(uow.ballots.trackers(record.id)) == sorted(r.tracker for r in receipts)
        ballot_columns = {c.name for c in t.ballots.columns}
        assert ballot_columns == {"round_id", "box_id", "sealed", "tracker"}
