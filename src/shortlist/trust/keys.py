"""Election keys, custodians' key pairs and sealed ballots (PyNaCl, X25519).

A round's election key is an X25519 key pair. A ballot is sealed to its public key with
``nacl.public.SealedBox`` (an ephemeral X25519 key, XSalsa20-Poly1305): only the private key
opens it, and any altered byte makes opening fail. Before sealing, the ballot's canonical JSON
is padded to a length fixed for the round, so a ciphertext's length says nothing about how
many entries were marked. The private key is split among custodians (:mod:`.shamir`); each
custodian's share is sealed to that custodian's own public key.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from shortlist.trust.errors import SealingError
from shortlist.trust.shamir import Share

KEY_BYTES = 32
_PAD = b" "


@dataclass(frozen=True)
class CustodianPublic:
    """A custodian as the round knows them: a name and a public key."""

    name: str
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


@dataclass(frozen=True)
class CustodianSecret:
    """A custodian's key pair, kept by the custodian (never stored by shortlist)."""

    name: str
    secret_key: bytes

    @property
    def public(self) -> CustodianPublic:
        return CustodianPublic(self.name, public_key_of(self.secret_key))


def new_custodian(name: str) -> CustodianSecret:
    return CustodianSecret(name, bytes(PrivateKey.generate()))


def derived_custodian(name: str, seed: bytes) -> CustodianSecret:
    """A custodian whose key is derived from ``seed`` and the name: for tests and simulations
    only (whoever knows the seed holds the key)."""
    return CustodianSecret(name, hashlib.sha256(seed + b"/" + name.encode()).digest())


def new_election_key() -> bytes:
    """A fresh X25519 private key (32 bytes)."""
    return bytes(PrivateKey.generate())


def public_key_of(private_key: bytes) -> bytes:
    return bytes(_private(private_key).public_key)


def fingerprint(public_key: bytes) -> str:
    """SHA-256 (hex) of the 32 raw public-key bytes."""
    return hashlib.sha256(public_key).hexdigest()


def tracker(sealed: bytes) -> str:
    """A sealed ballot's tracker: SHA-256 (hex) of its ciphertext bytes."""
    return hashlib.sha256(sealed).hexdigest()


def canonical(marks: Any) -> bytes:
    return json.dumps(marks, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@functools.lru_cache(maxsize=64)
def ballot_room(slate: tuple[str, ...], scores: tuple[int, int]) -> int:
    """The padded length of a round's ballots: the longest canonical ballot its slate allows
    (every entry marked, each with the widest score; a ranking or a choice is shorter)."""
    widest = max(scores, key=lambda score: len(str(score)))
    return len(canonical({key: widest for key in slate}))


def seal_ballot(public_key: bytes, marks: Any, pad_to: int) -> bytes:
    """``marks`` sealed to the election key, its JSON padded with spaces to ``pad_to`` bytes
    (a ballot longer than that is refused: the round's padding must cover every ballot)."""
    plain = canonical(marks)
    if len(plain) > pad_to:
        raise SealingError(f"a ballot of {len(plain)} bytes exceeds the round's {pad_to}")
    return SealedBox(_public(public_key)).encrypt(plain + _PAD * (pad_to - len(plain)))


def open_ballot(private_key: bytes, sealed: bytes) -> Any:
    """The marks inside a sealed ballot; :class:`SealingError` if it was altered."""
    try:
        plain = SealedBox(_private(private_key)).decrypt(sealed)
    except CryptoError as exc:
        raise SealingError(f"sealed ballot {tracker(sealed)[:16]}… does not open: {exc}") from exc
    return json.loads(plain.rstrip(_PAD))


def seal_share(custodian: CustodianPublic, share: Share) -> bytes:
    return SealedBox(_public(custodian.public_key)).encrypt(share.to_bytes())


def open_share(custodian: CustodianSecret, sealed: bytes) -> Share:
    """The share sealed to ``custodian``; :class:`SealingError` if it is not theirs or was
    altered."""
    try:
        plain = SealedBox(_private(custodian.secret_key)).decrypt(sealed)
    except CryptoError as exc:
        raise SealingError(
            f"custodian {custodian.name}'s share does not open with this key "
            "(another custodian's key, or the stored share was altered)"
        ) from exc
    return Share.from_bytes(plain)


def _private(key: bytes) -> PrivateKey:
    if len(key) != KEY_BYTES:
        raise SealingError(f"a private key is {KEY_BYTES} bytes, not {len(key)}")
    return PrivateKey(key)


def _public(key: bytes) -> PublicKey:
    if len(key) != KEY_BYTES:
        raise SealingError(f"a public key is {KEY_BYTES} bytes, not {len(key)}")
    return PublicKey(key)
