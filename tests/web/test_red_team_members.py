"""An adversarial review of the members' side: an Authorization header must not switch off the
CSRF check of a request that the session cookie authenticates."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from member_steps import Site, audit_actions, emailed_link, sign_in, site, token_of, turnout
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


def _bearer(client: TestClient, member_site: Site, number: str) -> dict[str, str]:
    link = token_of(emailed_link(member_site, number))
    answer = client.post("/api/v1/member/token", json={"link": link})
    assert answer.status_code == 200, answer.text
    return {"authorization": f"Bearer {answer.json()['token']}"}


def test_an_oversized_chunked_body_without_a_length_is_refused(
    client: TestClient, member_site: Site
) -> None:
    auth = _bearer(client, member_site, "m01")
    limit = member_site.app.state.settings.max_body_bytes
    piece = b'"tide",' * 1000

    def chunks() -> Iterator[bytes]:
        yield b'{"ranking": ['
        for _ in range(limit // len(piece) + 2):
            yield piece
        yield b'"tide"]}'

    headers = {**auth, "content-type": "application/json"}
    answer = client.put(
        "/api/v1/member/rounds/picture/final/ballot", content=chunks(), headers=headers
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"
    assert turnout(member_site.database, "picture") == 0


def _refused(
    client: TestClient, path: str, body: dict[str, object], auth: dict[str, str], site: Site
) -> str:
    """Cast ``body``; it must be refused (422, in the one error shape): its message."""
    site.clock.advance(minutes=1)  # clear of the rate limit
    answer = client.put(path, json=body, headers=auth)
    assert answer.status_code == 422, (body, answer.text)
    assert set(answer.json()) == {"error"}, answer.json()
    return str(answer.json()["error"]["message"])


SONG = "/api/v1/member/rounds/song/final/ballot"
SHORT = "/api/v1/member/rounds/short/final/ballot"


def test_tampered_api_ballots_of_every_kind_change_nothing(
    client: TestClient, member_site: Site
) -> None:
    auth = _bearer(client, member_site, "m04")
    assert "attest" in _refused(client, SONG, {"scores": {"alpha": 2}}, auth, member_site)
    for body, words in (
        ({"approvals": ["uno", "uno"]}, "more than once"),
        ({"approvals": ["uno", "dos", "tres"]}, "too many"),
        ({"approvals": ["zzz"]}, "not on this round's slate"),
        ({"approvals": []}, "marks no entry"),
    ):
        assert words in _refused(client, SHORT, body, auth, member_site)
    csrf = sign_in(client, member_site, "m04")
    attest = client.post(
        "/member/ballot/song/final/attest", data={"csrf_token": csrf, "attest": "yes"}
    )
    assert attest.status_code == 200
    for body in ({"alpha": True}, {"alpha": 10**40}, {"alpha": -1}, {"zzz": 1}):
        assert "attest" not in _refused(client, SONG, {"scores": body}, auth, member_site)
    assert turnout(member_site.database, "song") == 0
    assert turnout(member_site.database, "short") == 0
    assert audit_actions(member_site.database).count("ballot.refused") >= 8
