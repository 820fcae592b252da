"""Owners manage accounts from the pages: add one (secrets shown once), end its sessions."""

from __future__ import annotations

import re

from web_helpers import TestClient, csrf_of, sign_in

from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database


def test_an_owner_adds_an_administrator_who_can_then_sign_in(
    client: TestClient, owner: NewAdministrator, clock: SimulatedClock, database: Database
) -> None:
    sign_in(client, owner, clock)
    form = {"name": "newcomer", "role": "observer", "csrf_token": csrf_of(client)}
    page = client.post("/admin/accounts", data=form, headers={"accept": "text/html"})
    assert page.status_code == 200
    password = re.search(r'<code id="new-password">([^<]+)</code>', page.text)
    secret = re.search(r'<code id="new-totp-secret">([^<]+)</code>', page.text)
    assert password and secret
    made = NewAdministrator("newcomer", "observer", password.group(1), secret.group(1), "")
    with TestClient(client.app) as other:
        sign_in(other, made, clock)
        assert other.get("/admin").status_code == 200
        assert other.get("/admin/accounts").status_code == 403  # an observer is not an owner
    listed = client.get("/admin/accounts", headers={"accept": "text/html"}).text
    assert "newcomer" in listed and password.group(1) not in listed  # shown once
    with database.unit_of_work() as uow:
        assert ("administrator.add", owner.name) in [
            (e.action, e.actor) for e in uow.audit.entries("newcomer")
        ]


def test_a_name_taken_or_a_bad_role_is_refused(
    client: TestClient, owner: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, owner, clock)
    taken = {"name": owner.name, "role": "observer", "csrf_token": csrf_of(client)}
    assert client.post("/admin/accounts", data=taken).status_code == 409
    bad = {"name": "someone", "role": "king", "csrf_token": csrf_of(client)}
    refused = client.post("/admin/accounts", data=bad)
    assert refused.status_code == 400 and "king" in refused.json()["error"]["message"]


def test_ending_an_accounts_sessions_signs_it_out(
    client: TestClient,
    owner: NewAdministrator,
    administrator: NewAdministrator,
    clock: SimulatedClock,
) -> None:
    sign_in(client, owner, clock)
    with TestClient(client.app) as other:
        sign_in(other, administrator, clock)
        assert other.get("/admin").status_code == 200
        url = f"/admin/accounts/{administrator.name}/end-sessions"
        assert client.post(url, data={"csrf_token": csrf_of(client)}).status_code == 200
        assert other.get("/admin").status_code == 401
    missing = client.post(
        "/admin/accounts/nobody/end-sessions", data={"csrf_token": csrf_of(client)}
    )
    assert missing.status_code == 404


def test_only_an_owner_manages_accounts(
    client: TestClient, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    assert client.get("/admin/accounts").status_code == 403
    form = {"name": "intruder", "role": "owner", "csrf_token": csrf_of(client)}
    assert client.post("/admin/accounts", data=form).status_code == 403
