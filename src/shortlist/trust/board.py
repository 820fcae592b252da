"""The bulletin board of a round: every cast ballot's tracker, and one fingerprint for them all.

At close the trackers are sorted and chained: ``h_0 = SHA-256("shortlist-board/1\\n" + round)``,
``h_i = SHA-256(h_(i-1) + tracker_i)``; the fingerprint is the last ``h``. It is published (in
the signed audit log) before anything is unsealed, so a ballot cannot be added, dropped or
swapped afterwards without changing it. A voter looks their receipt's tracker up on the board.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

FORMAT = "shortlist-board/1"


def fingerprint(round_label: str, trackers: Iterable[str]) -> str:
    """The board's fingerprint over ``trackers`` (taken in the order given)."""
    link = hashlib.sha256(f"{FORMAT}\n{round_label}".encode()).hexdigest()
    for tracker in trackers:
        link = hashlib.sha256((link + tracker).encode()).hexdigest()
    return link


@dataclass(frozen=True)
class Board:
    """A round's board: its trackers, sorted, and their fingerprint."""

    round: str
    trackers: tuple[str, ...]
    fingerprint: str

    @classmethod
    def of(cls, round_label: str, trackers: Iterable[str]) -> Board:
        ordered = tuple(sorted(trackers))
        return cls(round_label, ordered, fingerprint(round_label, ordered))

    def holds(self, tracker: str) -> bool:
        return tracker.strip().lower() in set(self.trackers)

    def problems(self) -> list[str]:
        """What is wrong with this board as published: order, duplicates, fingerprint."""
        found = []
        if list(self.trackers) != sorted(set(self.trackers)):
            found.append(f"board of {self.round}: trackers not sorted or repeated")
        if fingerprint(self.round, self.trackers) != self.fingerprint:
            found.append(f"board of {self.round}: the trackers do not give its fingerprint")
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "round": self.round, "fingerprint": self.fingerprint,
            "trackers": list(self.trackers),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Board:
        return cls(data["round"], tuple(data["trackers"]), data["fingerprint"])
