"""The audit log as a hash chain, each link signed by the body.

Entry ``n`` (counting from 1) hashes the previous entry's hash with its own canonical JSON:
``hash_n = SHA-256(canonical({"prev": hash_(n-1), "seq": n, "at", "actor", "action", "target",
"reason", "detail"}))``, the first ``prev`` being 64 zeros. The body signs ``hash_n``. Changing,
deleting, inserting or reordering any entry breaks the hash of it or of the entry after it;
re-hashing from there on needs the body's private key to sign again. Cutting entries off the
end is caught by comparing with a head published elsewhere (each commitment and the record's
manifest carry the head at that moment).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import canonical, sha256_hex

GENESIS = "0" * 64


@dataclass(frozen=True)
class LogEntry:
    """What an administrative act records: its place, when, who, what, on what, why, detail."""

    seq: int
    at: str
    actor: str
    action: str
    target: str
    reason: str
    detail: Any

    def body(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action,
            "target": self.target, "reason": self.reason, "detail": self.detail,
        }  # fmt: skip


@dataclass(frozen=True)
class SealedEntry:
    """An entry with its link: the previous hash, its own hash and the body's signature."""

    entry: LogEntry
    prev: str
    hash: str
    signature: str

    def to_json(self) -> dict[str, Any]:
        return {**self.entry.body(), "prev": self.prev, "hash": self.hash, "sig": self.signature}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SealedEntry:
        entry = LogEntry(
            data["seq"], data["at"], data["actor"], data["action"], data["target"],
            data["reason"], data["detail"],
        )  # fmt: skip
        return cls(entry, data["prev"], data["hash"], data["sig"])


def entry_hash(prev: str, entry: LogEntry) -> str:
    return sha256_hex(canonical({"prev": prev, **entry.body()}))


def seal_entry(entry: LogEntry, prev: str, key: BodyKey) -> SealedEntry:
    """Link ``entry`` after the entry whose hash is ``prev``, and sign it."""
    digest = entry_hash(prev, entry)
    return SealedEntry(entry, prev, digest, key.sign(digest.encode()))


@dataclass(frozen=True)
class Head:
    """Where the chain stood: the last entry's place and hash."""

    seq: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


def head_of(entries: Sequence[SealedEntry]) -> Head:
    return Head(entries[-1].entry.seq, entries[-1].hash) if entries else Head(0, GENESIS)


def chain_problems(
    entries: Sequence[SealedEntry], public: BodyPublicKey, head: Head | None = None
) -> list[str]:
    """Everything wrong with the chain (empty when it holds): each problem names the entry."""
    problems: list[str] = []
    prev = GENESIS
    for position, sealed in enumerate(entries, start=1):
        seq = sealed.entry.seq
        if seq != position:
            problems.append(f"entry {position} of the log says it is entry {seq}")
        if sealed.prev != prev:
            problems.append(f"entry {seq}: does not follow the entry before it (chain broken)")
        if entry_hash(sealed.prev, sealed.entry) != sealed.hash:
            problems.append(f"entry {seq}: its content does not match its hash (altered)")
        elif not public.verifies(sealed.hash.encode(), sealed.signature):
            problems.append(f"entry {seq}: the body's signature does not check")
        prev = sealed.hash
    if head is not None:
        problems += _head_problems(entries, head)
    return problems


def _head_problems(entries: Sequence[SealedEntry], head: Head) -> list[str]:
    if head.seq > len(entries):
        return [f"the log ends at entry {len(entries)}, but it reached entry {head.seq}"]
    if head.seq and entries[head.seq - 1].hash != head.hash:
        return [f"entry {head.seq}: not the entry the published head names"]
    return []
