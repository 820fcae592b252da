"""Administrators through the pages and the API: sign-in with TOTP, roles, a round's life,
loading an edition by upload, and no tally anywhere before the announcement."""

from __future__ import annotations

import json

from small_edition import EDITION, at
from web_helpers import TestClient, code_at, csrf_of, sign_in

from sealing_steps import CUSTODIANS, seal
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import accounts, rounds, sealing, voting
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

DIRECTING = RoundRef("test-awards", "directing", "final")
PAGE = f"/admin/rounds/{DIRECTING}"
API = f"/api/v1/rounds/{DIRECTING}"
BALLOTS = [["q", "p"], ["q", "r"], ["p", "q"], ["s", "q"], ["q"]]


def status_of(database: Database, ref: RoundRef) -> RoundStatus:
    with database.unit_of_work() as uow:
        return rounds.find(uow, ref).status


def act(client: TestClient, action: str, **form: str) -> None:
    response = client.post(
        f"{PAGE}/{action}", data={"csrf_token": csrf_of(client), **form}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{PAGE}?done={action}"


def cast_some(database: Database, clock: SimulatedClock) -> None:
    with database.unit_of_work() as uow:
        for number, marks in enumerate(BALLOTS, start=1):
            member = f"v{number:03d}"
            voting.attest(uow, DIRECTING, member, clock)
            voting.cast(uow, DIRECTING, member, marks, clock)


# --- signing in -------------------------------------------------------------------------------


def test_sign_in_needs_the_password_then_a_fresh_code(
    client: TestClient, owner: NewAdministrator, clock: SimulatedClock, database: Database
) -> None:
    token = csrf_of(client)
    wrong = {"name": owner.name, "password": owner.password + "x", "csrf_token": token}
    assert client.post("/admin/sign-in", data=wrong).status_code == 401
    right = {"name": owner.name, "password": owner.password, "csrf_token": token}
    assert client.post("/admin/sign-in", data=right, follow_redirects=False).status_code == 303
    assert client.get("/admin").status_code == 401  # a password alone signs nobody in
    bad_code = str((int(code_at(owner.totp_secret, clock.now())) + 1) % 1_000_000).zfill(6)
    refused = client.post("/admin/sign-in/code", data={"code": bad_code, "csrf_token": token})
    assert refused.status_code == 401 and "not right" in refused.text
    assert client.get("/admin").status_code == 401
    good = {"code": code_at(owner.totp_secret, clock.now()), "csrf_token": token}
    assert client.post("/admin/sign-in/code", data=good, follow_redirects=False).status_code == 303
    assert client.get("/admin").status_code == 200
    assert csrf_of(client) != token  # signing in starts a new session
    with database.unit_of_work() as uow:
        acts = [(e.action, e.reason) for e in uow.audit.entries(owner.name)]
    assert ("administrator.sign-in-refused", "password") in acts
    assert ("administrator.sign-in-refused", "code") in acts
    assert ("administrator.sign-in", "") in acts


def test_a_code_is_accepted_once_only(
    client: TestClient, owner: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, owner, clock)
    clock.advance(seconds=-30)  # back to the instant of the code just used
    with TestClient(client.app) as other:
        token = csrf_of(other)
        form = {"name": owner.name, "password": owner.password, "csrf_token": token}
        other.post("/admin/sign-in", data=form)
        replay = {"code": code_at(owner.totp_secret, clock.now()), "csrf_token": token}
        assert other.post("/admin/sign-in/code", data=replay).status_code == 401


def test_ending_sessions_signs_out_everywhere(
    client: TestClient, owner: NewAdministrator, clock: SimulatedClock, database: Database
) -> None:
    sign_in(client, owner, clock)
    assert client.get("/admin").status_code == 200
    with database.unit_of_work() as uow:
        accounts.end_sessions(uow, owner.name, clock, "test")
    assert client.get("/admin").status_code == 401


def test_sign_out(client: TestClient, owner: NewAdministrator, clock: SimulatedClock) -> None:
    sign_in(client, owner, clock)
    out = client.post("/admin/sign-out", data={"csrf_token": csrf_of(client)})
    assert out.status_code == 200
    assert client.get("/admin").status_code == 401


# --- roles ------------------------------------------------------------------------------------


def test_an_observer_reads_but_cannot_open_a_round(
    client: TestClient, loaded: Database, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, DIRECTING, clock)
    clock.set(at("2025-02-01T10:00"))
    sign_in(client, observer, clock)
    page = client.get(PAGE, headers={"accept": "text/html"})
    assert page.status_code == 200 and "Open the round" not in page.text
    refused = client.post(f"{PAGE}/open", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_allowed"
    api = client.post(f"{API}/open", headers={"X-CSRF-Token": csrf_of(client)})
    assert api.status_code == 403
    assert client.get(API).json()["status"] == "draft"
    assert status_of(loaded, DIRECTING) is RoundStatus.DRAFT


# --- a round's life through the pages ---------------------------------------------------------


def test_open_close_unseal_count_announce_through_the_pages(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, DIRECTING, clock)
    clock.set(at("2025-02-01T10:00"))
    sign_in(client, administrator, clock)
    act(client, "open")
    assert status_of(loaded, DIRECTING) is RoundStatus.OPEN
    cast_some(loaded, clock)
    page = client.get(PAGE, headers={"accept": "text/html"}).text
    assert f"{len(BALLOTS)} of " in page
    early = client.post(f"{PAGE}/close", data={"csrf_token": csrf_of(client)})
    assert early.status_code == 409 and "needs a reason" in early.json()["error"]["message"]
    assert status_of(loaded, DIRECTING) is RoundStatus.OPEN
    act(client, "close", reason="the venue flooded")
    assert status_of(loaded, DIRECTING) is RoundStatus.CLOSED
    with loaded.unit_of_work() as uow:
        shares = [sealing.custodian_share(uow, DIRECTING, c).to_bytes() for c in CUSTODIANS[:2]]
    files = [("shares", (f"share{i}.json", data)) for i, data in enumerate(shares)]
    unsealed = client.post(
        f"{PAGE}/unseal", data={"csrf_token": csrf_of(client)}, files=files,
        follow_redirects=False,
    )  # fmt: skip
    assert unsealed.status_code == 303, unsealed.text
    assert status_of(loaded, DIRECTING) is RoundStatus.UNSEALED
    act(client, "count")
    early_announce = client.post(f"{PAGE}/announce", data={"csrf_token": csrf_of(client)})
    assert early_announce.status_code == 409  # the embargo has not passed
    clock.set(at("2025-02-05T12:00"))
    act(client, "announce")
    assert status_of(loaded, DIRECTING) is RoundStatus.ANNOUNCED
    with loaded.unit_of_work() as uow:
        actions = [e.action for e in uow.audit.entries(str(DIRECTING))]
    for done in ("round.open", "round.close-early", "round.unseal", "round.count"):
        assert done in actions
    assert any(a.startswith("round.announce") for a in actions)


def test_unsealing_with_one_share_of_two_is_refused_and_changes_nothing(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, DIRECTING, clock)
    clock.set(at("2025-02-01T10:00"))
    sign_in(client, administrator, clock)
    act(client, "open")
    act(client, "close", reason="test")
    with loaded.unit_of_work() as uow:
        share = sealing.custodian_share(uow, DIRECTING, CUSTODIANS[0]).to_bytes()
    refused = client.post(
        f"{PAGE}/unseal", data={"csrf_token": csrf_of(client)}, files=[("shares", ("s", share))]
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "unseal_refused"
    assert status_of(loaded, DIRECTING) is RoundStatus.CLOSED


# --- the API with a bearer token --------------------------------------------------------------


def test_the_api_opens_and_closes_with_a_bearer_token(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, DIRECTING, clock)
        token = accounts.issue_api_token(uow, administrator.name, clock, "test")
    clock.set(at("2025-02-01T10:00"))
    bearer = {"Authorization": f"Bearer {token}"}
    opened = client.post(f"{API}/open", headers=bearer)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    cast_some(loaded, clock)
    turnout = client.get(f"{API}/turnout", headers=bearer).json()
    assert turnout["voted"] == len(BALLOTS)
    assert sum(b["voted"] for b in turnout["branches"]) == len(BALLOTS)  # all are actors
    closed = client.post(f"{API}/close", json={"reason": "storm"}, headers=bearer)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["close_reason"] == "storm"


def test_the_api_lists_editions_categories_entries_and_rounds(
    client: TestClient, loaded: Database, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, observer, clock)
    assert [e["key"] for e in client.get("/api/v1/editions").json()] == ["test-awards"]
    categories = client.get("/api/v1/editions/test-awards/categories").json()
    assert [c["key"] for c in categories] == ["picture", "directing"]
    entries = client.get("/api/v1/editions/test-awards/categories/picture/entries").json()
    river = next(e for e in entries if e["key"] == "r")
    assert river["credits"] == [{"person": "Dana Two", "role": "director", "member": "d02"}]
    listed = client.get("/api/v1/editions/test-awards/rounds").json()
    assert {r["round"] for r in listed} == {
        "test-awards/picture/nominations", "test-awards/picture/final", str(DIRECTING),
    }  # fmt: skip
    missing = client.get("/api/v1/editions/test-awards/categories/nope/entries")
    assert missing.status_code == 404 and "nope" in missing.json()["error"]["message"]


def test_the_openapi_document_describes_every_administration_route(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/editions",
        "/api/v1/editions/{edition}/categories/{category}/entries",
        "/api/v1/editions/{edition}/turnout",
        "/api/v1/rounds/{edition}/{category}/{round_key}/{act}",
    ):
        assert path in paths
    assert not any(path.startswith("/admin") for path in paths)


# --- no tally before the announcement ----------------------------------------------------------


def test_no_tally_is_served_before_the_announcement(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, DIRECTING, clock)
    clock.set(at("2025-02-01T10:00"))
    sign_in(client, administrator, clock)
    act(client, "open")
    cast_some(loaded, clock)
    act(client, "close", reason="test")
    with loaded.unit_of_work() as uow:
        sealing.unseal_with(uow, DIRECTING, CUSTODIANS[:2], clock, "test")
    act(client, "count")
    with loaded.unit_of_work() as uow:
        assert rounds.find(uow, DIRECTING).outcome  # counted: there is something to hide
    served = [
        client.get(url, headers={"accept": "text/html"}).text
        for url in (PAGE, "/admin/editions/test-awards", "/admin", "/admin/audit")
    ]
    served += [
        json.dumps(client.get(url).json())
        for url in (API, f"{API}/turnout", "/api/v1/editions/test-awards/rounds",
                    "/api/v1/editions/test-awards/turnout")
    ]  # fmt: skip
    for text in served:
        for word in ("tally", "outcome", "elected", "eliminated", "winner"):
            assert word not in text.lower()


# --- loading an edition by upload --------------------------------------------------------------


def test_an_upload_lists_every_problem_and_loads_nothing(
    client: TestClient, database: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    bad_edition = EDITION.replace('key = "q"\n  title = "Quartz"', 'key = "q"\n  title = 5', 1)
    bad_roll = "number,name,status,branches\nd01,Director,active,directors\nd02,Two,nonsense,\n"
    page = client.post(
        "/admin/editions",
        data={"csrf_token": csrf_of(client)},
        files={
            "edition": ("awards.toml", bad_edition.encode()),
            "members": ("roll.csv", bad_roll.encode()),
        },
        headers={"accept": "text/html"},
    )
    assert page.status_code == 422
    assert "awards.toml, line" in page.text and "roll.csv, line 3" in page.text
    with database.unit_of_work() as uow:
        assert uow.editions.keys() == []


def test_a_good_upload_loads_the_edition(
    client: TestClient, database: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    roll_csv = "number,name,status,branches\nd01,Director,active,directors\nd02,Dana,active,\n"
    loaded = client.post(
        "/admin/editions",
        data={"csrf_token": csrf_of(client)},
        files={"edition": ("a.toml", EDITION.encode()), "members": ("r.csv", roll_csv.encode())},
        follow_redirects=False,
    )
    assert loaded.status_code == 303
    assert loaded.headers["location"] == "/admin/editions/test-awards?loaded=1"
    with database.unit_of_work() as uow:
        assert uow.editions.keys() == ["test-awards"]
        assert [e.action for e in uow.audit.entries("test-awards")] == ["edition.load"]


def test_an_observer_cannot_upload(
    client: TestClient, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, observer, clock)
    refused = client.post(
        "/admin/editions",
        data={"csrf_token": csrf_of(client)},
        files={"edition": ("a.toml", EDITION.encode()), "members": ("r.csv", b"")},
    )
    assert refused.status_code == 403


def test_the_api_pages_through_the_audit_log(
    client: TestClient, loaded: Database, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, observer, clock)
    every = client.get("/api/v1/audit", params={"limit": 1000}).json()
    assert [e["action"] for e in every][:1] == ["edition.load"]
    first = client.get("/api/v1/audit", params={"limit": 1}).json()
    rest = client.get("/api/v1/audit", params={"after": first[0]["id"], "limit": 1000}).json()
    assert first + rest == every
    mine = client.get("/api/v1/audit", params={"target": observer.name}).json()
    assert {e["action"] for e in mine} == {"administrator.add", "administrator.sign-in"}
    refused = client.get("/api/v1/audit", params={"limit": 0})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "query.limit"
