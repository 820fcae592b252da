"""Eligibility rulings and window changes: each is one audit entry carrying its reason; a
refused ruling changes nothing; their effects reach slates, electorates, casts and closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from small_edition import at
from sqlalchemy import func, select

from sealing_steps import open_sealed, seal, unseal_and_count
from shortlist.domain.errors import BallotRefused, Conflict, LifecycleError
from shortlist.errors import InputError, ShortlistError
from shortlist.service import rounds, rulings, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.record import audit_problems
from shortlist.service.refs import RoundRef
from shortlist.store import ruling_tables as rt
from shortlist.store import tables as t
from shortlist.store.database import Database

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
FINAL = RoundRef("test-awards", "picture", "final")
EDITION, CATEGORY = "test-awards", "picture"


def _audit(database: Database) -> list[Any]:
    with database.unit_of_work() as uow:
        return uow.audit.entries()


def _chain_checks(database: Database, clock: SimulatedClock) -> None:
    with database.unit_of_work() as uow:
        _, problems = audit_problems(uow, clock.now())
    assert problems == []


def _state(database: Database) -> tuple[Any, ...]:
    """Everything a ruling could touch: audit rows, rulings, electorates, every round's spec."""
    with database.engine.connect() as c:
        counts = tuple(
            c.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (t.audit, rt.entry_exclusions, rt.member_exclusions, t.electorate)
        )
        specs = tuple(c.execute(select(t.rounds.c.spec).order_by(t.rounds.c.id)).scalars())
    return (*counts, specs)


def _refused(
    database: Database, error: type[ShortlistError], words: str, act: Callable[[Any], object]
) -> None:
    before = _state(database)
    with database.unit_of_work() as uow, pytest.raises(error, match=words):
        act(uow)
    assert _state(database) == before


def _open(database: Database, clock: SimulatedClock, watchers: tuple[str, ...]) -> None:
    clock.set(at("2025-01-11T09:00"))
    with database.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)
        for member in watchers:
            voting.record_viewing(uow, EDITION, CATEGORY, member, ["p", "q", "t"], clock)


