"""The life of a round: ``draft -> open -> closed -> counted -> announced``, each step checked."""

from __future__ import annotations

from enum import StrEnum

from shortlist.domain.errors import LifecycleError


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    COUNTED = "counted"
    ANNOUNCED = "announced"


#: Each status and the one step out of it.
NEXT: dict[RoundStatus, RoundStatus] = {
    RoundStatus.DRAFT: RoundStatus.OPEN,
    RoundStatus.OPEN: RoundStatus.CLOSED,
    RoundStatus.CLOSED: RoundStatus.COUNTED,
    RoundStatus.COUNTED: RoundStatus.ANNOUNCED,
}

_VERB = {
    RoundStatus.OPEN: "open",
    RoundStatus.CLOSED: "close",
    RoundStatus.COUNTED: "count",
    RoundStatus.ANNOUNCED: "announce",
}


def check_step(round_name: str, current: RoundStatus | str, target: RoundStatus) -> None:
    """Refuse moving ``round_name`` from ``current`` to ``target`` unless it is the next step."""
    current = RoundStatus(current)
    if NEXT.get(current) != target:
        raise LifecycleError(
            f"cannot {_VERB[target]} round {round_name}: it is {current.value}"
            + (f" (next step: {_VERB[NEXT[current]]})" if current in NEXT else "")
        )
