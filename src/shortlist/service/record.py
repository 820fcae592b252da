"""The public record of an edition's announced rounds, and the audit log's check.

:func:`export_record` gathers, as files (path -> bytes), everything a member of the public needs
to check the announced rounds without the database: the edition and its rules, per round the
board, the anonymised shuffled ballots, the custodians' entries from the audit log, the
results with their commitment, the whole signed audit log, the body's public key, and a signed
manifest of every file's SHA-256. Rounds with fewer ballots than ``min_ballots`` publish the
outcome only (their results document and commitment, not the ballots nor the round-by-round
count, nor the salts of the document's digests of them), so a handful of ballots cannot be
traced back to their voters, nor their count found by trying every possible one.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from shortlist.domain.codec import round_to_dict
from shortlist.domain.errors import LifecycleError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import Edition
from shortlist.errors import InputError
from shortlist.service.commitments import commitment_of
from shortlist.service.refs import RoundRef
from shortlist.service.sealing import election_key
from shortlist.store.database import UnitOfWork
from shortlist.store.record_repository import RecordStore
from shortlist.store.records import RoundRecord
from shortlist.trust import record_layout as layout
from shortlist.trust.body import BodyKey
from shortlist.trust.canonical import canonical
from shortlist.trust.chain import Head, SealedEntry, chain_problems, head_of
from shortlist.trust.manifest import sign_manifest

#: Below this many ballots a round's record publishes its outcome only (see docs/trust.md).
MIN_BALLOTS = 10
_CUSTODIAN_ACTIONS = ("round.seal-key", "round.unseal")


def _file(document: Any) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def edition_document(edition: Edition) -> dict[str, Any]:
    """The edition as published: its categories, entries (credits without member numbers) and
    every round's rules; never the member roll."""
    return {
        "key": edition.key, "name": edition.name, "body": edition.body,
        "timezone": edition.timezone,
        "branches": [{"code": b.code, "name": b.name} for b in edition.branches],
        "categories": [
            {
                "key": c.key, "name": c.name,
                "entries": [
                    {"key": e.key, "title": e.title,
                     "credits": [{"person": p.person, "role": p.role} for p in e.credits]}
                    for e in c.entries
                ],
                "rounds": [round_to_dict(spec) for spec in c.rounds],
            }
            for c in edition.categories
        ],
    }  # fmt: skip


def pick_edition(uow: UnitOfWork, edition: str | None) -> str:
    keys = uow.editions.keys()
    if edition is None:
        if len(keys) != 1:
            raise InputError(f"name the edition (--edition): the database holds {keys or 'none'}")
        return keys[0]
    uow.editions.id_of(edition)
    return edition


def _rounds(uow: UnitOfWork, edition: str, only: list[RoundRef]) -> list[RoundRecord]:
    if only:
        chosen = [uow.rounds.find(r.edition, r.category, r.round) for r in only]
        late = [r.label for r in chosen if r.status is not RoundStatus.ANNOUNCED]
        if late:
            raise LifecycleError(f"not announced, so not published: {', '.join(late)}")
        return chosen
    announced = [r for r in uow.rounds.of_edition(edition) if r.status is RoundStatus.ANNOUNCED]
    if not announced:
        raise LifecycleError(f"edition {edition} has no announced round to publish")
    return announced


def export_record(
    uow: UnitOfWork,
    edition: str | None,
    now: datetime,
    *,
    min_ballots: int = MIN_BALLOTS,
    only: list[RoundRef] | None = None,
) -> tuple[dict[str, bytes], list[RoundRecord]]:
    """The record's files (path -> bytes) and the rounds it holds."""
    key = pick_edition(uow, edition)
    chosen = _rounds(uow, key, only or [])
    body_key = uow.audit.signing_key(now)
    log, loose = uow.audit.sealed()
    problems = chain_problems(log, body_key.public) + [f"audit row {i} is unsealed" for i in loose]
    if problems:
        raise LifecycleError(f"the audit log does not check, not publishing: {problems[0]}")
    files = {
        layout.EDITION: _file(edition_document(uow.editions.get(key))),
        layout.AUDIT: b"".join(canonical(s.to_json()) + b"\n" for s in log),
        layout.KEYS: _file(_keys(body_key)),
    }
    listing = [_round_files(uow, record, log, files, min_ballots) for record in chosen]
    files[layout.MANIFEST] = sign_manifest(
        files, body_key, head_of(log).to_json(), listing, min_ballots
    )
    return files, chosen


