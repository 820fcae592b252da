"""The cast desk: casts arriving together are cast in one transaction, each with its own answer;
a refusal, a forged token or a member's second cast in the batch never touches the others."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from member_edition import KEY
from member_steps import Site, audit_actions, site, turnout

from shortlist.domain.errors import BallotRefused, NotFound
from shortlist.domain.model import BallotKind
from shortlist.domain.voting import Marks
from shortlist.service import access, member_rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web import cast_desk
from shortlist.web.cast_desk import LATER, Order, serve
from shortlist.web.errors import ApiError
from shortlist.web.settings import WebSettings

PICTURE = "/api/v1/member/rounds/picture/final/ballot"


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

    answers = asyncio.run(cast_all())
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
