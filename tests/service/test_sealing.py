"""Sealed rounds through the services: a round opens only sealed, ballots are stored as
ciphertext only, unsealing needs k custodians (fewer, another round's share or a tampered one
change nothing), and the opened ballots are shuffled."""

from __future__ import annotations

import dataclasses

import pytest
from small_edition import at
from sqlalchemy import func, select

from sealing_steps import CUSTODIANS, open_sealed, unseal
from shortlist.domain.errors import LifecycleError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import rounds, sealing, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store import sealing_tables as s
from shortlist.store import tables as t
from shortlist.store.database import Database, UnitOfWork
from shortlist.trust import keys
from shortlist.trust.errors import SealingError
from shortlist.trust.shamir import PRIME, combine

DIRECTING = RoundRef("test-awards", "directing", "final")
NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
#: Twelve different rankings, in the order they are cast.
RANKINGS = [
    ["p", "q", "r"], ["q"], ["r", "p"], ["s", "t", "p", "q", "r"], ["t"], ["p"],
    ["q", "p"], ["r", "s", "t"], ["s"], ["t", "r"], ["p", "t"], ["q", "s", "r", "p"],
]  # fmt: skip


def _cast_and_close(uow: UnitOfWork, clock: SimulatedClock) -> list[str]:
    clock.set(at("2025-02-01T10:00"))
    open_sealed(uow, DIRECTING, clock)
    trackers = []
    for i, ranking in enumerate(RANKINGS, start=1):
        voting.attest(uow, DIRECTING, f"v{i:03d}", clock)
        trackers.append(voting.cast(uow, DIRECTING, f"v{i:03d}", ranking, clock).tracker)
    clock.set(at("2025-02-03T17:00"))
    rounds.close_round(uow, DIRECTING, clock, "admin")
    return trackers


def _unsealed_rows(uow: UnitOfWork) -> int:
    query = select(func.count()).select_from(s.unsealed_ballots)
    return int(uow.connection.execute(query).scalar_one())


def test_a_round_without_an_election_key_does_not_open(
    loaded: Database, clock: SimulatedClock
) -> None:
    clock.set(at("2025-02-01T10:00"))
    with loaded.unit_of_work() as uow:
        with pytest.raises(LifecycleError, match=r"no election key.*shortlist round seal-key"):
            rounds.open_round(uow, DIRECTING, clock, "admin")
        assert rounds.find(uow, DIRECTING).status is RoundStatus.DRAFT


