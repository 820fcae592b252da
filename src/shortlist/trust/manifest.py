"""The record's manifest: the SHA-256 of every file, the body's public key and the audit log's
head, signed by the body. Any byte changed, any file added or taken away, is caught here."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import canonical, sha256_hex

FORMAT = "shortlist-record/1"
NAME = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]
    body_key: str
    audit_head: dict[str, Any]
    rounds: list[dict[str, Any]]
    min_ballots: int

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "files": self.files, "body_key": self.body_key,
            "audit_head": self.audit_head, "rounds": self.rounds, "min_ballots": self.min_ballots,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            dict(data["files"]), data["body_key"], dict(data["audit_head"]),
            list(data["rounds"]), int(data["min_ballots"]),
        )  # fmt: skip


def sign_manifest(
    files: Mapping[str, bytes],
    key: BodyKey,
    audit_head: dict[str, Any],
    rounds: list[dict[str, Any]],
    min_ballots: int,
) -> bytes:
    """The manifest file over ``files`` (paths relative to the record, ``/``-separated)."""
    hashes = {path: sha256_hex(data) for path, data in sorted(files.items())}
    manifest = Manifest(hashes, key.public.hex, audit_head, rounds, min_ballots)
    signed = {"manifest": manifest.body(), "signature": key.sign(canonical(manifest.body()))}
    return (json.dumps(signed, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def manifest_problems(files: Mapping[str, bytes], manifest: Manifest, signature: str) -> list[str]:
    """Files missing, unlisted or altered, and whether the body's signature checks."""
    public = BodyPublicKey.from_hex(manifest.body_key, "manifest's body key")
    found = []
    if not public.verifies(canonical(manifest.body()), signature):
        found.append(f"{NAME}: the body's signature does not check")
    present = {p for p in files if p != NAME}
    for path in sorted(set(manifest.files) - present):
        found.append(f"{path}: listed in the manifest but missing")
    for path in sorted(present - set(manifest.files)):
        found.append(f"{path}: not in the manifest (added)")
    for path in sorted(present & set(manifest.files)):
        if sha256_hex(files[path]) != manifest.files[path]:
            found.append(f"{path}: its SHA-256 differs from the manifest's (altered)")
    return found
