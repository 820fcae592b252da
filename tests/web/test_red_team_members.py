"""An adversarial review of the members' side: an Authorization header must not switch off the
CSRF check of a request that the session cookie authenticates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from member_steps import Site, audit_actions, sign_in, site, turnout
from web_helpers import TestClient

from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.settings import WebSettings

PICTURE = "/member/ballot/picture/final"
JUNK = {"authorization": "Bearer not-a-token"}


@pytest.fixture
def member_site(
    web_settings: WebSettings, database: Database, clock: SimulatedClock
) -> Iterator[Site]:
    with site(web_settings, database, clock) as running:
        yield running


@pytest.fixture
def client(member_site: Site) -> Iterator[TestClient]:
    with TestClient(member_site.app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_junk_bearer_header_does_not_stand_in_for_the_csrf_token(
    client: TestClient, member_site: Site
) -> None:
    sign_in(client, member_site, "m01")
    actions = audit_actions(member_site.database)
    cast = client.post(PICTURE + "/cast", data={"order": "tide"}, headers=JUNK)
    assert cast.status_code in (401, 403), cast.text
    assert turnout(member_site.database, "picture") == 0
    token = client.post("/api/v1/member/token", json={}, headers=JUNK)
    assert token.status_code in (401, 403), token.text
    assert audit_actions(member_site.database) == actions  # no token issued, nothing cast
    assert client.get("/member").status_code == 200  # the member's own session is untouched