def test_the_receipt_tracker_is_the_hash_of_the_stored_ciphertext(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        trackers = _cast_and_close(uow, clock)
        record = rounds.find(uow, DIRECTING)
        stored = uow.ballots.sealed(record.id)
        assert sorted(trackers) == [tracker for tracker, _ in stored]
        assert all(keys.tracker(sealed) == tracker for tracker, sealed in stored)
        assert len({len(sealed) for _, sealed in stored}) == 1  # one length, whatever marked
        assert uow.ballots.marks(record.id) == []


def test_unsealing_opens_every_ballot_in_a_shuffled_order(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        _cast_and_close(uow, clock)
        record = rounds.find(uow, DIRECTING)
        box_order = [keys.open_ballot(_private(uow), sealed) for _, sealed in
                     uow.ballots.sealed(record.id)]  # fmt: skip
        unsealed = unseal(uow, DIRECTING, clock)
        opened = uow.ballots.marks(record.id)
        assert unsealed.status is RoundStatus.UNSEALED
        assert sorted(opened) == sorted(RANKINGS)
        # 12 different ballots: either order survives a true shuffle with chance 1 in 12!
        assert opened != RANKINGS
        assert opened != box_order
        entry = uow.audit.entries(str(DIRECTING))[-1]
        assert entry.action == "round.unseal"
        assert entry.detail["custodians"] == [c.name for c in CUSTODIANS[:2]]
        assert entry.detail["ballots"] == len(RANKINGS)
        counted = rounds.count_round(uow, DIRECTING, clock, "admin")
    assert counted.status is RoundStatus.COUNTED


def _private(uow: UnitOfWork) -> bytes:
    """The election key rebuilt the way unsealing does (to read the box order in the test)."""
    key = sealing.election_key(uow, DIRECTING)
    assert key is not None
    shares = [sealing.custodian_share(uow, DIRECTING, c) for c in CUSTODIANS[1:]]
    return combine(shares, str(DIRECTING), key.fingerprint)


def test_any_two_of_the_three_custodians_rebuild_the_round_key(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        key = sealing.seal_round(uow, DIRECTING, [c.public for c in CUSTODIANS], 2, clock, "a")
        for pair in ((0, 1), (0, 2), (2, 1)):
            shares = [sealing.custodian_share(uow, DIRECTING, CUSTODIANS[i]) for i in pair]
            rebuilt = combine(shares, str(DIRECTING), key.fingerprint)
            assert keys.public_key_of(rebuilt) == key.public_key


def test_one_custodian_alone_cannot_unseal_and_nothing_changes(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        _cast_and_close(uow, clock)
        alone = [sealing.custodian_share(uow, DIRECTING, CUSTODIANS[2])]
        with pytest.raises(SealingError, match="1 custodian shares given, 2 needed"):
            sealing.unseal(uow, DIRECTING, alone, clock, "admin")
        # the real share plus a guess for the missing one rebuilds some key, never the round's
        guess = dataclasses.replace(alone[0], index=1, value=12345 % PRIME)
        with pytest.raises(SealingError, match="do not rebuild"):
            sealing.unseal(uow, DIRECTING, [*alone, guess], clock, "admin")
        assert rounds.find(uow, DIRECTING).status is RoundStatus.CLOSED
        assert _unsealed_rows(uow) == 0
        assert uow.audit.entries(str(DIRECTING))[-1].action != "round.unseal"


def test_a_share_of_another_round_or_a_tampered_share_is_refused(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        clock.set(at("2025-01-10T09:00"))
        open_sealed(uow, NOMINATIONS, clock)
        _cast_and_close(uow, clock)
        mine = [sealing.custodian_share(uow, DIRECTING, c) for c in CUSTODIANS[:2]]
        other = sealing.custodian_share(uow, NOMINATIONS, CUSTODIANS[1])
        with pytest.raises(SealingError, match="share of round test-awards/picture/nominations"):
            sealing.unseal(uow, DIRECTING, [mine[0], other], clock, "admin")
        tampered = dataclasses.replace(mine[1], value=(mine[1].value + 1) % PRIME)
        with pytest.raises(SealingError, match="a share is wrong or was tampered with"):
            sealing.unseal(uow, DIRECTING, [mine[0], tampered], clock, "admin")
        assert rounds.find(uow, DIRECTING).status is RoundStatus.CLOSED
        assert _unsealed_rows(uow) == 0
        assert sealing.unseal(uow, DIRECTING, mine, clock, "admin").status is RoundStatus.UNSEALED


def test_a_stranger_key_opens_no_share(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        sealing.seal_simulated(uow, DIRECTING, clock, "admin", 2, CUSTODIANS)
        stranger = keys.new_custodian("mallory")
        with pytest.raises(SealingError, match="mallory's key is not the key of a custodian"):
            sealing.custodian_share(uow, DIRECTING, stranger)


def test_sealing_is_refused_twice_after_opening_and_with_bad_custodians(
    loaded: Database, clock: SimulatedClock
) -> None:
    publics = [c.public for c in CUSTODIANS]
    with loaded.unit_of_work() as uow:
        with pytest.raises(SealingError, match="k/n = 4/3"):
            sealing.seal_round(uow, DIRECTING, publics, 4, clock, "admin")
        with pytest.raises(SealingError, match="share one public key"):
            twice = [publics[0], dataclasses.replace(publics[0], name="alias")]
            sealing.seal_round(uow, DIRECTING, twice, 1, clock, "admin")
        with pytest.raises(SealingError, match="distinct"):
            sealing.seal_round(uow, DIRECTING, [publics[0], publics[0]], 1, clock, "admin")
        assert sealing.election_key(uow, DIRECTING) is None
        key = sealing.seal_round(uow, DIRECTING, publics, 2, clock, "admin")
        assert sealing.election_key(uow, DIRECTING) == key
        assert key.fingerprint == keys.fingerprint(key.public_key)
        with pytest.raises(LifecycleError, match="already has an election key"):
            sealing.seal_round(uow, DIRECTING, publics, 2, clock, "admin")
        clock.set(at("2025-02-01T10:00"))
        rounds.open_round(uow, DIRECTING, clock, "admin")
        with pytest.raises(LifecycleError, match="it is open, not draft"):
            sealing.seal_round(uow, DIRECTING, publics, 2, clock, "admin")


def test_an_altered_ciphertext_stops_unsealing_and_changes_nothing(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        _cast_and_close(uow, clock)
        tracker, sealed = uow.ballots.sealed(rounds.find(uow, DIRECTING).id)[5]
        altered = sealed[:-1] + bytes([sealed[-1] ^ 0x80])
        uow.connection.execute(
            t.ballots.update().where(t.ballots.c.tracker == tracker).values(sealed=altered)
        )
        uow.commit()
        with pytest.raises(SealingError, match=f"tracker {tracker} was altered"):
            unseal(uow, DIRECTING, clock)
        assert rounds.find(uow, DIRECTING).status is RoundStatus.CLOSED
        assert _unsealed_rows(uow) == 0


def test_a_ballot_added_or_removed_after_close_stops_unsealing(
    loaded: Database, clock: SimulatedClock
) -> None:
    """Anyone may seal a valid ballot with the public key; the board published at close shows
    that it was not in the box then."""
    with loaded.unit_of_work() as uow:
        _cast_and_close(uow, clock)
        record = rounds.find(uow, DIRECTING)
        key = sealing.election_key(uow, DIRECTING)
        assert key is not None
        stuffed = keys.seal_ballot(key.public_key, ["t"], sealing.ballot_room(
            record.spec.ballot, record.slate or ()))  # fmt: skip
        uow.ballots.put(record.id, "stuffed", stuffed, keys.tracker(stuffed))
        uow.commit()
        with pytest.raises(SealingError, match="1 sealed ballots not on it, 0 on it missing"):
            unseal(uow, DIRECTING, clock)
        cast = [tr for tr, _ in uow.ballots.sealed(record.id) if tr != keys.tracker(stuffed)]
        removed = cast[0]
        uow.connection.execute(t.ballots.delete().where(t.ballots.c.tracker.in_(
            [removed, keys.tracker(stuffed)])))  # fmt: skip
        uow.commit()
        with pytest.raises(SealingError, match="0 sealed ballots not on it, 1 on it missing"):
            unseal(uow, DIRECTING, clock)
        assert rounds.find(uow, DIRECTING).status is RoundStatus.CLOSED
        assert _unsealed_rows(uow) == 0
