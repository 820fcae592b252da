"""The public record: boards, commitments, cards and the signed audit log through the services,
on SQLite and PostgreSQL; the record verifies with no database."""

from __future__ import annotations

from pathlib import Path

import pytest
from record_scenario import DIRECTING, NOMINATIONS, run_directing, run_nominations
from small_edition import at
from sqlalchemy import text

from shortlist.domain.errors import LifecycleError
from shortlist.service import board, commitments, record
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.trust.body import BodyKey
from shortlist.trust.cards import check_card
from shortlist.trust.errors import VerificationError
from shortlist.trust.record_check import check_record


def test_the_record_of_announced_rounds_verifies(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        run_nominations(uow, clock)
        run_directing(uow, clock)
        files, chosen = record.export_record(uow, None, clock.now())
    assert {r.label for r in chosen} == {str(NOMINATIONS), str(DIRECTING)}
    checks = check_record(files)
    assert [c.problems for c in checks if not c.ok] == []
    assert len(checks) == 4 + 5 * 2


def test_a_voter_finds_their_tracker_on_the_board(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        trackers = run_nominations(uow, clock)
        assert all(board.check_tracker(uow, NOMINATIONS, t) for t in trackers)
        assert not board.check_tracker(uow, NOMINATIONS, "0" * 64)
        with pytest.raises(LifecycleError, match="published when it closes"):
            board.board_of(uow, DIRECTING)


def test_unannounced_rounds_are_not_published(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        with pytest.raises(LifecycleError, match="no announced round"):
            record.export_record(uow, None, clock.now())
        run_directing(uow, clock, announce=False)
        with pytest.raises(LifecycleError, match="not announced"):
            record.export_record(uow, None, clock.now(), only=[DIRECTING])


def test_a_small_round_publishes_its_outcome_only(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        run_nominations(uow, clock)
        files, _ = record.export_record(uow, None, clock.now(), min_ballots=11)
    folder = "rounds/picture/nominations"
    assert f"{folder}/ballots.json" not in files
    assert b'"result"' not in files[f"{folder}/results.json"].replace(b'"result_sha256"', b"")
    assert all(c.ok for c in check_record(files))


def test_the_card_names_its_category_and_commitment(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        run_directing(uow, clock, announce=False)
        svg = commitments.announcement_card(uow, DIRECTING, clock.now())
        record_ = uow.rounds.find(DIRECTING.edition, DIRECTING.category, DIRECTING.round)
        commitment, _ = commitments.commitment_of(uow, record_)
    card = check_card(svg, "directing")
    assert card.winners == ("Q",)
    assert card.commitment == commitment.digest
    with pytest.raises(VerificationError, match="not Best Picture"):
        check_card(svg, "Best Picture")


def _audit(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return record.audit_problems(uow, at("2025-03-01T00:00"))[1]


TAMPERINGS = {
    "changed": ["UPDATE audit SET reason = 'nothing happened' WHERE id = 2"],
    "deleted": ["DELETE FROM audit_seals WHERE seq = 2", "DELETE FROM audit WHERE id = 2"],
    "inserted": [
        "INSERT INTO audit (id, at, actor, action, target, reason) "
        "VALUES (999, '2025-01-01 00:00:00', 'mallory', 'round.open', 'x', '')"
    ],
    "reordered": [
        "UPDATE audit SET action = CASE id WHEN 2 THEN (SELECT action FROM audit WHERE id = 3) "
        "ELSE (SELECT action FROM audit WHERE id = 2) END WHERE id IN (2, 3)"
    ],
    "key replaced": ["UPDATE body_keys SET public_key = '" + "ab" * 32 + "'"],
}


@pytest.mark.parametrize("how", TAMPERINGS)
def test_audit_verify_catches_a_rewritten_log(
    loaded: Database, clock: SimulatedClock, how: str
) -> None:
    with loaded.unit_of_work() as uow:
        run_nominations(uow, clock)
    assert _audit(loaded) == []
    with loaded.engine.begin() as connection:
        for statement in TAMPERINGS[how]:
            connection.execute(text(statement))
    assert _audit(loaded)


@pytest.mark.parametrize("present", [True, False], ids=["another key", "no key"])
def test_a_log_is_not_appended_to_without_its_own_key(
    loaded: Database, clock: SimulatedClock, tmp_path: Path, present: bool
) -> None:
    path = tmp_path / "other.body-key"
    if present:
        path.write_text(BodyKey.generate().to_text())
    other = Database(loaded.url, body_key=path)
    expected = "not the key" if present else "missing"
    with other.unit_of_work() as uow, pytest.raises(VerificationError, match=expected):
        uow.audit.write(clock.now(), "mallory", "round.open", "x")
    other.dispose()
    assert path.exists() is present
