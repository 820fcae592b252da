"""The members' API: a bearer token from a link or a session, rounds, a ballot paper, casting,
and every bad input answered in the one error shape with nothing changed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from member_edition import CLOSED_AT, KEY
from member_steps import Site, audit_actions, emailed_link, sign_in, site, token_of, turnout
from web_helpers import TestClient

from browser.harness import body_text
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.settings import WebSettings

PICTURE = "/api/v1/member/rounds/picture/final"


@pytest.fixture
def member_site(
    web_settings: WebSettings, database: Database, clock: SimulatedClock
) -> Iterator[Site]:
    settings = web_settings.model_copy(update={"casts_per_minute": 3})
    with site(settings, database, clock) as running:
        yield running


@pytest.fixture
def client(member_site: Site) -> Iterator[TestClient]:
    with TestClient(member_site.app, raise_server_exceptions=False) as test_client:
        yield test_client


def bearer_for(client: TestClient, member_site: Site, number: str) -> dict[str, str]:
    link = token_of(emailed_link(member_site, number))
    answer = client.post("/api/v1/member/token", json={"link": link})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["member"] == number and body["expires_in"] > 0
    return {"authorization": f"Bearer {body['token']}"}


def error_of(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    error: dict[str, Any] = answer.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


def test_a_member_casts_and_revises_through_the_api(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m02")
    rounds = client.get("/api/v1/member/rounds", headers=auth).json()
    assert {(r["category"], r["voted"]) for r in rounds} == {
        ("picture", False),
        ("song", False),
        ("short", False),
    }
    paper = client.get(PICTURE, headers=auth).json()
    assert paper["kind"] == "rank" and paper["max_ranks"] == 3
    assert [e["key"] for e in paper["entries"] if e["recused"]] == ["river"]
    assert paper["entries"][0]["credits"] == [{"person": "Ana Reyes", "role": "director"}]
    first = client.put(PICTURE + "/ballot", json={"ranking": ["tide", "salt"]}, headers=auth)
    assert first.status_code == 200 and not first.json()["revision"]
    mail = member_site.smtp.mailbox.wait_for("m02@example.test", "receipt")
    assert first.json()["tracker"] in body_text(mail) and first.json()["mailed"]
    second = client.post(PICTURE + "/ballot", json={"ranking": ["salt"]}, headers=auth)
    assert second.json()["revision"] and second.json()["tracker"] != first.json()["tracker"]
    assert turnout(member_site.database, "picture") == 1
    voted = {
        r["category"]: r["voted"] for r in client.get("/api/v1/member/rounds", headers=auth).json()
    }
    assert voted["picture"] and not voted["song"]


def test_forged_and_replayed_tokens_are_refused_and_audited(
    client: TestClient, member_site: Site
) -> None:
    link = token_of(emailed_link(member_site, "m01"))
    assert client.post("/api/v1/member/token", json={"link": link}).status_code == 200
    replay = error_of(client.post("/api/v1/member/token", json={"link": link}), 401)
    assert replay["code"] == "sign_in_refused" and "already used" in replay["message"]
    forged = {"authorization": "Bearer not-a-token"}
    error = error_of(
        client.put(PICTURE + "/ballot", json={"ranking": ["tide"]}, headers=forged), 401
    )
    assert error["code"] == "token_refused"
    assert error_of(client.get("/api/v1/member/rounds"), 401)["code"] == "unauthenticated"
    assert audit_actions(member_site.database).count("member.sign-in-refused") == 2
    assert turnout(member_site.database, "picture") == 0


def test_an_expired_bearer_token_is_refused(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m01")
    member_site.clock.advance(hours=12)
    assert "expired" in error_of(client.get("/api/v1/member/rounds", headers=auth), 401)["message"]


def test_bad_ballots_change_nothing(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m02")
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (PICTURE, {"scores": {"tide": 1}}, 422, "ranking"),  # the wrong kind of ballot
        (PICTURE, {"ranking": ["tide"], "choice": "tide"}, 422, "ranking"),  # two kinds at once
        (PICTURE, {"ranking": ["river"]}, 422, "recusal"),
        (PICTURE, {"ranking": ["tide", "tide"]}, 422, "more than once"),
        (PICTURE, {"ranking": ["zzz"]}, 422, "not on this round's slate"),
        (PICTURE, {"ranking": "tide"}, 422, "ranking"),  # a tampered type
        (PICTURE, {"ranking": ["tide"], "extra": 1}, 422, "extra"),
        ("/api/v1/member/rounds/documentary/final", {"choice": "ice"}, 422, "electorate"),
        ("/api/v1/member/rounds/nothing/final", {"ranking": ["tide"]}, 404, "nothing"),
    ]
    for path, body, status, words in cases:
        member_site.clock.advance(minutes=1)  # clear of the rate limit (3 a minute here)
        error = error_of(client.put(path + "/ballot", json=body, headers=auth), status)
        described = error["message"] + str(error.get("field")) + str(error.get("problems"))
        assert words in described, (body, error)
    assert turnout(member_site.database, "picture") == 0
    assert turnout(member_site.database, "documentary") == 0
    assert audit_actions(member_site.database)[-1] == "ballot.refused"


def test_a_cast_after_close_is_refused(client: TestClient, member_site: Site) -> None:
    member_site.clock.set(CLOSED_AT - timedelta(hours=1))
    auth = bearer_for(client, member_site, "m01")
    member_site.clock.set(CLOSED_AT)
    error = error_of(client.put(PICTURE + "/ballot", json={"ranking": ["tide"]}, headers=auth), 422)
    assert error["code"] == "ballot_refused" and "not open" in error["message"]
    assert turnout(member_site.database, "picture") == 0
    assert audit_actions(member_site.database)[-1] == "ballot.refused"


def test_an_oversized_body_is_refused(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m01")
    huge = {"ranking": ["tide"] * 300_000}
    error = error_of(client.put(PICTURE + "/ballot", json=huge, headers=auth), 413)
    assert error["code"] == "body_too_large"
    assert turnout(member_site.database, "picture") == 0


def test_casting_is_rate_limited(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m01")
    for _ in range(3):
        assert client.put(PICTURE + "/ballot", json={"ranking": ["tide"]}, headers=auth).is_success
    limited = client.put(PICTURE + "/ballot", json={"ranking": ["salt"]}, headers=auth)
    assert error_of(limited, 429)["code"] == "rate_limited" and limited.headers["retry-after"]


def test_a_signed_in_member_gets_a_token_from_the_session(
    client: TestClient, member_site: Site
) -> None:
    csrf = sign_in(client, member_site, "m03")
    assert error_of(client.post("/api/v1/member/token", json={}), 403)["code"] == "csrf_failed"
    answer = client.post("/api/v1/member/token", json={}, headers={"x-csrf-token": csrf})
    assert answer.status_code == 200 and answer.json()["member"] == "m03"
    auth = {"authorization": f"Bearer {answer.json()['token']}"}
    assert client.get("/api/v1/member/rounds", headers=auth).status_code == 200
    with TestClient(member_site.app, raise_server_exceptions=False) as stranger:
        error = error_of(
            stranger.post("/api/v1/member/token", json={}, headers={"x-csrf-token": "x"}), 403
        )
        assert error["code"] == "csrf_failed"


def test_refused_casts_count_against_the_rate_limit(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m01")
    for _ in range(3):  # the limit here is 3 a minute
        error_of(client.put(PICTURE + "/ballot", json={"ranking": ["zzz"]}, headers=auth), 422)
    limited = client.put(PICTURE + "/ballot", json={"ranking": ["tide"]}, headers=auth)
    assert error_of(limited, 429)["code"] == "rate_limited"
    assert turnout(member_site.database, "picture") == 0


def test_racing_casts_by_one_member_leave_one_ballot(client: TestClient, member_site: Site) -> None:
    auth = bearer_for(client, member_site, "m01")
    rankings = [["tide"], ["salt"], ["tide", "salt"]]  # three: the limit here is 3 a minute
    barrier = threading.Barrier(len(rankings))

    def cast(ranking: list[str]) -> Any:
        barrier.wait()
        return client.put(PICTURE + "/ballot", json={"ranking": ranking}, headers=auth)

    with ThreadPoolExecutor(len(rankings)) as pool:
        answers = list(pool.map(cast, rankings))
    assert [a.status_code for a in answers] == [200] * len(rankings), [a.text for a in answers]
    assert sorted(a.json()["revision"] for a in answers) == [False, True, True]
    with member_site.database.unit_of_work() as uow:
        record = uow.rounds.find(KEY, "picture", "final")
        stored = uow.ballots.trackers(record.id)
    assert turnout(member_site.database, "picture") == 1
    assert len(stored) == 1 and stored[0] in {a.json()["tracker"] for a in answers}
