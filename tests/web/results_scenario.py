"""An edition whose rounds have reached every stage of publication, for the results tests.

``announce_some(database, clock)`` loads tests/service/small_edition.py and runs it through the
services (sealed, cast, closed, unsealed, counted): the directing final is announced with its
full count, the picture nominations alphabetically, and the picture final is counted but not
announced. The clock is left after every announcement.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "service"))

from small_edition import EDITION, at, roll

from sealing_steps import open_sealed, unseal_and_count
from shortlist.domain.edition_file import read_edition
from shortlist.service import editions, rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
FINAL = RoundRef("test-awards", "picture", "final")
DIRECTING = RoundRef("test-awards", "directing", "final")
MISSING = RoundRef("test-awards", "picture", "preliminary")
NO_EDITION = RoundRef("no-such-awards", "picture", "final")

#: ACADEMY.md §3.4: T, R, S eliminated in turn; Q wins 70-30.
IRV_EXAMPLE = [
    (30, ["p", "q", "r", "s", "t"]),
    (26, ["q", "r", "p", "t", "s"]),
    (20, ["r", "q", "s", "p", "t"]),
    (14, ["s", "r", "q", "p", "t"]),
    (10, ["t", "s", "r", "q", "p"]),
]


def page_url(ref: RoundRef) -> str:
    return f"/editions/{ref.edition}/categories/{ref.category}/rounds/{ref.round}/results"


def api_url(ref: RoundRef) -> str:
    return "/api/v1" + page_url(ref)


def load(database: Database, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-05T09:00"))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=EDITION), roll(), clock, "admin")


def announce_some(database: Database, clock: SimulatedClock) -> None:
    load(database, clock)
    with database.unit_of_work() as uow:
        clock.set(at("2025-01-10T09:00"))
        open_sealed(uow, NOMINATIONS, clock)
        for i in range(1, 11):
            member = f"d{i:02d}"
            voting.record_viewing(uow, "test-awards", "picture", member, ["p", "s", "q"], clock)
            voting.cast(uow, NOMINATIONS, member, ["s", "q"] if i <= 6 else ["p", "q"], clock)
        clock.set(at("2025-01-12T17:00"))
        rounds.close_round(uow, NOMINATIONS, clock, "admin")
        unseal_and_count(uow, NOMINATIONS, clock)
        clock.set(at("2025-01-15T12:00"))
        rounds.announce_round(uow, NOMINATIONS, clock, "admin")
        rounds.advance(uow, NOMINATIONS, clock, "admin")
        clock.set(at("2025-02-01T10:00"))
        open_sealed(uow, DIRECTING, clock)
        open_sealed(uow, FINAL, clock)
        voters = iter(f"v{i:03d}" for i in range(1, 101))
        for copies, ranking in IRV_EXAMPLE:
            for _ in range(copies):
                member = next(voters)
                voting.attest(uow, DIRECTING, member, clock)
                voting.cast(uow, DIRECTING, member, ranking, clock)
        for member in ("v001", "v002", "v003"):
            voting.cast(uow, FINAL, member, ["s"], clock)
        clock.set(at("2025-02-03T17:00"))
        for ref in (DIRECTING, FINAL):
            rounds.close_round(uow, ref, clock, "admin")
            unseal_and_count(uow, ref, clock)
        clock.set(at("2025-02-05T12:00"))
        rounds.announce_round(uow, DIRECTING, clock, "admin")
    clock.set(at("2025-02-06T09:00"))
