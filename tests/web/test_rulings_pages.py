"""The rulings page: an administrator moves a window and excludes or reinstates an entry or a
member, each with its reason in the audit log; a refused ruling answers 4xx and changes nothing;
observers read but cannot rule."""

from __future__ import annotations

from small_edition import at
from web_helpers import TestClient, csrf_of, sign_in

from shortlist.service import rounds
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
PAGE = f"/admin/rounds/{NOMINATIONS}/rulings"


def post(client: TestClient, act: str, **form: str) -> int:
    response = client.post(
        f"{PAGE}/{act}", data={"csrf_token": csrf_of(client), **form}, follow_redirects=False
    )
    if response.status_code == 303:
        assert response.headers["location"] == f"{PAGE}?done={act}"
    return response.status_code


def audit(database: Database) -> list[tuple[str, str, str]]:
    with database.unit_of_work() as uow:
        return [(e.action, e.target, e.reason) for e in uow.audit.entries("test-awards")]


def test_an_administrator_rules_from_the_page(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    assert post(client, "exclude-entry", entry="t", reason="released late") == 303
    assert post(client, "exclude-member", member="d01", reason="works on q") == 303
    assert post(client, "window", opens="2025-01-10T09:00", closes="2025-01-11T17:00",
                reason="ceremony moved") == 303  # fmt: skip
    page = client.get(PAGE).text
    assert "released late" in page and "works on q" in page and "Reinstate t" in page
    with loaded.unit_of_work() as uow:
        assert rounds.find(uow, NOMINATIONS).spec.window.closes == at("2025-01-11T17:00")
    assert post(client, "reinstate-entry", entry="t", reason="appeal upheld") == 303
    assert post(client, "reinstate-member", member="d01", reason="error") == 303
    acts = audit(loaded)[-5:]
    assert [a for a, _, _ in acts] == [
        "entry.exclude", "member.exclude", "round.window", "entry.reinstate", "member.reinstate",
    ]  # fmt: skip
    assert [r for _, _, r in acts] == [
        "released late", "works on q", "ceremony moved", "appeal upheld", "error",
    ]  # fmt: skip


def test_refused_rulings_answer_4xx_and_change_nothing(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    before = audit(loaded)
    assert post(client, "exclude-entry", entry="t", reason=" ") == 400
    assert post(client, "exclude-entry", entry="zz", reason="r") == 400
    assert post(client, "reinstate-member", member="d01", reason="r") == 409
    assert post(client, "window", opens="soon", closes="2025-01-11T17:00", reason="r") == 422
    assert post(client, "window", opens="2025-01-10T09:00", closes="2025-01-09T17:00",
                reason="r") == 400  # fmt: skip
    assert audit(loaded) == before


def test_an_observer_reads_but_cannot_rule(
    client: TestClient, loaded: Database, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, observer, clock)
    page = client.get(PAGE)
    assert page.status_code == 200 and "Exclude the entry" not in page.text
    before = audit(loaded)
    assert post(client, "exclude-entry", entry="t", reason="r") == 403
    assert audit(loaded) == before
