"""Shamir secret sharing of a 32-byte key over the prime field of p = 2^521 - 1.

The secret is the constant term of a random polynomial of degree k-1; custodian i holds its
value at x = i (1..n). Any k shares give the polynomial back by Lagrange interpolation at 0;
k-1 shares are consistent with *every* secret (for each candidate secret exactly one
polynomial passes through them), so they say nothing about it. Each share names the round and
the election key it belongs to, so a share of another round or key is refused, not mixed in.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from shortlist.trust.errors import SealingError

#: A Mersenne prime larger than any 32-byte secret.
PRIME = 2**521 - 1
SECRET_BYTES = 32
#: A share's value in hex, always this wide (so a sealed share's length says nothing).
_VALUE_DIGITS = (PRIME.bit_length() + 3) // 4


@dataclass(frozen=True)
class Share:
    """Custodian ``index``'s share (of ``n``, any ``k`` unseal) of ``round``'s election key
    (``key`` is that key's fingerprint)."""

    round: str
    key: str
    index: int
    k: int
    n: int
    value: int

    def to_bytes(self) -> bytes:
        document = {
            "round": self.round, "key": self.key, "index": self.index, "k": self.k,
            "n": self.n, "value": format(self.value, f"0{_VALUE_DIGITS}x"),
        }  # fmt: skip
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Share:
        try:
            d = json.loads(data)
            share = cls(
                str(d["round"]), str(d["key"]), int(d["index"]), int(d["k"]), int(d["n"]),
                int(d["value"], 16),
            )  # fmt: skip
        except (ValueError, KeyError, TypeError) as exc:
            raise SealingError(f"not a custodian share ({exc.__class__.__name__}: {exc})") from exc
        if not (1 <= share.k <= share.n and 1 <= share.index <= share.n):
            raise SealingError(f"share {share.index} of {share.k}/{share.n} is malformed")
        if not 0 <= share.value < PRIME:
            raise SealingError(f"share {share.index}: its value is outside the field")
        return share


def check_threshold(k: int, n: int) -> None:
    if not 1 <= k <= n:
        raise SealingError(f"custodians k/n = {k}/{n}: need 1 <= k <= n")
    if n > 255:
        raise SealingError(f"custodians n = {n}: at most 255 custodians")


def split(secret: bytes, k: int, n: int, round: str, key: str) -> list[Share]:
    """``n`` shares of ``secret`` (32 bytes), any ``k`` of which rebuild it."""
    check_threshold(k, n)
    if len(secret) != SECRET_BYTES:
        raise SealingError(f"the secret is {len(secret)} bytes, not {SECRET_BYTES}")
    coefficients = [int.from_bytes(secret, "big")]
    coefficients += [secrets.randbelow(PRIME) for _ in range(k - 1)]
    return [Share(round, key, x, k, n, evaluate(coefficients, x)) for x in range(1, n + 1)]


def evaluate(coefficients: Sequence[int], x: int, prime: int = PRIME) -> int:
    """The polynomial with ``coefficients`` (constant term first) at ``x``, mod ``prime``."""
    total = 0
    for c in reversed(coefficients):
        total = (total * x + c) % prime
    return total


def interpolate_at_zero(points: Sequence[tuple[int, int]], prime: int = PRIME) -> int:
    """The value at 0 of the one polynomial of degree < len(points) through ``points``."""
    total = 0
    for i, (xi, yi) in enumerate(points):
        numerator, denominator = 1, 1
        for j, (xj, _) in enumerate(points):
            if i != j:
                numerator = numerator * (-xj) % prime
                denominator = denominator * (xi - xj) % prime
        total = (total + yi * numerator * pow(denominator, -1, prime)) % prime
    return total


def combine(shares: Sequence[Share], round: str, key: str) -> bytes:
    """The secret rebuilt from ``shares`` of ``round``'s key ``key``; :class:`SealingError` if a
    share belongs elsewhere, shares disagree on k/n, repeat, or are fewer than k."""
    if not shares:
        raise SealingError(f"round {round}: no custodian shares given")
    for s in shares:
        if s.round != round:
            raise SealingError(f"share {s.index} is a share of round {s.round}, not of {round}")
        if s.key != key:
            raise SealingError(
                f"share {s.index} is of election key {s.key[:16]}…, not of this round's "
                f"key {key[:16]}…"
            )
    k, n = shares[0].k, shares[0].n
    if any((s.k, s.n) != (k, n) for s in shares):
        raise SealingError(f"round {round}: the shares disagree on k/n")
    if any(not 1 <= s.index <= n for s in shares):
        raise SealingError(f"round {round}: a share's index is outside 1..{n}")
    indices = [s.index for s in shares]
    if len(set(indices)) != len(indices):
        raise SealingError(f"round {round}: a custodian's share is given twice")
    if len(shares) < k:
        raise SealingError(f"round {round}: {len(shares)} custodian shares given, {k} needed")
    value = interpolate_at_zero([(s.index, s.value) for s in shares[:k]])
    if value >= 2 ** (8 * SECRET_BYTES):
        raise SealingError(
            f"round {round}: the shares do not rebuild a key "
            "(a share is wrong or was tampered with)"
        )
    return value.to_bytes(SECRET_BYTES, "big")
