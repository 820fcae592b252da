"""Sealing a round: its election key split among custodians; unsealing with a quorum of them.

Before a round opens it gets an election key pair. The public key seals every ballot when it is
cast; the private key is split k-of-n (Shamir) among named custodians, each share sealed to its
custodian's own public key, and then forgotten: it is never stored. After close, any k
custodians open their shares; :func:`unseal` rebuilds the key in memory only, checks the box
against the board published at close, opens every ballot, shuffles them
(``random.SystemRandom``) and stores the anonymised ballots in that order, and lets the key go.
Counting reads only those. Ballots are sealed by the server as they are cast, so the running
server sees each one for an instant; a copy of the database never shows one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from shortlist.domain.errors import LifecycleError
from shortlist.domain.lifecycle import RoundStatus, check_step
from shortlist.domain.model import BallotSpec
from shortlist.service import board
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.service.rounds import find
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord
from shortlist.store.sealing_repository import StoredCustodian, StoredKey
from shortlist.trust import keys, shamir
from shortlist.trust.errors import SealingError
from shortlist.trust.keys import CustodianPublic, CustodianSecret
from shortlist.trust.shamir import Share

DEMO_CUSTODIANS = ("alice", "bob", "carol")


@dataclass(frozen=True)
class ElectionKey:
    """What is public about a round's election key."""

    round: str
    public_key: bytes
    fingerprint: str
    k: int
    n: int
    custodians: tuple[CustodianPublic, ...]


def _public(ref: RoundRef | str, stored: StoredKey) -> ElectionKey:
    custodians = tuple(CustodianPublic(c.name, c.public_key) for c in stored.custodians)
    return ElectionKey(
        str(ref), stored.public_key, stored.fingerprint, stored.k, stored.n, custodians
    )


def election_key(uow: UnitOfWork, ref: RoundRef) -> ElectionKey | None:
    """The round's public election key and custodians; None before it is sealed."""
    stored = uow.keys.get(find(uow, ref).id)
    return None if stored is None else _public(ref, stored)


def seal_round(
    uow: UnitOfWork, ref: RoundRef, custodians: Sequence[CustodianPublic], k: int, clock: Clock,
    actor: str,
) -> ElectionKey:  # fmt: skip
    """Give a draft round its election key: split k-of-n among ``custodians``, each share
    sealed to its custodian; the private key is not kept."""
    record = uow.rounds.get(find(uow, ref).id, lock="update")
    if record.status is not RoundStatus.DRAFT:
        raise LifecycleError(f"cannot seal round {ref}: it is {record.status.value}, not draft")
    if uow.keys.get(record.id) is not None:
        raise LifecycleError(f"round {ref} already has an election key")
    _check_custodians(custodians)
    shamir.check_threshold(k, len(custodians))
    private = keys.new_election_key()
    public = keys.public_key_of(private)
    fingerprint = keys.fingerprint(public)
    shares = shamir.split(private, k, len(custodians), str(ref), fingerprint)
    stored = [
        StoredCustodian(c.name, c.public_key, keys.seal_share(c, share))
        for c, share in zip(custodians, shares, strict=True)
    ]
    now = clock.now()
    uow.keys.put(record.id, public, fingerprint, k, now, stored)
    names = [c.name for c in custodians]
    detail = {"fingerprint": fingerprint, "k": k, "n": len(custodians), "custodians": names}
    uow.audit.write(now, actor, "round.seal-key", str(ref), detail=detail)
    uow.commit()
    return ElectionKey(str(ref), public, fingerprint, k, len(custodians), tuple(custodians))


def _check_custodians(custodians: Sequence[CustodianPublic]) -> None:
    names = [c.name for c in custodians]
    if not custodians:
        raise SealingError("a round needs at least one custodian")
    if any(not n.strip() for n in names) or len(set(names)) != len(names):
        raise SealingError(f"custodians need distinct, non-empty names: {names}")
    if len({c.public_key for c in custodians}) != len(custodians):
        raise SealingError("two custodians share one public key (a custodian counted twice)")
    for c in custodians:
        if len(c.public_key) != keys.KEY_BYTES:
            raise SealingError(f"custodian {c.name}: a public key is {keys.KEY_BYTES} bytes")


def custodian_share(uow: UnitOfWork, ref: RoundRef, custodian: CustodianSecret) -> Share:
    """The share stored for ``custodian`` in the round, opened with their secret key."""
    stored = uow.keys.get(find(uow, ref).id)
    if stored is None:
        raise SealingError(f"round {ref} has no election key")
    public = custodian.public.public_key
    for c in stored.custodians:
        if c.public_key == public:
            return keys.open_share(custodian, c.sealed_share)
    raise SealingError(f"{custodian.name}'s key is not the key of a custodian of round {ref}")


