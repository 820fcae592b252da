"""What the store hands back about a round: its spec and its state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import RoundSpec


@dataclass(frozen=True)
class RoundRecord:
    """A stored round: where it sits (edition, category, position in the chain) and its state."""

    id: int
    edition: str
    edition_id: int
    category: str
    category_name: str
    category_id: int
    position: int
    spec: RoundSpec
    status: RoundStatus
    slate: tuple[str, ...] | None
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    counted_at: datetime | None
    announced_at: datetime | None
    result: dict[str, Any] | None
    outcome: tuple[str, ...] | None
    category_quota: int | None = None

    @property
    def label(self) -> str:
        """``academy-95/live-action-short/preliminary``."""
        return f"{self.edition}/{self.category}/{self.spec.key}"


@dataclass(frozen=True)
class OnRoll:
    """A member found on an edition's roll: name and e-mail, the edition's id and time zone,
    and the member's own time zone from the roll ("" when it gives none)."""

    number: str
    name: str
    email: str
    edition_id: int
    edition_timezone: str
    timezone: str = ""


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    reason: str
    detail: dict[str, Any] | None


@dataclass(frozen=True)
class Standing:
    """A member's standing in an open round, read at once: in the electorate, attested, already
    voted, the entries they are credited on (recused) and those they watched."""

    eligible: bool
    attested: bool
    voted: bool
    recused: frozenset[str]
    viewed: frozenset[str]