def _keys(body_key: BodyKey) -> dict[str, Any]:
    return {"body": {"public_key": body_key.public.hex, "fingerprint": body_key.public.fingerprint}}


def _round_files(
    uow: UnitOfWork,
    record: RoundRecord,
    log: list[SealedEntry],
    files: dict[str, bytes],
    min_ballots: int,
) -> dict[str, Any]:
    folder = layout.round_dir(record.category, record.spec.key)
    board = RecordStore(uow.connection).board(record.id, record.label)
    if board is None:
        raise LifecycleError(f"round {record.label} has no board")
    commitment, document = commitment_of(uow, record)
    full = document["ballots"] >= min_ballots
    results: dict[str, Any] = {"document": document}
    if full:  # the salts open the document's digests: published only with what they cover
        openings = RecordStore(uow.connection).openings(record.id)
        if openings is None:
            raise LifecycleError(f"round {record.label} was committed without its salts kept")
        results["result"] = record.result
        results["result_salt"] = openings.result_salt
        marks = uow.ballots.marks(record.id)
        files[f"{folder}/{layout.BALLOTS}"] = _file(
            {"round": record.label, "ballots": marks, "salt": openings.ballots_salt}
        )
    files[f"{folder}/{layout.BOARD}"] = _file(board.to_json())
    files[f"{folder}/{layout.RESULTS}"] = _file(results)
    files[f"{folder}/{layout.COMMITMENT}"] = _file(commitment.to_json())
    files[f"{folder}/{layout.CUSTODIANS}"] = _file(_custodians(uow, record, log))
    return {"round": record.label, "dir": folder, "ballots_published": full}


def _custodians(uow: UnitOfWork, record: RoundRecord, log: list[SealedEntry]) -> dict[str, Any]:
    """The round's election key (public part, threshold, custodians) and the audit entries in
    which it was made and in which the custodians unsealed the box."""
    key = election_key(uow, RoundRef(record.edition, record.category, record.spec.key))
    entries = [
        s.to_json()
        for s in log
        if s.entry.target == record.label and s.entry.action in _CUSTODIAN_ACTIONS
    ]
    public = None
    if key is not None:
        holders = [{"name": c.name, "public_key": c.public_key.hex()} for c in key.custodians]
        public = {
            "public_key": key.public_key.hex(), "fingerprint": key.fingerprint, "k": key.k,
            "n": key.n, "custodians": holders,
        }  # fmt: skip
    return {"round": record.label, "election_key": public, "entries": entries}


def audit_problems(
    uow: UnitOfWork, now: datetime, head: Head | None = None
) -> tuple[Head, list[str]]:
    """Check the database's audit log against the body's key file: its head, and everything
    wrong (altered, deleted, inserted or reordered entries; unsealed rows; a key registered in
    the database that is not the key file's; with ``head``, entries cut off after it)."""
    registered = uow.audit.registered_key()
    log, loose = uow.audit.sealed()
    if registered is None:
        return head_of(log), ([] if not log and not loose else ["no body key is registered"])
    key = uow.audit.key_file.load(create=False)
    problems = []
    if key.public != registered:
        problems.append(
            f"the database's registered body key {registered.fingerprint[:16]} is not the key "
            f"file's {key.public.fingerprint[:16]} (the key or the log was replaced)"
        )
    problems += chain_problems(log, key.public, head)
    problems += [f"audit row {i} has no place in the chain (inserted)" for i in loose]
    return head_of(log), problems
