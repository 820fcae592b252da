"""The small edition run to its announcements, for the tests of the public record: the directing
final (ACADEMY.md §3.4's IRV example, 100 voters) and the picture nominations (10 directors)."""

from __future__ import annotations

from collections.abc import Sequence

from small_edition import at

from sealing_steps import open_sealed, unseal_and_count
from shortlist.service import rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
DIRECTING = RoundRef("test-awards", "directing", "final")

IRV_EXAMPLE = [
    (30, ["p", "q", "r", "s", "t"]),
    (26, ["q", "r", "p", "t", "s"]),
    (20, ["r", "q", "s", "p", "t"]),
    (14, ["s", "r", "q", "p", "t"]),
    (10, ["t", "s", "r", "q", "p"]),
]


def run_nominations(uow: UnitOfWork, clock: SimulatedClock) -> list[str]:
    """Ten directors nominate; counted and announced. Their receipts' trackers."""
    clock.set(at("2025-01-10T09:00"))
    open_sealed(uow, NOMINATIONS, clock)
    trackers = []
    for i in range(1, 11):
        member = f"d{i:02d}"
        voting.record_viewing(uow, "test-awards", "picture", member, ["p", "s"], clock)
        ranking = ["s", "p"] if i <= 6 else ["p", "q"]
        trackers.append(voting.cast(uow, NOMINATIONS, member, ranking, clock).tracker)
    clock.set(at("2025-01-12T17:00"))
    rounds.close_round(uow, NOMINATIONS, clock, "admin")
    unseal_and_count(uow, NOMINATIONS, clock)
    clock.set(at("2025-01-15T12:00"))
    rounds.announce_round(uow, NOMINATIONS, clock, "admin")
    return trackers


def run_directing(
    uow: UnitOfWork,
    clock: SimulatedClock,
    ballots: Sequence[tuple[int, list[str]]] = IRV_EXAMPLE,
    *,
    announce: bool = True,
) -> list[str]:
    """Actors rank the directing entries; counted (and announced). Their trackers."""
    clock.set(at("2025-02-01T10:00"))
    open_sealed(uow, DIRECTING, clock)
    voters = (f"v{i:03d}" for i in range(1, 101))
    trackers = []
    for copies, ranking in ballots:
        for _ in range(copies):
            member = next(voters)
            voting.attest(uow, DIRECTING, member, clock)
            trackers.append(voting.cast(uow, DIRECTING, member, ranking, clock).tracker)
    clock.set(at("2025-02-03T17:00"))
    rounds.close_round(uow, DIRECTING, clock, "admin")
    unseal_and_count(uow, DIRECTING, clock)
    if announce:
        clock.set(at("2025-02-05T12:00"))
        rounds.announce_round(uow, DIRECTING, clock, "admin")
    return trackers
