"""Property: whatever a small round's ballots, its exported record verifies."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_scenario import run_directing
from small_edition import EDITION, at, roll

from shortlist.domain.edition_file import read_edition
from shortlist.service import editions, record
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.trust.record_check import check_record

rankings = st.permutations(["p", "q", "r", "s", "t"]).flatmap(
    lambda order: st.integers(1, 5).map(lambda n: list(order[:n]))
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ballots=st.lists(rankings, min_size=1, max_size=12), min_ballots=st.integers(1, 15))
def test_export_then_verify_passes(
    sqlite_template: Path, tmp_path: Path, ballots: list[list[str]], min_ballots: int
) -> None:
    path = tmp_path / "prop.db"
    path.unlink(missing_ok=True)
    shutil.copy(sqlite_template, path)
    database = Database(str(path))
    clock = SimulatedClock(at("2025-01-05T09:00"))
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=EDITION), roll(), clock, "admin")
        run_directing(uow, clock, [(1, ranking) for ranking in ballots])
        files, _ = record.export_record(uow, None, clock.now(), min_ballots=min_ballots)
    database.dispose()
    assert ("rounds/directing/final/ballots.json" in files) is (len(ballots) >= min_ballots)
    assert [c.problems for c in check_record(files) if not c.ok] == []
