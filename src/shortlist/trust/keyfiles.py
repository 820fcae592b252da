"""Custodians' key files and share files: small JSON documents, each saying what it is.

``NAME.public`` (give it to the administrator), ``NAME.secret`` (keep it; it opens the share
sealed to you), and a share file (your share of one round's key, opened on your own machine).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shortlist.trust.errors import SealingError
from shortlist.trust.keys import KEY_BYTES, CustodianPublic, CustodianSecret
from shortlist.trust.shamir import Share

PUBLIC = "shortlist custodian public key"
SECRET = "shortlist custodian secret key"
SHARE = "shortlist custodian share"


def public_text(custodian: CustodianPublic) -> str:
    return _dump({"kind": PUBLIC, "custodian": custodian.name,
                  "public_key": _b64(custodian.public_key),
                  "fingerprint": custodian.fingerprint})  # fmt: skip


def secret_text(custodian: CustodianSecret) -> str:
    return _dump({"kind": SECRET, "custodian": custodian.name,
                  "secret_key": _b64(custodian.secret_key)})  # fmt: skip


def share_text(custodian: str, share: Share) -> str:
    return _dump({"kind": SHARE, "custodian": custodian,
                  "share": json.loads(share.to_bytes())})  # fmt: skip


def kind_of(text: str, source: str) -> str:
    return str(_load(text, source).get("kind", ""))


def read_public(text: str, source: str) -> CustodianPublic:
    d = _load(text, source, PUBLIC)
    return CustodianPublic(_name(d, source), _key(d, "public_key", source))


def read_secret(text: str, source: str) -> CustodianSecret:
    d = _load(text, source, SECRET)
    return CustodianSecret(_name(d, source), _key(d, "secret_key", source))


def read_share(text: str, source: str) -> tuple[str, Share]:
    """The custodian's name and their share."""
    d = _load(text, source, SHARE)
    share = d.get("share")
    if not isinstance(share, dict):
        raise SealingError(f"{source}: field 'share' is missing")
    return _name(d, source), Share.from_bytes(json.dumps(share).encode())


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _load(text: str, source: str, kind: str | None = None) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SealingError(f"{source}: not a shortlist key or share file ({exc})") from exc
    if not isinstance(document, dict):
        raise SealingError(f"{source}: not a shortlist key or share file")
    if kind is not None and document.get("kind") != kind:
        raise SealingError(f"{source}: field 'kind' is {document.get('kind')!r}, not {kind!r}")
    return document


def _name(document: dict[str, Any], source: str) -> str:
    name = document.get("custodian")
    if not isinstance(name, str) or not name.strip():
        raise SealingError(f"{source}: field 'custodian' (the custodian's name) is missing")
    return name


def _key(document: dict[str, Any], field: str, source: str) -> bytes:
    try:
        key = base64.b64decode(str(document[field]), validate=True)
    except (KeyError, binascii.Error) as exc:
        raise SealingError(f"{source}: field {field!r} is missing or not base64") from exc
    if len(key) != KEY_BYTES:
        raise SealingError(f"{source}: field {field!r} is {len(key)} bytes, not {KEY_BYTES}")
    return key
