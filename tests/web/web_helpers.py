"""Helpers for the web tests: the test client, a session's CSRF token.

Starlette deprecates using httpx in its test client (it wants httpx2); that warning is silenced
for the one import here, so import ``TestClient`` from this module.
"""

from __future__ import annotations

import warnings
from datetime import datetime

import pyotp

from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


def csrf_of(client: TestClient) -> str:
    """The CSRF token of the client's session (a GET of the home page starts one)."""
    page = client.get("/", headers={"accept": "text/html"})
    marker = '<meta name="csrf-token" content="'
    if marker not in page.text:
        raise AssertionError("the page carries no CSRF token")
    return page.text.split(marker, 1)[1].split('"', 1)[0]


def code_at(secret: str, moment: datetime) -> str:
    """The TOTP code an authenticator app shows at ``moment``."""
    return pyotp.TOTP(secret).at(moment)


def sign_in(client: TestClient, made: NewAdministrator, clock: SimulatedClock) -> None:
    """Sign ``made`` in through the pages (password, then the TOTP code of the clock's now)."""
    token = csrf_of(client)
    first = client.post(
        "/admin/sign-in",
        data={"name": made.name, "password": made.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert first.status_code == 303, first.text
    second = client.post(
        "/admin/sign-in/code",
        data={"code": code_at(made.totp_secret, clock.now()), "csrf_token": token},
        follow_redirects=False,
    )
    assert second.status_code == 303, second.text
    clock.advance(seconds=30)  # the next sign-in needs the next code (codes are single use)
