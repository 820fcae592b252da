"""One JSON error shape for every API error, and the same status on a friendly page.

Every error body is ``{"error": {"status", "code", "message", "field"?, "problems"?}}`` with
``status`` equal to the response's status; each case below reaches it by a real request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, csrf_of, sign_in

from shortlist.domain.errors import (
    BallotRefused,
    Conflict,
    EditionError,
    LifecycleError,
    NotFound,
    Problem,
)
from shortlist.errors import CountError, InputError, ShortlistError
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.errors import DOMAIN
from shortlist.web.settings import WebSettings

ROUND = "/api/v1/rounds/test-awards/picture/nominations"


def assert_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"status", "code", "message"} <= set(error) <= {
        "status", "code", "message", "field", "problems",
    }  # fmt: skip
    assert error["status"] == status and error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    for problem in error.get("problems", []):
        assert set(problem) == {"field", "message"}
    result: dict[str, Any] = error
    return result


def test_unknown_path_is_404(client: TestClient) -> None:
    assert_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405(client: TestClient) -> None:
    assert_shape(client.delete("/api/v1/health"), 405, "method_not_allowed")


def test_no_credentials_is_401(client: TestClient, loaded: Database) -> None:
    error = assert_shape(client.get(ROUND), 401, "unauthenticated")
    assert "sign in" in error["message"]


def test_a_forged_bearer_token_is_401(client: TestClient, loaded: Database) -> None:
    response = client.get(ROUND, headers={"Authorization": "Bearer forged"})
    assert_shape(response, 401, "unauthenticated")


def test_observer_acting_is_403(
    client: TestClient, loaded: Database, observer: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, observer, clock)
    response = client.post(f"{ROUND}/open", headers={"X-CSRF-Token": csrf_of(client)})
    error = assert_shape(response, 403, "not_allowed")
    assert "observer" in error["message"]


def test_validation_is_422_naming_the_field(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    response = client.post(
        f"{ROUND}/close",
        json={"reason": ["not", "text"]},
        headers={"X-CSRF-Token": csrf_of(client)},
    )
    error = assert_shape(response, 422, "invalid_request")
    assert error["field"] == "body.reason"
    assert error["problems"][0]["field"] == "body.reason"


def test_a_step_out_of_order_is_409(
    client: TestClient, loaded: Database, administrator: NewAdministrator, clock: SimulatedClock
) -> None:
    sign_in(client, administrator, clock)
    response = client.post(f"{ROUND}/close", headers={"X-CSRF-Token": csrf_of(client)})
    error = assert_shape(response, 409, "lifecycle")
    assert "draft" in error["message"]


def test_an_oversized_body_is_413(web_settings: WebSettings, client: TestClient) -> None:
    body = b"x" * (web_settings.max_body_bytes + 1)
    assert_shape(client.post("/api/v1/health", content=body), 413, "body_too_large")


def test_an_oversized_streamed_body_is_413_too(
    web_settings: WebSettings, client: TestClient
) -> None:
    chunk = b"x" * 65_536

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(web_settings.max_body_bytes // len(chunk) + 2):
            yield chunk

    form = {"content-type": "application/x-www-form-urlencoded"}
    response = client.post("/admin/sign-in", content=streamed(), headers=form)
    assert_shape(response, 413, "body_too_large")


def test_a_tampered_form_is_403(client: TestClient) -> None:
    csrf_of(client)
    response = client.post("/admin/sign-in", data={"name": "a", "password": "b", "csrf_token": "x"})
    error = assert_shape(response, 403, "csrf_failed")
    assert error["field"] == "csrf_token"


def test_too_many_sign_ins_is_429(
    client: TestClient, web_settings: WebSettings, database: Database
) -> None:
    token = csrf_of(client)
    form = {"name": "nobody", "password": "wrong", "csrf_token": token}
    for _ in range(web_settings.sign_in_attempts_per_minute):
        assert client.post("/admin/sign-in", data=form).status_code == 401
    response = client.post("/admin/sign-in", data=form)
    assert_shape(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1


RAISED: list[ShortlistError] = [
    NotFound("no such round"),
    Conflict("loaded twice"),
    LifecycleError("cannot count an open round"),
    BallotRefused("the window is closed"),
    EditionError([Problem("e.toml", "categories[0].key", "missing", 3)]),
    CountError("no ballots"),
    InputError("bad input"),
    ShortlistError("refused"),
]


@pytest.mark.parametrize("error", RAISED, ids=lambda e: type(e).__name__)
def test_domain_errors_are_mapped_in_one_place(
    app: FastAPI, client: TestClient, error: ShortlistError
) -> None:
    def raising() -> None:
        raise error

    app.add_api_route("/api/v1/raising", raising)
    status, code = next((s, c) for kind, s, c in DOMAIN if isinstance(error, kind))
    body = assert_shape(client.get("/api/v1/raising"), status, code)
    if isinstance(error, EditionError):
        assert body["problems"] == [
            {"field": "categories[0].key", "message": str(error.problems[0])}
        ]
    else:
        assert body["message"] == str(error)


def test_every_service_error_has_a_4xx_status() -> None:
    assert all(400 <= status < 500 for _, status, _ in DOMAIN)
    assert DOMAIN[-1][0] is ShortlistError  # the catch-all comes last


def test_an_unexpected_failure_is_500_without_details(app: FastAPI, client: TestClient) -> None:
    def failing() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/api/v1/failing", failing)
    error = assert_shape(client.get("/api/v1/failing"), 500, "internal_error")
    assert "secret" not in error["message"]
    assert "default-src" in client.get("/api/v1/failing").headers["content-security-policy"]


def test_pages_show_a_friendly_page_with_the_same_status(client: TestClient) -> None:
    page = client.get("/admin/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and '<main id="main"' in page.text
    signed_out = client.get("/admin", headers={"accept": "text/html"})
    assert signed_out.status_code == 401 and "Please sign in" in signed_out.text
