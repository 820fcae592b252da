"""Every tampering with a published record makes `verify` fail, naming what did not match: a
byte flipped in any file, a ballot removed or added, the log reordered, two categories' results
swapped, a record forged whole under another key."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from record_scenario import run_directing, run_nominations
from small_edition import EDITION, at, roll

from shortlist.domain.codec import round_from_dict
from shortlist.domain.edition_file import read_edition
from shortlist.service import editions, record
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.trust.body import BodyKey
from shortlist.trust.manifest import NAME as MANIFEST
from shortlist.trust.manifest import Manifest, sign_manifest
from shortlist.trust.record_check import Check, check_record
from shortlist.trust.recount import recount

Files = dict[str, bytes]
ROUNDS = ("rounds/picture/nominations", "rounds/directing/final")
PER_ROUND = ("results.json", "commitment.json", "board.json", "ballots.json", "custodians.json")
EVERY_FILE = sorted(
    ["manifest.json", "keys.json", "edition.json", "audit.jsonl"]
    + [f"{folder}/{name}" for folder in ROUNDS for name in PER_ROUND]
)


@pytest.fixture(scope="module")
def published(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Files, BodyKey]:
    path = tmp_path_factory.mktemp("record") / "record.db"
    shutil.copy(sqlite_template, path)
    database = Database(str(path))
    clock = SimulatedClock(at("2025-01-05T09:00"))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=EDITION), roll(), clock, "admin")
        run_nominations(uow, clock)
        run_directing(uow, clock)
        files, _ = record.export_record(uow, None, clock.now())
    key = database.body_key.load(create=False)
    database.dispose()
    return files, key


def _failed(files: Files, pinned: str | None = None) -> list[Check]:
    return [c for c in check_record(files, pinned) if not c.ok]


def test_the_record_holds_every_file_and_verifies(published: tuple[Files, BodyKey]) -> None:
    files, _ = published
    assert sorted(files) == EVERY_FILE
    assert _failed(files) == []


@pytest.mark.parametrize("path", EVERY_FILE)
@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_a_byte_flipped_in_any_file_is_caught(
    published: tuple[Files, BodyKey], path: str, where: float
) -> None:
    files = dict(published[0])
    data = bytearray(files[path])
    data[int(len(data) * where)] ^= 0x01
    files[path] = bytes(data)
    assert _failed(files)


def _json_edit(files: Files, path: str, edit: Callable[[object], object]) -> None:
    files[path] = json.dumps(edit(json.loads(files[path])), indent=1).encode()


def _resign(files: Files, key: BodyKey) -> None:
    """What an insider holding the body's key could do: re-sign the manifest over the edits.
    The deeper checks (board, commitments, recount, audit log) must still catch them."""
    manifest = Manifest.from_json(json.loads(files[MANIFEST])["manifest"])
    body = {p: d for p, d in files.items() if p != MANIFEST}
    files[MANIFEST] = sign_manifest(
        body, key, manifest.audit_head, manifest.rounds, manifest.min_ballots
    )


def _drop_ballot(files: Files) -> None:
    path = "rounds/directing/final/ballots.json"
    _json_edit(files, path, lambda d: {**d, "ballots": d["ballots"][1:]})  # type: ignore[index,dict-item]


def _add_ballot(files: Files) -> None:
    path = "rounds/directing/final/ballots.json"
    extra = [["t", "s", "r", "q", "p"]] * 30
    _json_edit(files, path, lambda d: {**d, "ballots": d["ballots"] + extra})  # type: ignore[index,dict-item]


def _reorder_log(files: Files) -> None:
    lines = files["audit.jsonl"].splitlines(keepends=True)
    lines[3], lines[4] = lines[4], lines[3]
    files["audit.jsonl"] = b"".join(lines)


def _swap_results(files: Files) -> None:
    first, second = (f"{folder}/results.json" for folder in ROUNDS)
    files[first], files[second] = files[second], files[first]


def _swap_commitments_and_results(files: Files) -> None:
    for name in ("results.json", "commitment.json"):
        first, second = (f"{folder}/{name}" for folder in ROUNDS)
        files[first], files[second] = files[second], files[first]


def _change_outcome(files: Files) -> None:
    path = "rounds/directing/final/results.json"

    def edit(d: dict[str, dict[str, object]]) -> object:
        d["document"]["outcome"] = ["p"]
        return d

    _json_edit(files, path, edit)  # type: ignore[arg-type]


def _drop_tracker(files: Files) -> None:
    path = "rounds/directing/final/board.json"
    _json_edit(files, path, lambda d: {**d, "trackers": d["trackers"][1:]})  # type: ignore[index,dict-item]


def _swap_ballots(files: Files) -> None:
    """Two rounds of the same slate exchange their published ballots (each file relabelled)."""
    first, second = (f"{folder}/ballots.json" for folder in ROUNDS)
    files[first], files[second] = files[second], files[first]
    for path, folder in ((first, ROUNDS[0]), (second, ROUNDS[1])):
        label = "test-awards/" + folder.removeprefix("rounds/")
        _json_edit(files, path, lambda d, label=label: {**d, "round": label})  # type: ignore[dict-item,misc]


def _other_rules_same_winner(files: Files) -> None:
    """The round said to be counted with other switches (same winner), in the edition and the
    results alike."""
    rules = {"majority_base": "all"}

    def edition(d: dict[str, list[dict[str, list[dict[str, object]]]]]) -> object:
        for category in d["categories"]:
            for spec in category["rounds"]:
                if category["key"] == "directing" and spec["key"] == "final":
                    spec["rules"] = rules
        return d

    def results(d: dict[str, dict[str, object]]) -> object:
        d["document"]["rules"] = rules
        return d

    _json_edit(files, "edition.json", edition)  # type: ignore[arg-type]
    _json_edit(files, "rounds/directing/final/results.json", results)  # type: ignore[arg-type]


def _other_ballots_same_result(files: Files) -> None:
    """Published ballots replaced by others that the round's rules count to the very same
    result, round by round (found by trying each ballot's later preferences in another order)."""
    path = "rounds/directing/final/ballots.json"
    published = json.loads(files[path])
    spec = next(
        s for c in json.loads(files["edition.json"])["categories"] if c["key"] == "directing"
        for s in c["rounds"]
    )  # fmt: skip
    slate = json.loads(files["rounds/directing/final/results.json"])["document"]["slate"]
    rules = round_from_dict(spec)

    def count(marks: list[list[str]]) -> object:
        return recount(rules.method, dict(rules.rules), rules.ballot, slate, marks).to_json()

    marks, counted = published["ballots"], count(published["ballots"])
    for i, ballot in enumerate(marks):
        other = [*marks[:i], [*ballot[:-2], ballot[-1], ballot[-2]], *marks[i + 1 :]]
        if other != marks and count(other) == counted:
            files[path] = json.dumps({**published, "ballots": other}, indent=1).encode()
            return
    raise AssertionError("no other ballots give the same result")  # pragma: no cover


TAMPERINGS: dict[str, Callable[[Files], None]] = {
    "other ballots, same result": _other_ballots_same_result,
    "two rounds' ballots swapped": _swap_ballots,
    "other rules, same winner": _other_rules_same_winner,
    "a ballot removed": _drop_ballot,
    "ballots added": _add_ballot,
    "the log reordered": _reorder_log,
    "two categories' results swapped": _swap_results,
    "results and commitments swapped together": _swap_commitments_and_results,
    "the outcome changed": _change_outcome,
    "a tracker removed from the board": _drop_tracker,
}


@pytest.mark.parametrize("how", TAMPERINGS)
@pytest.mark.parametrize("resigned", [False, True], ids=["as is", "manifest re-signed"])
def test_each_tampering_is_caught(
    published: tuple[Files, BodyKey], how: str, resigned: bool
) -> None:
    files, key = dict(published[0]), published[1]
    TAMPERINGS[how](files)
    if resigned:
        _resign(files, key)
    failed = _failed(files)
    assert failed
    if resigned:
        assert any("manifest" not in c.what for c in failed), failed


def test_a_record_forged_under_another_key_fails_against_the_known_key(
    published: tuple[Files, BodyKey],
) -> None:
    files, key = dict(published[0]), published[1]
    forger = BodyKey.generate()
    files["keys.json"] = json.dumps({"body": {"public_key": forger.public.hex}}).encode()
    _resign(files, forger)
    assert _failed(files, pinned=key.public.fingerprint[:16])
