"""Helpers for the web tests: the test client, a session's CSRF token.

Starlette deprecates using httpx in its test client (it wants httpx2); that warning is silenced
for the one import here, so import ``TestClient`` from this module.
"""

from __future__ import annotations

import warnings

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


__all__ = ["TestClient", "csrf_of"]
