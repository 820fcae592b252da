"""Commit, then reveal: the results of a round are fixed by a signed hash at the count and
published only at the announcement; anyone can then check what is revealed against the hash.

The canonical results document names the round (edition, category, round, method, rules,
ballot, slate), how many ballots were counted, the outcome, and two salted digests:
``result_sha256`` of the full result (every round of the count) and ``ballots_sha256`` of the
unsealed, shuffled ballots in their published order. Its SHA-256 is the commitment; the body
signs ``"shortlist-commitment/1\\n" + round + "\\n" + digest``. Because the round's identity is
inside, results moved from one category to another no longer match either commitment; because
the ballots' digest is inside, other ballots giving the same result no longer match either.

Each digest has its own secret salt (:class:`Openings`, 128 bits each), published only with
what it covers: the result's salt with the full result, the ballots' salt with the ballots. A
round published as outcome only reveals its document (so its commitment can still be checked)
but neither salt, so nobody can try every possible count of its handful of ballots against the
document's digests. The document's own random ``salt``, revealed with it, keeps the commitment
from confirming a guessed outcome before the announcement.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import canonical, digest, plain, sha256_hex

FORMAT = "shortlist-results/2"


@dataclass(frozen=True)
class RoundIdentity:
    """Which round, and the rules it was counted by."""

    edition: str
    category: str
    category_name: str
    round: str
    round_name: str
    method: str
    rules: dict[str, Any]
    ballot: dict[str, Any]
    slate: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.edition}/{self.category}/{self.round}"


@dataclass(frozen=True)
class Openings:
    """The secret salts of a round's two digests, kept by the body until each is published:
    ``result_salt`` with the full result, ``ballots_salt`` with the anonymised ballots."""

    result_salt: str
    ballots_salt: str

    @classmethod
    def fresh(cls) -> Openings:
        return cls(secrets.token_hex(16), secrets.token_hex(16))

    def to_json(self) -> dict[str, str]:
        return {"result_salt": self.result_salt, "ballots_salt": self.ballots_salt}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Openings:
        return cls(str(data["result_salt"]), str(data["ballots_salt"]))


def salted_digest(salt: str, document: Any) -> str:
    """SHA-256 (hex) of the salt's bytes followed by the canonical JSON of ``document``."""
    return sha256_hex(bytes.fromhex(salt) + canonical(plain(document)))


def results_document(
    who: RoundIdentity,
    marks: Sequence[Any],
    outcome: Sequence[str],
    result: dict[str, Any],
    openings: Openings,
) -> dict[str, Any]:
    """The canonical results document of a round counted from ``marks`` (the shuffled ballots,
    in the order they are published), with a fresh salt of its own."""
    document = {
        "format": FORMAT, "round": who.label, "edition": who.edition, "category": who.category,
        "category_name": who.category_name, "round_key": who.round, "round_name": who.round_name,
        "method": who.method, "rules": who.rules, "ballot": who.ballot, "slate": list(who.slate),
        "ballots": len(marks), "outcome": list(outcome),
        "result_sha256": salted_digest(openings.result_salt, result),
        "ballots_sha256": salted_digest(openings.ballots_salt, list(marks)),
        "salt": secrets.token_hex(16),
    }  # fmt: skip
    return dict(plain(document))


@dataclass(frozen=True)
class Commitment:
    """The signed hash of a round's results document."""

    round: str
    digest: str
    signature: str

    @staticmethod
    def message(round_label: str, document_digest: str) -> bytes:
        return f"shortlist-commitment/1\n{round_label}\n{document_digest}".encode()

    @classmethod
    def sign(cls, document: dict[str, Any], key: BodyKey) -> Commitment:
        found = digest(document)
        label = str(document["round"])
        return cls(label, found, key.sign(cls.message(label, found)))

    def problems(self, document: dict[str, Any], public: BodyPublicKey) -> list[str]:
        """What does not match: the document's round or hash, or the body's signature."""
        found = []
        if document.get("round") != self.round:
            found.append(f"results of {document.get('round')} under the commitment of {self.round}")
        if digest(document) != self.digest:
            found.append(f"results of {self.round} do not match their commitment (hash differs)")
        if not public.verifies(self.message(self.round, self.digest), self.signature):
            found.append(f"commitment of {self.round}: the body's signature does not check")
        return found

    def to_json(self) -> dict[str, Any]:
        return {"round": self.round, "digest": self.digest, "signature": self.signature}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commitment:
        return cls(data["round"], data["digest"], data["signature"])
