"""The awards body's signing key (Ed25519): it signs the audit log, the commitments to results,
the announcement cards and the record's manifest.

The private key lives in a file outside the database (see :mod:`shortlist.store.body_key`), so
whoever can write the database cannot re-sign a rewritten log. The public key is recorded in
the database, printed on every card and written into the record; its fingerprint (SHA-256 of
the 32 raw public-key bytes) is what people compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from shortlist.trust.canonical import sha256_hex
from shortlist.trust.errors import VerificationError

KEY_FILE_HEADER = "shortlist-body-key/1"


@dataclass(frozen=True)
class BodyPublicKey:
    """The body's public key: checks signatures; ``fingerprint`` names it."""

    raw: bytes

    @classmethod
    def from_hex(cls, text: str, where: str = "public key") -> BodyPublicKey:
        try:
            raw = bytes.fromhex(text.strip())
        except ValueError:
            raise VerificationError(f"{where}: not a hexadecimal Ed25519 public key") from None
        if len(raw) != 32:
            raise VerificationError(f"{where}: an Ed25519 public key has 32 bytes, not {len(raw)}")
        return cls(raw)

    @property
    def hex(self) -> str:
        return self.raw.hex()

    @property
    def fingerprint(self) -> str:
        return sha256_hex(self.raw)

    def verifies(self, message: bytes, signature: str) -> bool:
        """Whether ``signature`` (hex) is this key's signature of ``message``."""
        try:
            VerifyKey(self.raw).verify(message, bytes.fromhex(signature))
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True


class BodyKey:
    """The body's private signing key."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise VerificationError(f"a body key has a 32-byte seed, not {len(seed)} bytes")
        self._key = SigningKey(seed)
        self.public = BodyPublicKey(bytes(self._key.verify_key))

    @classmethod
    def generate(cls) -> BodyKey:
        return cls(bytes(SigningKey.generate()))

    def sign(self, message: bytes) -> str:
        """The signature of ``message``, hex."""
        return self._key.sign(message).signature.hex()

    def to_text(self) -> str:
        """The key file's content: a header line, then the seed in hex."""
        return f"{KEY_FILE_HEADER}\n{bytes(self._key).hex()}\n"

    @classmethod
    def from_text(cls, text: str, where: str) -> BodyKey:
        lines = text.split()
        if len(lines) != 2 or lines[0] != KEY_FILE_HEADER:
            raise VerificationError(f"{where}: not a shortlist body key file ({KEY_FILE_HEADER})")
        try:
            return cls(bytes.fromhex(lines[1]))
        except ValueError:
            raise VerificationError(f"{where}: the key is not 32 bytes of hexadecimal") from None
