"""The cast desk: casts arriving together are cast in one transaction, each with its own answer;
a refusal, a forged token or a member's second cast in the batch never touches the others."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from member_edition import KEY
from member_steps import Site, audit_actions, site, turnout
from web_helpers import TestClient

from shortlist.domain.errors import BallotRefused, NotFound
from shortlist.domain.model import BallotKind
from shortlist.domain.voting import Marks
from shortlist.service import access, member_rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web import cast_desk
from shortlist.web.app import create_app
from shortlist.web.cast_desk import LATER, Order, serve
from shortlist.web.errors import ApiError
from shortlist.web.settings import WebSettings

PICTURE = "/api/v1/member/rounds/picture/final/ballot"
JSON = "application/json"


@pytest.fixture
def member_site(
    web_settings: WebSettings, database: Database, clock: SimulatedClock
) -> Iterator[Site]:
    settings = web_settings.model_copy(update={"casts_per_minute": 2})
    with site(settings, database, clock) as running:
        yield running


def token(member_site: Site, member: str) -> str:
    with member_site.database.unit_of_work() as uow:
        return access.api_token(uow, KEY, member, member_site.clock)


def ranking(*keys: str) -> Any:
    def marks(kind: BallotKind) -> Marks:
        if kind is not BallotKind.RANK:
            raise ApiError(422, "invalid_request", "a rank ballot", field="ranking")
        return list(keys)

    return marks


def trackers(member_site: Site) -> list[str]:
    with member_site.database.unit_of_work() as uow:
        record = uow.rounds.find(KEY, "picture", "final")
        return uow.ballots.trackers(record.id)


def test_one_batch_gives_each_cast_its_own_answer(member_site: Site) -> None:
    m01, m02, m03, m04, m05 = (token(member_site, f"m0{i}") for i in range(1, 6))
    orders = [
        Order(m01, "picture", "final", ranking("tide", "salt")),
        Order(m02, "picture", "final", ranking("tide")),
        Order(m01, "picture", "final", ranking("salt")),  # m01 again: the next batch
        Order("forged", "picture", "final", ranking("tide")),
        Order(m03, "picture", "final", ranking("nothing-of-the-kind")),
        Order(m04, "documentary", "final", lambda kind: "any"),  # docs branch only
        Order(m05, "no-such", "final", ranking("tide")),
        Order(m02, "song", "final", ranking("tide")),  # m02 again, another round: next batch
    ]
    before = audit_actions(member_site.database).count("ballot.refused")
    outcomes = serve(member_site.app.state, orders)
    first, second = outcomes[0], outcomes[1]
    assert isinstance(first, member_rounds.Cast) and isinstance(second, member_rounds.Cast)
    assert first.mailed and second.mailed and not first.receipt.revision
    assert outcomes[2] is LATER and outcomes[7] is LATER
    assert isinstance(outcomes[3], ApiError) and outcomes[3].status == 401
    assert isinstance(outcomes[4], BallotRefused)
    assert isinstance(outcomes[5], BallotRefused) and "electorate" in str(outcomes[5])
    assert isinstance(outcomes[6], NotFound)
    assert sorted(trackers(member_site)) == sorted([first.receipt.tracker, second.receipt.tracker])
    assert turnout(member_site.database, "picture") == 2
    actions = audit_actions(member_site.database)
    assert actions.count("ballot.refused") == before + 2
    assert "member.sign-in-refused" in actions
    again = serve(member_site.app.state, [orders[2]])[0]
    assert isinstance(again, member_rounds.Cast) and again.receipt.revision
    assert turnout(member_site.database, "picture") == 2
    assert again.receipt.tracker in trackers(member_site)


def test_the_rate_limit_counts_each_cast_in_a_batch(member_site: Site) -> None:
    m01 = token(member_site, "m01")
    order = Order(m01, "picture", "final", ranking("tide"))
    answers = [serve(member_site.app.state, [order])[0] for _ in range(3)]
    assert isinstance(answers[0], member_rounds.Cast) and isinstance(answers[1], member_rounds.Cast)
    assert isinstance(answers[2], ApiError) and answers[2].status == 429


def test_casts_arriving_together_are_batched_and_all_kept(
    member_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = cast_desk.serve

    def counted(state: Any, orders: Any) -> Any:
        sizes.append(len(orders))
        return real(state, orders)

    monkeypatch.setattr(cast_desk, "serve", counted)
    members = ["m01", "m02", "m03", "m04"]
    tokens = {m: token(member_site, m) for m in members}

    async def cast_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=member_site.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            return await asyncio.gather(
                *(
                    c.put(
                        PICTURE,
                        json={"ranking": ["tide"]},
                        headers={"authorization": f"Bearer {tokens[m]}"},
                    )
                    for m in members
                )
            )

    with ThreadPoolExecutor(1) as thread:  # a loop of its own (another test's may be running)
        answers = thread.submit(lambda: asyncio.run(cast_all())).result()
    assert [a.status_code for a in answers] == [200] * len(members), [a.text for a in answers]
    assert sum(sizes) == len(members) and len(sizes) < len(members)
    assert sorted(trackers(member_site)) == sorted(a.json()["tracker"] for a in answers)


def test_a_batch_the_database_refuses_is_cast_again_one_by_one(
    member_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = voting.cast_many

    def refuses_batches(uow: Any, ref: Any, ballots: Any, clock: Any) -> Any:
        if len(ballots) > 1:
            raise RuntimeError("the database refused the batch")
        return real(uow, ref, ballots, clock)

    monkeypatch.setattr(voting, "cast_many", refuses_batches)
    desk = cast_desk.CastDesk(member_site.app.state)
    orders = [
        Order(token(member_site, m), "picture", "final", ranking("salt")) for m in ("m01", "m03")
    ]
    outcomes = desk._serve(orders)
    assert all(isinstance(o, member_rounds.Cast) for o in outcomes)
    assert turnout(member_site.database, "picture") == 2
    desk.close()


def test_the_fast_cast_answers_as_the_route_it_stands_for(member_site: Site) -> None:
    """The same requests, from two members with the same standing, to the app (which serves the
    cast route itself) and to the app without the fast path (the FastAPI route): the same
    statuses, bodies (trackers aside: every sealing differs) and headers."""
    settings = member_site.app.state.settings.model_copy(update={"casts_per_minute": 5})
    fast_app, route = (
        create_app(
            settings,
            database=member_site.database,
            clock=member_site.clock,
            mailer=member_site.mailer,
            fast_cast=fast,
        )
        for fast in (True, False)
    )
    requests: list[tuple[str, str, Any, str]] = [
        ("PUT", PICTURE, {"ranking": ["tide", "salt"]}, "application/json"),
        ("POST", PICTURE, {"ranking": ["salt"]}, "application/json; charset=utf-8"),
        ("PUT", PICTURE, {"scores": {"tide": 1}}, "application/json"),
        ("PUT", PICTURE, {"ranking": ["tide"], "extra": 1}, "application/json"),
        ("PUT", PICTURE, {"ranking": ["no-such-entry"]}, "application/json"),
        (
            "PUT",
            "/api/v1/member/rounds/no-such/final/ballot",
            {"ranking": ["tide"]},
            "application/json",
        ),
        ("PUT", PICTURE, {"ranking": ["tide"]}, "text/plain"),
        ("PUT", PICTURE, {"ranking": ["tide"]}, "application/json"),  # over the limit: 429
    ]

    def answers(app: Any, member: str, bearer: str | None = None) -> list[tuple[Any, ...]]:
        auth = {"authorization": f"Bearer {bearer or token(member_site, member)}"}
        found = []
        with TestClient(app, raise_server_exceptions=False) as client:
            for method, path, body, kind in requests:
                answer = client.request(
                    method, path, content=json.dumps(body), headers={**auth, "content-type": kind}
                )
                content = answer.json()
                if answer.status_code == 200:
                    content["tracker"] = len(content["tracker"])
                headers = {k: v for k, v in answer.headers.items() if k not in ("content-length",)}
                found.append((answer.status_code, content, headers))
        return found

    fast, slow = answers(fast_app, "m01"), answers(route, "m03")
    assert [a[0] for a in fast] == [200, 200, 422, 422, 422, 404, 422, 429]
    assert fast == slow
    forged = answers(fast_app, "", "forged")[0]
    assert forged[0] == 401 and forged == answers(route, "", "forged")[0]
