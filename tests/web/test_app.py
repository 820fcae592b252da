"""The app serves its home page, its OpenAPI document and its health check on both stores."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from web_helpers import TestClient

from shortlist.store.database import Database
from shortlist.web.templating import local_time


def test_the_home_page_is_served_with_a_session_cookie(client: TestClient) -> None:
    page = client.get("/", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert '<main id="main"' in page.text and '<html lang="en">' in page.text
    cookie = page.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_openapi_document_lists_the_health_check(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/health" in document["paths"]


def test_health_reports_the_schema_revision(client: TestClient, database: Database) -> None:
    health = client.get("/api/v1/health").json()
    assert health["schema_revision"] == database.revision()
    assert health["schema_current"] is True, health


def test_the_api_docs_load_only_this_sites_files(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'data-spec="/api/v1/openapi.json"' in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(source.startswith("/static/") for source in sources)
    assert "<script>" not in page.text and "<style" not in page.text
    for source in sources:
        assert client.get(source).status_code == 200


def test_pages_read_instants_in_the_editions_time_zone() -> None:
    moment = datetime(2022, 12, 12, 17, 0, tzinfo=UTC)
    assert local_time(moment, "America/Los_Angeles") == "Mon 12 Dec 2022 09:00 PST"
