"""`shortlist demo --no-serve`: the 95th-Awards scenario end to end (run once, ~9,500 members)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shortlist.cli.main import main
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import counting, rounds
from shortlist.service.refs import RoundRef
from shortlist.store import tables as t
from shortlist.store.database import Database

# One demo run serves every test here: keep them on one xdist worker (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Database]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    capture = pytest.MonkeyPatch()
    import io
    import sys

    out = io.StringIO()
    capture.setattr(sys, "stdout", out)
    try:
        main(["demo", "--no-serve", "--db", str(path)])
    finally:
        capture.undo()
    return out.getvalue(), Database(str(path))


@pytest.mark.slow
def test_the_demo_tells_each_stage(demo_run: tuple[str, Database]) -> None:
    out, _ = demo_run
    assert "Every vote in this demo is simulated." in out
    assert "9,500 voting" in out
    assert "200 qualified films" in out
    for when in ("Mon 12 Dec 2022 09:00 PST", "Thu 12 Jan 2023 09:00 PST",
                 "Thu 02 Mar 2023 09:00 PST", "Sun 12 Mar 2023 17:00 PDT"):  # fmt: skip
        assert when in out, when
    shortlist = re.search(r"Live Action Short Film, shortlist: (.*)", out)
    assert shortlist is not None and len(shortlist.group(1).split("; ")) == 15
    nominees = re.search(r"Live Action Short Film, nominees: (.*)", out)
    assert nominees is not None and len(nominees.group(1).split("; ")) == 5
    assert re.search(r"Best Picture, winners?( \(a tie\))?: \S", out)
    assert len(re.findall(r"We Cry Together (advanced|did not advance)", out)) >= 1
    assert "turnout academy-95/best-picture/final" in out
    assert "refused, a member ranking a film they are credited on" in out


LIFE = {
    "round.seal-key", "round.open", "round.close", "round.unseal", "round.count",
    "round.announce",
}  # fmt: skip


@pytest.mark.slow
def test_every_round_is_announced_and_recounts_exactly(demo_run: tuple[str, Database]) -> None:
    _, database = demo_run
    with database.unit_of_work() as uow:
        records = uow.rounds.of_edition("academy-95")
        assert len(records) == 10
        assert (
            uow.connection.execute(select(func.count()).select_from(t.round_secrets)).scalar() == 0
        )
        for record in records:
            assert record.status is RoundStatus.ANNOUNCED
            marks = uow.ballots.marks(record.id)
            assert len(marks) == uow.rounds.turnout(record.id) > 0
            spec = record.spec
            again = counting.count(
                spec.method, dict(spec.rules), spec.ballot, record.slate or (), marks
            )
            assert again.to_json() == record.result, record.label
            ref = RoundRef(record.edition, record.category, spec.key)
            published = rounds.announcement(uow, ref)
            assert set(published.keys) == set(record.outcome or ())
            entries = [a for a in uow.audit.entries(str(ref)) if a.target == str(ref)]
            steps = [a.action for a in entries if a.action in LIFE]
            assert steps[:6] == [
                "round.seal-key", "round.open", "round.close", "round.unseal", "round.count",
                "round.announce",
            ]  # fmt: skip
            unsealed = next(a for a in entries if a.action == "round.unseal")
            assert len(unsealed.detail["custodians"]) == 2
        seats = {r.label: len(r.outcome or ()) for r in records}
    assert seats["academy-95/live-action-short/preliminary"] == 15
    assert seats["academy-95/live-action-short/nominations"] == 5
    assert seats["academy-95/best-picture/nominations"] == 10
    assert seats["academy-95/best-picture/final"] == 1


@pytest.mark.slow
def test_the_demo_record_verifies_and_its_cards_check(
    demo_run: tuple[str, Database],
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, database = demo_run
    db = database.url.removeprefix("sqlite:///")
    folder = tmp_path_factory.mktemp("demo-record")
    record, card = folder / "record", folder / "best-picture.svg"
    main(["record", "export", "--db", db, str(record)])
    main(["verify", str(record)])
    main(["audit", "verify", "--db", db])
    main(["card", "make", "academy-95/best-picture/final", "-o", str(card), "--db", db])
    main(["card", "check", str(card), "--category", "Best Picture", "--record", str(record)])
    out = capsys.readouterr().out
    rounds = 10  # 4 files and 4 checks for the record, 5 files and 5 checks per round
    assert f"wrote {4 + 5 * rounds} files for {rounds} announced rounds" in out
    assert f"all {4 + 5 * rounds} checks passed" in out
    assert "the card of Best Picture" in out
    with pytest.raises(SystemExit) as refused:
        main(["card", "check", str(card), "--category", "Directing"])
    assert refused.value.code == 5