def test_an_excluded_entry_is_off_the_next_slate_and_refused_on_a_ballot(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        rulings.exclude_entry(
            uow, EDITION, CATEGORY, "t", "released after the cut-off", clock, "ann"
        )
    entry = _audit(loaded)[-1]
    assert (entry.actor, entry.action, entry.target) == (
        "ann",
        "entry.exclude",
        "test-awards/picture/t",
    )
    assert entry.reason == "released after the cut-off"
    _chain_checks(loaded, clock)
    _open(loaded, clock, ("d01",))
    with loaded.unit_of_work() as uow:
        slate = rounds.find(uow, NOMINATIONS).slate
    assert slate is not None and "t" not in slate and "p" in slate
    _refused(loaded, BallotRefused, "not on this round's slate",
             lambda uow: voting.cast(uow, NOMINATIONS, "d01", ["p", "t"], clock))  # fmt: skip


def test_a_reinstated_entry_is_on_the_next_slate(loaded: Database, clock: SimulatedClock) -> None:
    with loaded.unit_of_work() as uow:
        rulings.exclude_entry(uow, EDITION, CATEGORY, "t", "ruled late", clock, "ann")
        rulings.reinstate_entry(uow, EDITION, CATEGORY, "t", "appeal upheld", clock, "ann")
    assert [(e.action, e.reason) for e in _audit(loaded)[-2:]] == [
        ("entry.exclude", "ruled late"), ("entry.reinstate", "appeal upheld"),
    ]  # fmt: skip
    _chain_checks(loaded, clock)
    _open(loaded, clock, ("d01",))
    with loaded.unit_of_work() as uow:
        assert "t" in (rounds.find(uow, NOMINATIONS).slate or ())
        voting.cast(uow, NOMINATIONS, "d01", ["t", "p"], clock)


def test_entry_rulings_refused_change_nothing(loaded: Database, clock: SimulatedClock) -> None:
    def exclude(entry: str, reason: str = "a reason") -> Callable[[Any], object]:
        return lambda uow: rulings.exclude_entry(uow, EDITION, CATEGORY, entry, reason, clock, "a")

    _refused(loaded, InputError, "needs a reason", exclude("t", "  "))
    _refused(loaded, InputError, "no entry 'zz'", exclude("zz"))
    reinstate = lambda uow: rulings.reinstate_entry(uow, EDITION, CATEGORY, "t", "r", clock, "a")  # noqa: E731
    _refused(loaded, Conflict, "is not excluded", reinstate)
    _open(loaded, clock, ())
    _refused(loaded, LifecycleError, "is open with it on its slate", exclude("t"))
    with loaded.unit_of_work() as uow:
        rulings.exclude_entry(uow, EDITION, "directing", "t", "other category", clock, "a")
    again = lambda uow: rulings.exclude_entry(uow, EDITION, "directing", "t", "2", clock, "a")  # noqa: E731
    _refused(loaded, Conflict, "already excluded", again)


def test_a_member_excluded_before_the_round_opens_is_not_in_its_electorate(
    loaded: Database, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        rulings.exclude_member(uow, NOMINATIONS, "d01", "conflict of interest", clock, "ann")
    entry = _audit(loaded)[-1]
    assert (entry.action, entry.target, entry.reason) == (
        "member.exclude", "test-awards/picture/nominations/d01", "conflict of interest",
    )  # fmt: skip
    _open(loaded, clock, ("d01", "d03"))
    with loaded.unit_of_work() as uow:
        voters = uow.rounds.electorate(rounds.find(uow, NOMINATIONS).id)
    assert "d01" not in voters and "d03" in voters
    _refused(loaded, BallotRefused, "excluded: conflict of interest",
             lambda uow: voting.cast(uow, NOMINATIONS, "d01", ["p"], clock))  # fmt: skip
    reinstate = lambda uow: rulings.reinstate_member(uow, NOMINATIONS, "d01", "r", clock, "a")  # noqa: E731
    _refused(loaded, LifecycleError, "excluded before it opened", reinstate)
    _chain_checks(loaded, clock)


def test_in_an_open_round_only_a_member_who_has_not_voted_can_be_excluded(
    loaded: Database, clock: SimulatedClock
) -> None:
    _open(loaded, clock, ("d01", "d03"))
    with loaded.unit_of_work() as uow:
        voting.cast(uow, NOMINATIONS, "d03", ["q"], clock)

    def exclude(member: str) -> Callable[[Any], object]:
        return lambda uow: rulings.exclude_member(uow, NOMINATIONS, member, "r", clock, "a")

    _refused(loaded, LifecycleError, "already voted", exclude("d03"))
    _refused(loaded, InputError, "no member 'zz'", exclude("zz"))
    with loaded.unit_of_work() as uow:
        rulings.exclude_member(uow, NOMINATIONS, "d01", "works on entry q", clock, "ann")
        size = uow.rounds.electorate_size(rounds.find(uow, NOMINATIONS).id)
    _refused(loaded, BallotRefused, "excluded: works on entry q",
             lambda uow: voting.cast(uow, NOMINATIONS, "d01", ["p"], clock))  # fmt: skip
    with loaded.unit_of_work() as uow:
        rulings.reinstate_member(uow, NOMINATIONS, "d01", "declared in error", clock, "ann")
        assert uow.rounds.electorate_size(rounds.find(uow, NOMINATIONS).id) == size + 1
        voting.cast(uow, NOMINATIONS, "d01", ["p"], clock)
    assert _audit(loaded)[-1].reason == "declared in error"
    _chain_checks(loaded, clock)


def _window(database: Database, ref: RoundRef) -> tuple[datetime, datetime]:
    with database.unit_of_work() as uow:
        window = rounds.find(uow, ref).spec.window
    return window.opens, window.closes


def test_a_window_moved_earlier_closes_earlier(loaded: Database, clock: SimulatedClock) -> None:
    opens, closes = _window(loaded, NOMINATIONS)
    earlier = at("2025-01-11T17:00")
    with loaded.unit_of_work() as uow:
        rulings.change_window(uow, NOMINATIONS, opens, earlier, "venue booked", clock, "ann")
    assert _window(loaded, NOMINATIONS) == (opens, earlier)
    entry = _audit(loaded)[-1]
    assert (entry.action, entry.reason) == ("round.window", "venue booked")
    assert entry.detail["after"]["closes"] != entry.detail["before"]["closes"]
    _open(loaded, clock, ())
    clock.set(earlier)
    assert earlier < closes
    with loaded.unit_of_work() as uow:
        assert rounds.close_due(uow, EDITION, clock) == [str(NOMINATIONS)]
        assert rounds.find(uow, NOMINATIONS).closed_at == earlier
    _chain_checks(loaded, clock)


def test_an_open_round_may_only_move_its_closing_instant_forward_of_now(
    loaded: Database, clock: SimulatedClock
) -> None:
    opens, closes = _window(loaded, NOMINATIONS)
    _open(loaded, clock, ())

    def change(o: datetime, c: datetime, reason: str = "why") -> Callable[[Any], object]:
        return lambda uow: rulings.change_window(uow, NOMINATIONS, o, c, reason, clock, "a")

    _refused(
        loaded, LifecycleError, "only its closing instant", change(at("2025-01-10T10:00"), closes)
    )
    _refused(loaded, LifecycleError, "into the past", change(opens, at("2025-01-11T08:00")))
    _refused(loaded, LifecycleError, "embargo", change(opens, at("2025-01-16T08:00")))
    _refused(loaded, InputError, "needs a reason", change(opens, at("2025-01-12T18:00"), " "))
    _refused(loaded, InputError, "closes before it opens", change(opens, opens))
    _refused(loaded, InputError, "nothing to change", change(opens, closes))
    _refused(loaded, InputError, "time zone", change(opens, datetime(2025, 1, 12, 18)))
    later = at("2025-01-12T18:00")
    with loaded.unit_of_work() as uow:
        rulings.change_window(uow, NOMINATIONS, opens, later, "storm", clock, "ann")
    assert _window(loaded, NOMINATIONS) == (opens, later)
    with loaded.unit_of_work() as uow:
        rounds.close_round(uow, NOMINATIONS, clock, "ann", reason="storm passed")
    _refused(loaded, LifecycleError, "it is closed", change(opens, at("2025-01-12T19:00")))


def test_a_draft_window_stays_clear_of_its_neighbours(
    loaded: Database, clock: SimulatedClock
) -> None:
    _, closes = _window(loaded, FINAL)

    def change(o: datetime, c: datetime, ref: RoundRef = FINAL) -> Callable[[Any], object]:
        return lambda uow: rulings.change_window(uow, ref, o, c, "why", clock, "a")

    _refused(loaded, LifecycleError, "before round .*nominations closes",
             change(at("2025-01-12T09:00"), closes))  # fmt: skip
    _refused(loaded, LifecycleError, "would close after round .*final opens",
             change(at("2025-01-10T09:00"), at("2025-02-02T09:00"), NOMINATIONS))  # fmt: skip
    with loaded.unit_of_work() as uow:
        rulings.change_window(uow, FINAL, at("2025-01-20T09:00"), closes, "earlier", clock, "a")
    assert _window(loaded, FINAL) == (at("2025-01-20T09:00"), closes)


def test_an_excluded_nominee_is_left_off_the_final(loaded: Database, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-10T09:00"))
    with loaded.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)
        for i in range(1, 4):
            voting.record_viewing(uow, EDITION, CATEGORY, f"d{i:02d}", ["p", "s"], clock)
            voting.cast(uow, NOMINATIONS, f"d{i:02d}", ["s"], clock)
        rounds.close_round(uow, NOMINATIONS, clock, "admin", reason="all voted")
        unseal_and_count(uow, NOMINATIONS, clock)
        clock.set(at("2025-01-15T12:00"))
        rounds.announce_round(uow, NOMINATIONS, clock, "admin")
        assert rounds.advance(uow, NOMINATIONS, clock, "admin").slate == ("s",)
        rulings.exclude_entry(uow, EDITION, CATEGORY, "s", "ineligible release", clock, "ann")
    clock.set(at("2025-02-01T10:00"))
    with loaded.unit_of_work() as uow:
        seal(uow, FINAL, clock)
    _refused(loaded, LifecycleError, "every entry of its slate is excluded",
             lambda uow: rounds.open_round(uow, FINAL, clock, "admin"))  # fmt: skip
    with loaded.unit_of_work() as uow:
        rulings.reinstate_entry(uow, EDITION, CATEGORY, "s", "appeal upheld", clock, "ann")
        assert open_sealed(uow, FINAL, clock).slate == ("s",)
    _chain_checks(loaded, clock)
