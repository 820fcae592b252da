"""Shamir sharing of the election key: any k shares rebuild it, k-1 say nothing about it, and a
share of another round, a repeated or missing share is refused."""

from __future__ import annotations

import itertools
import secrets

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shortlist.trust.errors import SealingError
from shortlist.trust.shamir import (
    PRIME,
    Share,
    combine,
    evaluate,
    interpolate_at_zero,
    split,
)

ROUND, KEY = "e/c/r", "ab" * 32

thresholds = st.integers(1, 7).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n)))
secrets_32 = st.binary(min_size=32, max_size=32)


@settings(max_examples=60, deadline=None)
@given(secret=secrets_32, kn=thresholds, data=st.data())
def test_any_k_shares_rebuild_the_secret(
    secret: bytes, kn: tuple[int, int], data: st.DataObject
) -> None:
    k, n = kn
    shares = split(secret, k, n, ROUND, KEY)
    assert [s.index for s in shares] == list(range(1, n + 1))
    chosen = data.draw(st.permutations(shares).map(lambda p: p[:k]))
    assert combine(chosen, ROUND, KEY) == secret
    more = data.draw(st.permutations(shares).map(lambda p: p[: data.draw(st.integers(k, n))]))
    assert combine(more, ROUND, KEY) == secret


@settings(max_examples=40, deadline=None)
@given(secret=secrets_32, other=secrets_32, kn=thresholds.filter(lambda kn: kn[0] >= 2))
def test_k_minus_one_real_shares_fit_every_secret(
    secret: bytes, other: bytes, kn: tuple[int, int]
) -> None:
    """For k-1 real shares and *any* other secret there is a k-th share completing them to that
    secret: the k-1 shares cannot tell the true secret from any other."""
    k, n = kn
    known = split(secret, k, n, ROUND, KEY)[: k - 1]
    points = [(0, int.from_bytes(other, "big"))] + [(s.index, s.value) for s in known]
    # the one polynomial of degree < k through (0, other) and the known shares, at x = k
    shifted = [(x - k, y) for x, y in points]
    forged = Share(ROUND, KEY, k, k, n, interpolate_at_zero(shifted))
    assert combine([*known, forged], ROUND, KEY) == other


def test_in_a_small_field_k_minus_one_shares_leave_every_secret_equally_likely() -> None:
    """The standard argument, counted exhaustively over GF(11) with k = 3: for every pair of
    values two custodians might hold, each of the 11 secrets is reached by exactly one
    polynomial (so the shares carry no information about the secret)."""
    p, k = 11, 3
    for y1, y2 in itertools.product(range(p), repeat=2):
        reached = [0] * p
        for a0, a1, a2 in itertools.product(range(p), repeat=k):
            if evaluate([a0, a1, a2], 1, p) == y1 and evaluate([a0, a1, a2], 2, p) == y2:
                reached[a0] += 1
        assert reached == [1] * p


def test_fewer_than_k_shares_are_refused() -> None:
    shares = split(secrets.token_bytes(32), 3, 5, ROUND, KEY)
    with pytest.raises(SealingError, match="2 custodian shares given, 3 needed"):
        combine(shares[:2], ROUND, KEY)


def test_a_share_of_another_round_or_key_is_refused() -> None:
    secret = secrets.token_bytes(32)
    ours = split(secret, 2, 3, ROUND, KEY)
    theirs = split(secret, 2, 3, "e/c/other", KEY)
    with pytest.raises(SealingError, match="share of round e/c/other, not of e/c/r"):
        combine([ours[0], theirs[1]], ROUND, KEY)
    other_key = split(secret, 2, 3, ROUND, "cd" * 32)
    with pytest.raises(SealingError, match="election key cdcd"):
        combine([ours[0], other_key[1]], ROUND, KEY)


def test_a_repeated_share_is_refused() -> None:
    shares = split(secrets.token_bytes(32), 2, 3, ROUND, KEY)
    with pytest.raises(SealingError, match="given twice"):
        combine([shares[0], shares[0]], ROUND, KEY)


@given(kn=thresholds)
def test_a_share_survives_its_file_form(kn: tuple[int, int]) -> None:
    k, n = kn
    for share in split(secrets.token_bytes(32), k, n, ROUND, KEY):
        assert Share.from_bytes(share.to_bytes()) == share


@pytest.mark.parametrize(
    "text, reason",
    [
        (b"not json", "not a custodian share"),
        (b'{"round": "e/c/r"}', "not a custodian share"),
        (b'{"round":"r","key":"k","index":4,"k":2,"n":3,"value":"1"}', "malformed"),
        (
            b'{"round":"r","key":"k","index":1,"k":2,"n":3,"value":"%x"}' % PRIME,
            "outside the field",
        ),
    ],
)
def test_a_malformed_share_says_what_is_wrong(text: bytes, reason: str) -> None:
    with pytest.raises(SealingError, match=reason):
        Share.from_bytes(text)


@pytest.mark.parametrize("k, n", [(0, 3), (4, 3), (1, 256)])
def test_impossible_thresholds_are_refused(k: int, n: int) -> None:
    with pytest.raises(SealingError, match="custodians"):
        split(secrets.token_bytes(32), k, n, ROUND, KEY)
