"""Security headers on every response, CSRF on every form, session cookies, rate limits shared
by workers."""

from __future__ import annotations

import pytest
from web_helpers import TestClient, csrf_of, sign_in

from sealing_steps import seal
from shortlist.domain.lifecycle import RoundStatus
from shortlist.service import rounds
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.sessions import cookie_name
from shortlist.web.settings import WebSettings

NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
PAGES = ["/", "/admin/sign-in", "/api/v1/health", "/api/v1/openapi.json", "/static/shortlist.css"]


@pytest.mark.parametrize("path", [*PAGES, "/no-such-page"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # dev: plain http


def test_production_adds_hsts_and_secure_host_cookies(database: Database) -> None:
    settings = WebSettings(
        mode="production",
        secret_key="s" * 40,
        public_origin="https://awards.example.org",
        database="postgresql://unused/unused",
    )
    with TestClient(create_app(settings, database=database), base_url="https://testserver") as c:
        response = c.get("/")
    assert "max-age=" in response.headers["strict-transport-security"]
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-shortlist=")
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"))


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for path in ("/", "/admin/sign-in"):
        text = client.get(path, headers={"accept": "text/html"}).text
        assert "<script>" not in text and "<style" not in text and " style=" not in text
        assert "<script src=" in text


def test_a_tampered_session_cookie_is_a_fresh_signed_out_session(
    client: TestClient, web_settings: WebSettings
) -> None:
    client.get("/")
    client.cookies.set(cookie_name(web_settings), "forged.value")
    response = client.get("/admin")
    assert response.status_code == 401
    assert "set-cookie" in response.headers


def test_a_form_without_the_right_token_changes_nothing(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    with loaded.unit_of_work() as uow:
        seal(uow, NOMINATIONS, clock)
    sign_in(client, administrator, clock)
    url = f"/admin/rounds/{NOMINATIONS}/open"
    for form in ({}, {"csrf_token": "tampered"}, {"csrf_token": csrf_of(client) + "x"}):
        response = client.post(url, data=form, follow_redirects=False)
        assert response.status_code == 403 and response.json()["error"]["code"] == "csrf_failed"
    with loaded.unit_of_work() as uow:
        assert rounds.find(uow, NOMINATIONS).status is RoundStatus.DRAFT
    done = client.post(url, data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert done.status_code == 303
    with loaded.unit_of_work() as uow:
        assert rounds.find(uow, NOMINATIONS).status is RoundStatus.OPEN


def test_a_csrf_token_from_another_session_is_refused(client: TestClient) -> None:
    with TestClient(client.app) as other:
        foreign = csrf_of(other)
    csrf_of(client)
    form = {"name": "a", "password": "b", "csrf_token": foreign}
    assert client.post("/admin/sign-in", data=form).status_code == 403


def test_sign_in_limits_are_shared_by_two_workers_on_one_database(
    web_settings: WebSettings, database: Database, clock: SimulatedClock
) -> None:
    """Two app instances (as two worker processes would be) count attempts together."""
    limit = web_settings.sign_in_attempts_per_minute
    first = TestClient(create_app(web_settings, database=database, clock=clock))
    second = TestClient(create_app(web_settings, database=database, clock=clock))
    statuses = []
    for attempt in range(limit + 2):
        worker = (first, second)[attempt % 2]
        form = {"name": "nobody", "password": "wrong", "csrf_token": csrf_of(worker)}
        statuses.append(worker.post("/admin/sign-in", data=form).status_code)
    assert statuses == [401] * limit + [429, 429]
    clock.advance(minutes=1)
    form = {"name": "nobody", "password": "wrong", "csrf_token": csrf_of(first)}
    assert first.post("/admin/sign-in", data=form).status_code == 401  # a new minute