def ballot_room(spec: BallotSpec, slate: Sequence[str]) -> int:
    """The one length every sealed ballot of a round is padded to."""
    return keys.ballot_room(tuple(slate), (spec.min_score, spec.max_score))


def unseal(
    uow: UnitOfWork, ref: RoundRef, shares: Sequence[Share], clock: Clock, actor: str
) -> RoundRecord:
    """Open a closed round's ballots with at least k custodians' shares; store them shuffled.
    Too few shares, another round's share or a tampered one: :class:`SealingError`, nothing
    changed."""
    record = uow.rounds.get(find(uow, ref).id, lock="update")
    check_step(str(ref), record.status, RoundStatus.UNSEALED)
    stored = uow.keys.get(record.id)
    if stored is None:
        raise SealingError(f"round {ref} has no election key")
    private = _rebuild(str(ref), stored, shares)
    sealed = uow.ballots.sealed(record.id)
    _check_against_board(uow, ref, [tracker for tracker, _ in sealed])
    opened = _open_all(str(ref), private, sealed)
    del private  # the key lives only in this call (Python may keep the bytes until reused)
    random.SystemRandom().shuffle(opened)
    uow.keys.put_unsealed(record.id, opened)
    uow.rounds.update(record.id, status=RoundStatus.UNSEALED)
    names = [stored.custodians[s.index - 1].name for s in shares[: stored.k]]
    detail = {"custodians": names, "ballots": len(opened), "fingerprint": stored.fingerprint}
    uow.audit.write(clock.now(), actor, "round.unseal", str(ref), detail=detail)
    uow.commit()
    return uow.rounds.get(record.id)


def _check_against_board(uow: UnitOfWork, ref: RoundRef, trackers: Sequence[str]) -> None:
    """Refuse a box that is not the one published at close (a ballot added or removed since)."""
    published = set(board.board_of(uow, ref).trackers)
    added, missing = set(trackers) - published, published - set(trackers)
    if added or missing:
        raise SealingError(
            f"round {ref}: the box does not match the board published at close "
            f"({len(added)} sealed ballots not on it, {len(missing)} on it missing from the box)"
        )


def _open_all(round: str, private: bytes, sealed: Sequence[tuple[str, bytes]]) -> list[object]:
    opened = []
    for tracker, ciphertext in sealed:
        if keys.tracker(ciphertext) != tracker:
            raise SealingError(
                f"round {round}: the sealed ballot with tracker {tracker} was altered since it "
                "was cast (its ciphertext no longer hashes to its tracker)"
            )
        opened.append(keys.open_ballot(private, ciphertext))
    return opened


def _rebuild(round: str, stored: StoredKey, shares: Sequence[Share]) -> bytes:
    """The private key from the shares, checked against the round's public key."""
    private = shamir.combine(shares, round, stored.fingerprint)
    if keys.public_key_of(private) != stored.public_key:
        raise SealingError(
            f"round {round}: the shares do not rebuild its election key (a share is wrong or "
            "was tampered with)"
        )
    return private


def simulated_custodians(
    names: Sequence[str] = DEMO_CUSTODIANS, seed: bytes | None = None
) -> tuple[CustodianSecret, ...]:
    """Custodians for the demo and tests: fresh keys, or keys derived from ``seed`` (tests only:
    anyone knowing the seed holds the keys)."""
    if seed is None:
        return tuple(keys.new_custodian(n) for n in names)
    return tuple(keys.derived_custodian(n, seed) for n in names)


def seal_simulated(
    uow: UnitOfWork, ref: RoundRef, clock: Clock, actor: str, k: int = 2,
    custodians: Sequence[CustodianSecret] | None = None,
) -> tuple[CustodianSecret, ...]:  # fmt: skip
    """Seal ``ref`` with simulated custodians (three by default, any two unseal)."""
    chosen = tuple(custodians) if custodians is not None else simulated_custodians()
    seal_round(uow, ref, [c.public for c in chosen], k, clock, actor)
    return chosen


def unseal_with(
    uow: UnitOfWork, ref: RoundRef, custodians: Sequence[CustodianSecret], clock: Clock,
    actor: str,
) -> RoundRecord:  # fmt: skip
    """Unseal ``ref``, each of ``custodians`` opening their own share."""
    shares = [custodian_share(uow, ref, c) for c in custodians]
    return unseal(uow, ref, shares, clock, actor)
