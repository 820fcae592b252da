"""Sealed ballots and custodians' keys: a ballot opens only with the election key, every
ballot of a round seals to one length, an altered byte is refused; key and share files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.trust import keyfiles, keys
from shortlist.trust.errors import SealingError
from shortlist.trust.shamir import split

SLATE = ("the-pinewood", "quartz", "a-river", "salt", "tide")

rankings = st.lists(st.sampled_from(SLATE), min_size=1, max_size=5, unique=True)
scores = st.dictionaries(st.sampled_from(SLATE), st.integers(-10, 10), min_size=1)
ballots = st.one_of(rankings, scores)
ROOM = keys.ballot_room(SLATE, (-10, 10))


@settings(max_examples=50, deadline=None)
@given(marks=ballots)
def test_a_sealed_ballot_opens_with_the_election_key(marks: object) -> None:
    private = keys.new_election_key()
    sealed = keys.seal_ballot(keys.public_key_of(private), marks, ROOM)
    assert keys.open_ballot(private, sealed) == marks
    assert keys.tracker(sealed) == keys.tracker(bytes(sealed))
    assert len(keys.tracker(sealed)) == 64


@settings(max_examples=50, deadline=None)
@given(first=ballots, second=ballots)
def test_every_ballot_of_a_round_seals_to_one_length(first: object, second: object) -> None:
    public = keys.public_key_of(keys.new_election_key())
    one, other = (keys.seal_ballot(public, m, ROOM) for m in (first, second))
    assert len(one) == len(other)
    assert one != other


def test_the_same_ballot_seals_differently_each_time() -> None:
    public = keys.public_key_of(keys.new_election_key())
    sealed = {keys.seal_ballot(public, ["salt"], ROOM) for _ in range(20)}
    assert len(sealed) == 20
    assert len({keys.tracker(s) for s in sealed}) == 20


def test_another_key_or_an_altered_byte_does_not_open() -> None:
    private = keys.new_election_key()
    sealed = keys.seal_ballot(keys.public_key_of(private), ["salt"], ROOM)
    with pytest.raises(SealingError, match="does not open"):
        keys.open_ballot(keys.new_election_key(), sealed)
    for position in (0, 40, len(sealed) - 1):
        altered = bytearray(sealed)
        altered[position] ^= 1
        with pytest.raises(SealingError, match="does not open"):
            keys.open_ballot(private, bytes(altered))


def test_a_ballot_longer_than_the_round_allows_is_refused() -> None:
    public = keys.public_key_of(keys.new_election_key())
    with pytest.raises(SealingError, match="exceeds"):
        keys.seal_ballot(
            public, [*SLATE, "an-entry-not-on-the-slate"], keys.ballot_room(SLATE, (0, 1))
        )


def test_a_share_opens_only_with_its_custodians_key() -> None:
    alice, bob = keys.new_custodian("alice"), keys.new_custodian("bob")
    share = split(keys.new_election_key(), 2, 2, "e/c/r", "k")[0]
    sealed = keys.seal_share(alice.public, share)
    assert keys.open_share(alice, sealed) == share
    with pytest.raises(SealingError, match="bob's share does not open"):
        keys.open_share(bob, sealed)
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealingError, match="altered"):
        keys.open_share(alice, altered)


def test_key_and_share_files_read_back() -> None:
    alice = keys.new_custodian("alice")
    assert keyfiles.read_secret(keyfiles.secret_text(alice), "a.secret") == alice
    assert keyfiles.read_public(keyfiles.public_text(alice.public), "a.public") == alice.public
    share = split(keys.new_election_key(), 2, 3, "e/c/r", "k")[2]
    assert keyfiles.read_share(keyfiles.share_text("alice", share), "a.share") == ("alice", share)


def test_a_file_of_the_wrong_kind_is_refused_by_name() -> None:
    alice = keys.new_custodian("alice")
    with pytest.raises(SealingError, match=r"a\.public: field 'kind'"):
        keyfiles.read_secret(keyfiles.public_text(alice.public), "a.public")
    with pytest.raises(SealingError, match="x: not a shortlist key"):
        keyfiles.read_public("{", "x")
    broken = keyfiles.public_text(alice.public).replace('"public_key": "', '"public_key": "!')
    with pytest.raises(SealingError, match="'public_key' is missing or not base64"):
        keyfiles.read_public(broken, "a.public")
