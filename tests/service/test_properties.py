"""Whatever members cast, revise or get refused, in any order: one ballot per member who voted,
turnout equals the box, and the box holds each member's last accepted ballot."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from small_edition import EDITION, at, roll

from sealing_steps import open_sealed, peek
from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import BallotRefused
from shortlist.service import editions, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
MEMBERS = ["v001", "v002", "v003", "d01", "a01", "e01"]
ENTRIES = ["p", "q", "r", "s", "t", "x"]

casts = st.lists(
    st.tuples(
        st.sampled_from(MEMBERS),
        st.lists(st.sampled_from(ENTRIES), min_size=0, max_size=6),
    ),
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=casts)
def test_one_ballot_per_member_whatever_happens(
    sqlite_template: Path, tmp_path: Path, sequence: list[tuple[str, list[str]]]
) -> None:
    path = tmp_path / "prop.db"
    path.unlink(missing_ok=True)
    shutil.copy(sqlite_template, path)
    database = Database(str(path))
    clock = SimulatedClock(at("2025-02-01T10:00"))
    last: dict[str, list[str]] = {}
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t", text=EDITION), roll(), clock, "admin")
        record = open_sealed(uow, DIRECTING, clock)
        for member in MEMBERS[:4]:
            voting.attest(uow, DIRECTING, member, clock)
        for member, ranking in sequence:
            try:
                voting.cast(uow, DIRECTING, member, ranking, clock)
            except BallotRefused:
                continue
            last[member] = ranking
        box = sorted(map(tuple, peek(uow, DIRECTING)))
        assert uow.rounds.turnout(record.id) == len(last) == len(box)
        assert box == sorted(tuple(r) for r in last.values())
    database.dispose()
