"""Reading published results: what an announcement made public, and nothing before it.

A round that does not exist and a round not yet announced answer the same way
(:class:`NotPublished`, with a message made only of what the reader asked for), so nothing about
an unannounced round (its existence, status or outcome) can be learnt from the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from shortlist.domain.errors import NotFound
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import rounds
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.store.records import RoundRecord


class NotPublished(NotFound):
    """No published results for the round asked for (unknown, or not announced yet)."""

    def __init__(self, ref: RoundRef) -> None:
        super().__init__("no results are published for this round")
        self.ref = ref


@dataclass(frozen=True)
class PublishedRound:
    """An announced round, as an index of results lists it."""

    ref: RoundRef
    category_name: str
    round_name: str
    announced_at: datetime


def is_published(record: RoundRecord, now: datetime) -> bool:
    return (
        record.status is RoundStatus.ANNOUNCED
        and record.announced_at is not None
        and record.announced_at <= now
    )


@dataclass(frozen=True)
class Published:
    """A round's published results: its announcement and the titles of its category's entries
    (to show the count's candidates by name)."""

    ref: RoundRef
    announcement: rounds.Announcement
    titles: Mapping[str, str]


def published(uow: UnitOfWork, ref: RoundRef, clock: Clock) -> Published:
    """The announcement of ``ref``; :class:`NotPublished` for an unknown or unannounced round."""
    try:
        record = rounds.find(uow, ref)
    except NotFound:
        raise NotPublished(ref) from None
    if not is_published(record, clock.now()):
        raise NotPublished(ref)
    titles = {e.key: e.title for e in uow.editions.entries(record.category_id)}
    return Published(ref, rounds.announcement(uow, ref), titles)


def published_rounds(uow: UnitOfWork, edition: str, clock: Clock) -> list[PublishedRound]:
    """Every announced round of ``edition`` in the order of its categories and chains."""
    uow.editions.id_of(edition)  # an unknown edition is NotFound
    now = clock.now()
    return [
        PublishedRound(
            RoundRef(r.edition, r.category, r.spec.key),
            r.category_name,
            r.spec.name,
            r.announced_at,
        )
        for r in uow.rounds.of_edition(edition)
        if is_published(r, now) and r.announced_at is not None
    ]
