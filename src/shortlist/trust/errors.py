"""The errors of sealing and of checking the record, under :mod:`shortlist.errors`.

::

    ShortlistError
    ├── InputError
    │   └── SealingError        a key, share or sealed ballot is wrong: another round's share,
    │                           too few shares, a tampered share or ciphertext, a bad key file
    └── VerificationError       a hash, signature, audit chain, card or record does not check,
                                or the body's key file is missing or not the database's (exit 5)
"""

from __future__ import annotations

from shortlist.errors import InputError, ShortlistError


class SealingError(InputError):
    """A key, custodian share or sealed ballot cannot be used; nothing was changed."""


class VerificationError(ShortlistError):
    """A hash, signature, chain, card or record does not check; the message says which."""

    exit_code = 5
