"""The life of a round: ``draft -> open -> closed -> unsealed -> counted -> announced``, each
step checked. Unsealing (a quorum of custodians opening the sealed ballots) comes between closing
and counting."""

from __future__ import annotations

from enum import StrEnum

from shortlist.domain.errors import LifecycleError


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    UNSEALED = "unsealed"
    COUNTED = "counted"
    ANNOUNCED = "announced"


#: Each status and the one step out of it.
NEXT: dict[RoundStatus, RoundStatus] = {
    RoundStatus.DRAFT: RoundStatus.OPEN,
    RoundStatus.OPEN: RoundStatus.CLOSED,
    RoundStatus.CLOSED: RoundStatus.UNSEALED,
    RoundStatus.UNSEALED: RoundStatus.COUNTED,
    RoundStatus.COUNTED: RoundStatus.ANNOUNCED,
}

_VERB = {
    RoundStatus.OPEN: "open",
    RoundStatus.CLOSED: "close",
    RoundStatus.UNSEALED: "unseal",
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
