"""An adversarial review's findings, each pinned by a test: pages and API answers are never
stored by a cache, ending an administrator's sessions also ends their API tokens, no CORS."""

from __future__ import annotations

import pytest
from results_scenario import FINAL, announce_some
from web_helpers import TestClient, csrf_of, sign_in

from shortlist.service import accounts
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.settings import WebSettings

DYNAMIC = [
    "/",
    "/admin",
    "/admin/sign-in",
    "/member",
    "/member/sign-in",
    "/api/v1/member/rounds",
    "/api/v1/audit",
    "/no-such-page",
]


@pytest.mark.parametrize("path", DYNAMIC)
def test_no_page_or_api_answer_is_stored_by_a_cache(client: TestClient, path: str) -> None:
    """A ballot page, a receipt or an admin page left in a shared or back-button cache leaks."""
    answer = client.get(path, follow_redirects=False)
    assert "no-store" in answer.headers.get("cache-control", ""), (path, answer.status_code)


def test_a_signed_in_administrators_pages_are_not_stored(
    client: TestClient, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    answer = client.get("/admin")
    assert answer.status_code == 200
    assert "no-store" in answer.headers["cache-control"]


def test_ending_an_accounts_sessions_also_ends_its_api_tokens(
    client: TestClient,
    database: Database,
    owner: NewAdministrator,
    observer: NewAdministrator,
    clock: SimulatedClock,
) -> None:
    with database.unit_of_work() as uow:
        token = accounts.issue_api_token(uow, observer.name, clock, owner.name)
    bearer = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/audit", headers=bearer).status_code == 200
    sign_in(client, owner, clock)
    url = f"/admin/accounts/{observer.name}/end-sessions"
    assert client.post(url, data={"csrf_token": csrf_of(client)}).status_code == 200
    refused = client.get("/api/v1/audit", headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"


def test_no_cross_origin_request_is_allowed(client: TestClient) -> None:
    preflight = client.options(
        "/api/v1/member/rounds",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "PUT",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert not any(name.startswith("access-control-") for name in preflight.headers)
    plain = client.get("/api/v1/health", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in plain.headers


TALLY_WORDS = ("tiebreak", "outcome", "winner", "result", "tally", "elected", "votes")


def test_the_audit_log_an_observer_reads_says_nothing_of_an_unannounced_count(
    client: TestClient,
    database: Database,
    owner: NewAdministrator,
    observer: NewAdministrator,
    clock: SimulatedClock,
) -> None:
    announce_some(database, clock)
    with database.unit_of_work() as uow:
        token = accounts.issue_api_token(uow, observer.name, clock, owner.name)
    answer = client.get(
        "/api/v1/audit", params={"target": str(FINAL), "limit": 1000},
        headers={"authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert answer.status_code == 200
    entries = answer.json()
    assert "round.count" in [e["action"] for e in entries]  # counted, not announced
    told = [
        (e["action"], key)
        for e in entries
        for key in (e["detail"] or {})
        if any(word in key.lower() for word in TALLY_WORDS)
    ]
    assert told == []


def _attempt(app: object, address: str, name: str) -> int:
    with TestClient(app, client=(address, 50000), raise_server_exceptions=False) as browser:  # type: ignore[arg-type]
        form = {"name": name, "password": "wrong guess", "csrf_token": csrf_of(browser)}
        return browser.post("/admin/sign-in", data=form).status_code


def test_one_account_is_limited_from_many_addresses_however_its_name_is_spaced(
    client: TestClient, administrator: NewAdministrator, web_settings: WebSettings
) -> None:
    limit = web_settings.sign_in_attempts_per_minute
    spellings = [" " * (i // 2) + administrator.name + " " * (i % 2) for i in range(limit + 2)]
    statuses = [_attempt(client.app, f"198.51.100.{i}", name) for i, name in enumerate(spellings)]
    assert statuses == [401] * limit + [429, 429]


def test_one_address_is_limited_across_many_names(
    client: TestClient, web_settings: WebSettings
) -> None:
    limit = web_settings.sign_in_attempts_per_minute
    statuses = [_attempt(client.app, "203.0.113.7", f"name{i}") for i in range(limit + 1)]
    assert statuses == [401] * limit + [429]
