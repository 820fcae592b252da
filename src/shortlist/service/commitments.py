"""Commit at the count, reveal at the announcement: the round's canonical results document is
hashed, the hash signed with the body's key, stored and written to the audit log; announcement
cards carry it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shortlist.domain.codec import round_to_dict
from shortlist.domain.errors import LifecycleError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import PublicationMode
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.store.record_repository import RecordStore
from shortlist.store.records import RoundRecord
from shortlist.trust.canonical import plain
from shortlist.trust.cards import Card, make_card
from shortlist.trust.commitment import Commitment, Openings, RoundIdentity, results_document


def identity(record: RoundRecord) -> RoundIdentity:
    spec = record.spec
    return RoundIdentity(
        record.edition, record.category, record.category_name, spec.key, spec.name, spec.method,
        plain(dict(spec.rules)), round_to_dict(spec)["ballot"], record.slate or (),
    )  # fmt: skip


def commit_results(
    uow: UnitOfWork,
    record: RoundRecord,
    result: dict[str, Any],
    outcome: tuple[str, ...],
    marks: Sequence[Any],
    now: datetime,
    actor: str,
) -> Commitment:
    """Sign and publish the commitment to a round's results and to the shuffled ``marks`` it
    was counted from (called as the round is counted); the digests' salts are kept secret."""
    openings = Openings.fresh()
    document = results_document(identity(record), marks, outcome, result, openings)
    commitment = Commitment.sign(document, uow.audit.signing_key(now))
    RecordStore(uow.connection).put_commitment(record.id, commitment, document, openings, now)
    uow.audit.write(
        now, actor, "round.commit", record.label,
        detail={"digest": commitment.digest, "signature": commitment.signature},
    )  # fmt: skip
    return commitment


def commitment_of(uow: UnitOfWork, record: RoundRecord) -> tuple[Commitment, dict[str, Any]]:
    found = RecordStore(uow.connection).commitment(record.id, record.label)
    if found is None:
        raise LifecycleError(
            f"round {record.label} is {record.status.value}: it has no commitment until counted"
        )
    return found


def announcement_card(uow: UnitOfWork, ref: RoundRef, now: datetime) -> str:
    """The SVG announcement card of a counted round (made before the announcement, to be
    sealed in its envelope), signed with the body's key."""
    record = uow.rounds.find(ref.edition, ref.category, ref.round)
    if record.status not in (RoundStatus.COUNTED, RoundStatus.ANNOUNCED):
        raise LifecycleError(f"round {ref} is {record.status.value}: cards are made once counted")
    commitment, _document = commitment_of(uow, record)
    titles = {e.key: e.title for e in uow.editions.entries(record.category_id)}
    keys = list(record.outcome or ())
    if record.spec.publication.mode is PublicationMode.ALPHABETICAL:
        keys.sort(key=lambda k: titles[k].casefold())
    key = uow.audit.signing_key(now)
    card = Card(
        record.label, record.category, record.category_name, record.spec.name,
        tuple(titles[k] for k in keys), tuple(keys), commitment.digest, key.public.hex,
    )  # fmt: skip
    return make_card(card, key)
