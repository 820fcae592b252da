"""Commit, then reveal: the results of a round are fixed by a signed hash at the count and
published only at the announcement; anyone can then check what is revealed against the hash.

The canonical results document names the round (edition, category, round, method, rules,
ballot, slate), how many ballots were counted, the outcome, and the SHA-256 of the full result
(every round of the count). Its SHA-256 is the commitment; the body signs
``"shortlist-commitment/1\\n" + round + "\\n" + digest``. Because the round's identity is inside,
results moved from one category to another no longer match either commitment. Because the full
result enters only by its hash, a round published as outcome only can still be checked.
The document also carries a random ``salt`` (128 bits), revealed with it: without one, anyone
could confirm a guess of a small round's results against the commitment before the
announcement (the identity and rules are in the edition, the number of ballots on the board).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shortlist.trust.body import BodyKey, BodyPublicKey
from shortlist.trust.canonical import digest, plain

FORMAT = "shortlist-results/1"


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


def results_document(
    who: RoundIdentity, ballots: int, outcome: Sequence[str], result: dict[str, Any]
) -> dict[str, Any]:
    """The canonical results document of a counted round, with a fresh secret salt."""
    document = {
        "format": FORMAT, "round": who.label, "edition": who.edition, "category": who.category,
        "category_name": who.category_name, "round_key": who.round, "round_name": who.round_name,
        "method": who.method, "rules": who.rules, "ballot": who.ballot, "slate": list(who.slate),
        "ballots": ballots, "outcome": list(outcome), "result_sha256": digest(plain(result)),
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
