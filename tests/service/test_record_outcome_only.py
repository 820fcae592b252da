"""A round published as outcome only must not give its count away. Its record publishes the
outcome, the number of ballots, the results document with its salted digests and the
commitment; with only three ballots anyone can count every possible box, so the record must
publish nothing those counts (or those boxes) can be checked against. The same brute force
run on the round's full record finds its count: the search is a real one."""

from __future__ import annotations

import json
import re
import shutil
from itertools import product
from pathlib import Path

import pytest
from record_scenario import DIRECTING, run_directing
from small_edition import EDITION, at, roll

from shortlist.domain.codec import round_from_dict
from shortlist.domain.edition_file import read_edition
from shortlist.service import editions, record
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.trust.canonical import canonical, plain, sha256_hex
from shortlist.trust.record_check import check_record
from shortlist.trust.recount import recount

Files = dict[str, bytes]
FOLDER = "rounds/directing/final"
THREE = [(1, ["q"]), (1, ["q"]), (1, ["p"])]


def _one_choice_edition() -> str:
    """The small edition, its directing final ranking one entry only (a small space to try)."""
    head, directing = EDITION.split('key = "directing"')
    one = directing.replace("max_ranks = 5", "max_ranks = 1")
    assert one != directing
    return head + 'key = "directing"' + one


@pytest.fixture(scope="module")
def records(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Files]:
    path = tmp_path_factory.mktemp("three") / "three.db"
    shutil.copy(sqlite_template, path)
    database = Database(str(path))
    clock = SimulatedClock(at("2025-01-05T09:00"))
    edition = read_edition("t.toml", text=_one_choice_edition())
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition, roll(), clock, "admin")
        run_directing(uow, clock, THREE)
        outcome_only, _ = record.export_record(uow, None, clock.now(), only=[DIRECTING])
        full, _ = record.export_record(uow, None, clock.now(), min_ballots=3, only=[DIRECTING])
    database.dispose()
    return {"outcome only": outcome_only, "full": full}


def _hex(text: str, length: int) -> set[str]:
    return set(re.findall(rf"\b[0-9a-f]{{{length}}}\b", text))


def _confirmed(files: Files) -> list[str]:
    """Every box of three ballots, and its count, whose digest under any 128-bit value the
    record publishes (or none) is a digest the round's files publish."""
    everything = b"".join(files.values()).decode()
    salts = [b""] + [bytes.fromhex(s) for s in _hex(everything, 32)]
    targets = _hex(b"".join(d for p, d in files.items() if p.startswith(FOLDER)).decode(), 64)
    directing = json.loads(files["edition.json"])["categories"][-1]
    assert directing["key"] == "directing"
    spec = round_from_dict(directing["rounds"][0])
    slate = [entry["key"] for entry in directing["entries"]]
    found = []
    for box in product(slate, repeat=len(THREE)):
        marks = [[choice] for choice in box]
        count = recount(spec.method, dict(spec.rules), spec.ballot, slate, marks).to_json()
        for what, document in (("count", count), ("ballots", marks)):
            body = canonical(plain(document))
            if any(sha256_hex(salt + body) in targets for salt in salts):
                found.append(f"the {what} of {box}")
    return found


def test_both_records_verify(records: dict[str, Files]) -> None:
    for files in records.values():
        assert [c.problems for c in check_record(files) if not c.ok] == []
    assert f"{FOLDER}/ballots.json" not in records["outcome only"]


def test_trying_every_count_of_three_ballots_finds_nothing_in_an_outcome_only_record(
    records: dict[str, Files],
) -> None:
    assert _confirmed(records["outcome only"]) == []


def test_the_same_search_finds_the_count_once_the_full_result_is_published(
    records: dict[str, Files],
) -> None:
    found = _confirmed(records["full"])
    assert any(f.startswith("the count of") for f in found)
    assert any(f.startswith("the ballots of") for f in found)
