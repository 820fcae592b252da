"""Canonical JSON and SHA-256: the bytes every hash and signature of the record is taken over.

Canonical JSON is UTF-8, keys sorted, no spaces (``separators=(",", ":")``), non-ASCII kept as
is. Two documents with the same content always give the same bytes, so their hashes agree.
An instant is written ``2025-01-05T09:00:00.000000Z`` (UTC, microseconds).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical(document: Any) -> bytes:
    """The canonical JSON bytes of ``document``."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def plain(document: Any) -> Any:
    """``document`` as JSON reads it back (tuples become lists): what a database stores."""
    return json.loads(canonical(document))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(document: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``document``."""
    return sha256_hex(canonical(document))


def instant(moment: datetime) -> str:
    """An aware instant as the record writes it (UTC, microseconds, ``Z``)."""
    if moment.tzinfo is None:
        raise ValueError("instants must be time-zone aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
