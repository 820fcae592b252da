"""The errors of sealing, under :mod:`shortlist.errors`.

::

    ShortlistError
    └── InputError
        └── SealingError        a key, share or sealed ballot is wrong: another round's share,
                                too few shares, a tampered share or ciphertext, a bad key file
"""

from __future__ import annotations

from shortlist.errors import InputError


class SealingError(InputError):
    """A key, custodian share or sealed ballot cannot be used; nothing was changed."""
