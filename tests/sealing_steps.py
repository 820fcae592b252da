"""Sealing steps for tests that run rounds: seal before opening, unseal before counting.

The custodians are simulated with keys derived from a fixed seed (tests only), so any test can
unseal a round another step sealed without passing keys around.
"""

from __future__ import annotations

from shortlist.service import rounds, sealing
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord
from shortlist.trust import keys, shamir
from shortlist.trust.keys import CustodianSecret

CUSTODIANS: tuple[CustodianSecret, ...] = sealing.simulated_custodians(seed=b"shortlist tests")


def seal(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str = "admin") -> None:
    """Give ``ref`` an election key held by the three test custodians (any two unseal)."""
    sealing.seal_simulated(uow, ref, clock, actor, k=2, custodians=CUSTODIANS)


def open_sealed(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str = "admin") -> RoundRecord:
    """Seal ``ref`` (unless it already is) and open it."""
    if sealing.election_key(uow, ref) is None:
        seal(uow, ref, clock, actor)
    return rounds.open_round(uow, ref, clock, actor)


def unseal(uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str = "admin") -> RoundRecord:
    """Unseal a closed round with two of the three test custodians."""
    return sealing.unseal_with(uow, ref, CUSTODIANS[:2], clock, actor)


def unseal_and_count(
    uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str = "admin"
) -> RoundRecord:
    unseal(uow, ref, clock, actor)
    return rounds.count_round(uow, ref, clock, actor)


def peek(uow: UnitOfWork, ref: RoundRef) -> list[object]:
    """What the box holds, opened with two test custodians' shares but changing nothing (for
    tests of the box itself, before close): the sealed ballots' marks, by tracker."""
    record = rounds.find(uow, ref)
    key = sealing.election_key(uow, ref)
    assert key is not None
    shares = [sealing.custodian_share(uow, ref, c) for c in CUSTODIANS[:2]]
    private = shamir.combine(shares, str(ref), key.fingerprint)
    return [keys.open_ballot(private, sealed) for _, sealed in uow.ballots.sealed(record.id)]
