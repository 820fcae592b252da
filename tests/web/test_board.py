"""The public ballot board of a round: its page and API, and a voter's check of their tracker.

The small edition's nominations are sealed, opened and voted (one member changes their vote);
while the round is open its board is the same 404 as a round that does not exist; once closed,
the board lists exactly the trackers of the latest receipts, with a fingerprint recomputed here.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "formats" / "report"))

from html_tree import Element, parse
from member_edition import CLOSED_AT, KEY
from member_steps import HTML, sign_in, site
from results_scenario import DIRECTING, MISSING, NO_EDITION, NOMINATIONS, announce_some
from small_edition import at
from web_helpers import TestClient

from sealing_steps import open_sealed
from shortlist.service import rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database


@dataclass
class Voted:
    database: Database
    latest: list[str]  # the trackers of every voter's latest receipt
    replaced: str  # the tracker of a receipt its voter replaced by changing their vote


def board_url(ref: RoundRef) -> str:
    return f"/editions/{ref.edition}/categories/{ref.category}/rounds/{ref.round}/board"


def api(ref: RoundRef) -> str:
    return "/api/v1" + board_url(ref)


def expected_fingerprint(ref: RoundRef, trackers: list[str]) -> str:
    """shortlist-board/1, recomputed from its definition: a SHA-256 chain over sorted trackers."""
    link = hashlib.sha256(f"shortlist-board/1\n{ref}".encode()).hexdigest()
    for tracker in sorted(trackers):
        link = hashlib.sha256((link + tracker).encode()).hexdigest()
    return link


@pytest.fixture
def voted(loaded: Database, clock: SimulatedClock) -> Voted:
    """The nominations open, six members voted, d01 changed their vote; not closed yet."""
    clock.set(at("2025-01-10T09:00"))
    latest: dict[str, str] = {}
    with loaded.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)
        for i in range(1, 7):
            member = f"d{i:02d}"
            voting.record_viewing(uow, "test-awards", "picture", member, ["p", "s", "q"], clock)
            latest[member] = voting.cast(uow, NOMINATIONS, member, ["s", "q"], clock).tracker
        replaced = latest["d01"]
        latest["d01"] = voting.cast(uow, NOMINATIONS, "d01", ["p", "q"], clock).tracker
    assert replaced != latest["d01"]
    return Voted(loaded, list(latest.values()), replaced)


def close(voted: Voted, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-12T17:00"))
    with voted.database.unit_of_work() as uow:
        rounds.close_round(uow, NOMINATIONS, clock, "admin")


def normalised(response) -> tuple[int, bytes]:
    """Status and body, without the session's CSRF token (it does not depend on the round)."""
    body = response.content
    token = re.search(rb'name="csrf-token" content="([^"]+)"', body)
    if token:
        body = body.replace(token.group(1), b"TOKEN")
    return response.status_code, body


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_open_round_has_the_same_404_as_a_missing_one(voted, app, accept):
    tracker = voted.latest[0]
    for url in (board_url, api, lambda ref: api(ref) + "/" + tracker):
        seen = []
        for ref in (NOMINATIONS, MISSING, NO_EDITION):
            with TestClient(app) as fresh:
                seen.append(normalised(fresh.get(url(ref), headers={"accept": accept})))
        assert seen[0][0] == 404
        assert all(answer == seen[0] for answer in seen), url(NOMINATIONS)


def test_the_api_board_is_exactly_the_latest_receipts_after_close(voted, clock, client):
    close(voted, clock)
    body = client.get(api(NOMINATIONS)).json()
    assert body["trackers"] == sorted(voted.latest)
    assert body["count"] == len(voted.latest)
    assert body["fingerprint"] == expected_fingerprint(NOMINATIONS, voted.latest)
    with voted.database.unit_of_work() as uow:
        published = [e for e in uow.audit.entries() if e.action == "round.board"]
    assert [e.detail["fingerprint"] for e in published] == [body["fingerprint"]]


def test_the_api_checks_a_tracker(voted, clock, client):
    close(voted, clock)
    for tracker in voted.latest:
        answer = client.get(api(NOMINATIONS) + "/" + tracker).json()
        assert answer["on_board"] is True and answer["tracker"] == tracker
        assert answer["count"] == len(voted.latest)
    assert client.get(api(NOMINATIONS) + "/" + voted.replaced).json()["on_board"] is False
    shouted = client.get(api(NOMINATIONS) + "/" + voted.latest[0].upper()).json()
    assert shouted["on_board"] is True and shouted["tracker"] == voted.latest[0]


