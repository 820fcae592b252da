"""Checking a public record with no database: the manifest and its signature, the audit chain,
and per round the board, the commitment, the revealed results (each salted digest against what
it covers, where that is published) and a recount of the ballots.

:func:`check_record` takes the record's files (path -> bytes) and returns every check made, each
passed or failed with what did not match; nothing raises on a mismatch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shortlist.domain.codec import round_from_dict
from shortlist.domain.model import RoundSpec
from shortlist.errors import ShortlistError
from shortlist.trust import record_layout as layout
from shortlist.trust.board import Board
from shortlist.trust.body import BodyPublicKey
from shortlist.trust.canonical import plain, sha256_hex
from shortlist.trust.chain import Head, SealedEntry, chain_problems
from shortlist.trust.commitment import Commitment, salted_digest
from shortlist.trust.errors import VerificationError
from shortlist.trust.manifest import Manifest, manifest_problems
from shortlist.trust.recount import outcome_of, recount


@dataclass(frozen=True)
class Check:
    """One thing checked: on what, what, and the problems found (none: it holds)."""

    subject: str
    what: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def _json(files: Mapping[str, bytes], path: str) -> Any:
    if path not in files:
        raise VerificationError(f"{path}: missing from the record")
    try:
        return json.loads(files[path])
    except ValueError as exc:
        raise VerificationError(f"{path}: not JSON ({exc})") from None


def _guard(subject: str, what: str, run: Any) -> Check:
    """Run one check; a record too broken to read fails that check with the reason."""
    try:
        return Check(subject, what, tuple(run()))
    except ShortlistError as exc:
        return Check(subject, what, (str(exc),))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return Check(subject, what, (f"cannot be read: {type(exc).__name__} {exc}",))


def check_record(files: Mapping[str, bytes], pinned_key: str | None = None) -> list[Check]:
    """Every check of the record in ``files``; ``pinned_key``: the body's key fingerprint as the
    checker knows it from elsewhere (a card, the body's site)."""
    try:
        signed = _json(files, layout.MANIFEST)
        manifest = Manifest.from_json(signed["manifest"])
        public = BodyPublicKey.from_hex(manifest.body_key, "manifest's body key")
    except (ShortlistError, KeyError, TypeError, ValueError) as exc:
        return [Check("record", "manifest", (f"{layout.MANIFEST}: {exc}",))]
    checks = [
        _guard("record", "manifest: every file's SHA-256, signed by the body",
               lambda: manifest_problems(files, manifest, signed.get("signature", ""))),
        _guard("record", "body key", lambda: _key_problems(files, public, pinned_key)),
    ]  # fmt: skip
    log: list[SealedEntry] = []

    def audit() -> list[str]:
        log.extend(_audit(files))
        head = Head(manifest.audit_head["seq"], manifest.audit_head["hash"])
        found = chain_problems(log, public, head)
        if len(log) != head.seq:
            found.append(f"the log has {len(log)} entries; the manifest's head is at {head.seq}")
        return found

    checks.append(_guard("record", "audit log: hash chain and signatures", audit))
    specs: dict[str, RoundSpec] = {}
    checks.append(_guard("record", "edition and rules", lambda: _edition(files, specs)))
    for entry in manifest.rounds:
        checks += _round_checks(files, entry, public, log, specs, manifest.min_ballots)
    return checks


def _key_problems(
    files: Mapping[str, bytes], public: BodyPublicKey, pinned: str | None
) -> list[str]:
    keys = _json(files, layout.KEYS)
    found = []
    if keys["body"]["public_key"] != public.hex:
        found.append(f"{layout.KEYS}: the body key differs from the manifest's")
    if pinned and not public.fingerprint.startswith(pinned.strip().lower().replace(" ", "")):
        found.append(f"the body key is {public.fingerprint}, not the expected {pinned}")
    return found


def _audit(files: Mapping[str, bytes]) -> list[SealedEntry]:
    if layout.AUDIT not in files:
        raise VerificationError(f"{layout.AUDIT}: missing from the record")
    lines = files[layout.AUDIT].decode("utf-8").splitlines()
    return [SealedEntry.from_json(json.loads(line)) for line in lines if line.strip()]


def _edition(files: Mapping[str, bytes], specs: dict[str, RoundSpec]) -> list[str]:
    edition = _json(files, layout.EDITION)
    for category in edition["categories"]:
        for data in category["rounds"]:
            spec = round_from_dict(data)
            specs[f"{edition['key']}/{category['key']}/{spec.key}"] = spec
    return []


def _logged(log: list[SealedEntry], action: str, target: str) -> list[dict[str, Any]]:
    return [
        s.entry.detail or {} for s in log if s.entry.action == action and s.entry.target == target
    ]


def _round_checks(
    files: Mapping[str, bytes],
    entry: dict[str, Any],
    public: BodyPublicKey,
    log: list[SealedEntry],
    specs: dict[str, RoundSpec],
    min_ballots: int,
) -> list[Check]:
    label, folder = entry["round"], entry["dir"]
    board: list[Board] = []
    document: dict[str, Any] = {}

    def board_check() -> list[str]:
        board.append(Board.from_json(_json(files, f"{folder}/{layout.BOARD}")))
        return _board_problems(board[0], label, log)

    def commitment_check() -> list[str]:
        results = _json(files, f"{folder}/{layout.RESULTS}")
        document.update(results["document"])
        commitment = Commitment.from_json(_json(files, f"{folder}/{layout.COMMITMENT}"))
        return _commitment_problems(commitment, document, label, public, log, results)

    checks = [
        _guard(label, "board: trackers and fingerprint as published at close", board_check),
        _guard(label, "results match the signed commitment made at the count", commitment_check),
    ]
    checks.append(
        _guard(label, "custodians: sealed before opening, unsealed by a quorum",
               lambda: _custodian_problems(files, folder, label, log, board))
    )  # fmt: skip
    checks.append(
        _guard(label, "order: sealed, opened, board at close, unsealed, committed, announced",
               lambda: life_order_problems(log, label))
    )  # fmt: skip
    recounted = lambda: _recount(files, folder, label, document, board, specs, min_ballots)  # noqa: E731
    checks.append(_guard(label, "recount of the published ballots", recounted))
    return checks


def _board_problems(board: Board, label: str, log: list[SealedEntry]) -> list[str]:
    found = board.problems()
    if board.round != label:
        found.append(f"the board of {board.round} is filed under {label}")
    published = _logged(log, "round.board", label)
    if not published:
        found.append(f"the audit log has no board published for {label}")
    elif published[-1].get("fingerprint") != board.fingerprint:
        found.append(f"board of {label}: fingerprint differs from the one published at close")
    elif published[-1].get("trackers") != len(board.trackers):
        found.append(
            f"board of {label}: {len(board.trackers)} trackers, "
            f"{published[-1].get('trackers')} at close"
        )
    return found


#: The steps of a round's life, in the order the log must show them.
LIFE = (
    "round.seal-key", "round.open", "round.board", "round.unseal", "round.commit",
    "round.announce",
)  # fmt: skip


def life_order_problems(log: list[SealedEntry], label: str) -> list[str]:
    """Each step of the round's life is in the log once, after the step before it: the board
    is fixed before anything is unsealed, the results committed before they are announced."""
    places: dict[str, list[int]] = {step: [] for step in LIFE}
    for sealed in log:
        if sealed.entry.target == label and sealed.entry.action in places:
            places[sealed.entry.action].append(sealed.entry.seq)
    found = [
        f"{label}: {step} is in the log {len(seqs)} times, not once"
        for step, seqs in places.items()
        if len(seqs) != 1
    ]
    if found:
        return found
    seqs = [places[step][0] for step in LIFE]
    return [
        f"{label}: {LIFE[i + 1]} comes before {LIFE[i]} in the log"
        for i in range(len(LIFE) - 1)
        if seqs[i + 1] < seqs[i]
    ]


def _custodian_problems(
    files: Mapping[str, bytes],
    folder: str,
    label: str,
    log: list[SealedEntry],
    board: list[Board],
) -> list[str]:
    published = _json(files, f"{folder}/{layout.CUSTODIANS}")
    logged = [s.to_json() for s in log if s.entry.target == label]
    found = [
        f"custodians of {label}: entry {e.get('seq')} is not the audit log's"
        for e in published["entries"]
        if e not in logged
    ]
    key = published["election_key"]
    sealed = _logged(log, "round.seal-key", label)
    unsealed = _logged(log, "round.unseal", label)
    if key is None or not sealed or not unsealed:
        return [*found, f"{label}: no election key, or no sealing and unsealing in the log"]
    if sha256_hex(bytes.fromhex(key["public_key"])) != key["fingerprint"]:
        found.append(f"{label}: the election key does not give its fingerprint")
    if sealed[-1].get("fingerprint") != key["fingerprint"]:
        found.append(f"{label}: the election key is not the one sealed in the log")
    if len(unsealed[-1].get("custodians", [])) < key["k"]:
        found.append(f"{label}: unsealed by fewer than {key['k']} custodians")
    if board and unsealed[-1].get("ballots") != len(board[0].trackers):
        found.append(f"{label}: {unsealed[-1].get('ballots')} ballots unsealed, board has "
                     f"{len(board[0].trackers)}")  # fmt: skip
    return found


def _commitment_problems(
    commitment: Commitment,
    document: dict[str, Any],
    label: str,
    public: BodyPublicKey,
    log: list[SealedEntry],
    results: dict[str, Any],
) -> list[str]:
    found = commitment.problems(document, public)
    if commitment.round != label:
        found.append(f"the commitment of {commitment.round} is filed under {label}")
    logged = _logged(log, "round.commit", label)
    if not logged:
        found.append(f"the audit log has no commitment for {label}")
    elif logged[-1].get("digest") != commitment.digest:
        found.append(f"commitment of {label} differs from the one in the audit log")
    if "result" in results and not _opens(
        results.get("result_salt"), results["result"], document["result_sha256"]
    ):
        found.append(f"the full result of {label} does not match its results document")
    return found


def _opens(salt: Any, published: Any, committed: str) -> bool:
    """Does ``published``, with its published ``salt``, give the committed salted digest?"""
    if not isinstance(salt, str):
        return False
    try:
        return salted_digest(salt, published) == committed
    except ValueError:  # a salt that is not hex
        return False


def _recount(
    files: Mapping[str, bytes],
    folder: str,
    label: str,
    document: dict[str, Any],
    board: list[Board],
    specs: dict[str, RoundSpec],
    min_ballots: int,
) -> list[str]:
    if not document or not board:
        return ["not recounted: the board or results could not be read"]
    spec = specs.get(label)
    if spec is None:
        return [f"{label}: not a round of the edition in {layout.EDITION}"]
    found = []
    if document["method"] != spec.method or document["rules"] != plain(dict(spec.rules)):
        found.append(f"{label}: counted by other rules than the edition declares")
    if document["ballots"] != len(board[0].trackers):
        found.append(
            f"{label}: {document['ballots']} counted, {len(board[0].trackers)} on the board"
        )
    path = f"{folder}/{layout.BALLOTS}"
    if path not in files:
        if document["ballots"] >= min_ballots:
            found.append(f"{path}: missing, but {document['ballots']} ballots are published")
        return found
    published = _json(files, path)
    marks = published["ballots"]
    if published.get("round") != label:
        found.append(f"{path}: ballots of {published.get('round')} filed under {label}")
    if len(marks) != document["ballots"]:
        found.append(f"{label}: {len(marks)} ballots published, {document['ballots']} counted")
    if not _opens(published.get("salt"), marks, document["ballots_sha256"]):
        found.append(f"{path}: not the ballots committed at the count (their digest differs)")
    result_salt = _json(files, f"{folder}/{layout.RESULTS}").get("result_salt")
    return found + _recount_problems(label, document, spec, marks, result_salt)


def _recount_problems(
    label: str, document: dict[str, Any], spec: RoundSpec, marks: list[Any], result_salt: Any
) -> list[str]:
    found = []
    result = recount(spec.method, dict(spec.rules), spec.ballot, document["slate"], marks)
    if not _opens(result_salt, result.to_json(), document["result_sha256"]):
        found.append(f"{label}: the recount differs from the committed result")
    if list(outcome_of(result)) != document["outcome"]:
        found.append(f"{label}: the recount's outcome {list(outcome_of(result))} differs")
    return found