@pytest.mark.parametrize("typed", ["abc", "g" * 64, "0" * 63, "0" * 65, "%20"])
def test_a_malformed_tracker_is_422_in_the_one_error_shape(voted, clock, client, typed):
    close(voted, clock)
    response = client.get(api(NOMINATIONS) + "/" + typed)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and error["field"] == "tracker"
    assert "64 hexadecimal" in error["message"]
    assert [p["field"] for p in error["problems"]] == ["tracker"]


def page(client: TestClient, url: str, status: int = 200) -> Element:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, response.text
    return parse(response.text).find("main")


def test_the_page_shows_the_board_and_answers_the_check(voted, clock, client):
    close(voted, clock)
    main = page(client, board_url(NOMINATIONS))
    assert main.find(id="board-count").text == str(len(voted.latest))
    fingerprint = expected_fingerprint(NOMINATIONS, voted.latest)
    assert main.find(id="board-fingerprint").text == fingerprint
    form = main.find("form")
    assert form.attrs["method"] == "get" and form.attrs["action"] == board_url(NOMINATIONS)
    assert form.find("label").attrs["for"] == form.find("input").attrs["id"] == "tracker"
    assert form.find("input").attrs["name"] == "tracker"
    assert not main.find_all(id="board-answer")
    assert api(NOMINATIONS) in {a.attrs["href"] for a in main.find_all("a")}
    for tracker in voted.latest:
        answer = page(client, f"{board_url(NOMINATIONS)}?tracker={tracker}").find(id="board-answer")
        assert "Yes: your tracker is on the board" in answer.text and tracker in answer.text
    spaced = " ".join(re.findall(".{8}", voted.latest[1].upper()))
    answer = page(client, f"{board_url(NOMINATIONS)}?tracker={spaced}").find(id="board-answer")
    assert "Yes" in answer.text
    answer = page(client, f"{board_url(NOMINATIONS)}?tracker={voted.replaced}").find(
        id="board-answer"
    )
    assert "No: this tracker is not on the board" in answer.text


def test_the_page_explains_a_malformed_tracker(voted, clock, client):
    close(voted, clock)
    main = page(client, f"{board_url(NOMINATIONS)}?tracker=not-a-tracker", status=422)
    field = main.find("input", id="tracker")
    assert field.attrs["aria-invalid"] == "true" and field.attrs["value"] == "not-a-tracker"
    problem = main.find(id=field.attrs["aria-describedby"])
    assert "64 hexadecimal" in problem.text
    assert not main.find_all(id="board-answer")
    hostile = client.get(board_url(NOMINATIONS), params={"tracker": '"><b id="x">'}, headers=HTML)
    assert hostile.status_code == 422 and '<b id="x">' not in hostile.text


def test_the_results_page_links_to_the_board(database, clock, client):
    announce_some(database, clock)
    url = "/editions/test-awards/categories/directing/rounds/final/results"
    links = {a.attrs["href"] for a in page(client, url).find_all("a")}
    assert board_url(DIRECTING) in links
    main = page(client, board_url(DIRECTING))
    with database.unit_of_work() as uow:
        voted = uow.ballots.trackers(
            uow.rounds.find(DIRECTING.edition, DIRECTING.category, DIRECTING.round).id
        )
    assert main.find(id="board-count").text == str(len(voted))


def test_a_member_follows_the_receipt_to_the_board(web_settings, database, clock):
    with (
        site(web_settings, database, clock) as running,
        TestClient(running.app, raise_server_exceptions=False) as member,
    ):
        csrf = sign_in(member, running, "m01")
        ballot = "/member/ballot/picture/final"
        receipt = member.post(
            ballot + "/cast", data={"csrf_token": csrf, "order": "tide"}, headers=HTML
        )
        assert receipt.status_code == 200, receipt.text
        main = parse(receipt.text).find("main")
        tracker = main.find(id="tracker").text
        link = main.find("a", id="board-link").attrs["href"]
        assert link == board_url(RoundRef(KEY, "picture", "final"))
        assert member.get(f"{link}?tracker={tracker}", headers=HTML).status_code == 404
        running.clock.set(CLOSED_AT)
        with running.database.unit_of_work() as uow:
            rounds.close_round(uow, RoundRef(KEY, "picture", "final"), running.clock, "admin")
        answer = page(member, f"{link}?tracker={tracker}").find(id="board-answer")
        assert "Yes: your tracker is on the board" in answer.text
