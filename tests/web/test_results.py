"""Public results: an announced round's page and API; nothing of a round before its announcement.

The edition of tests/service/small_edition.py runs through the services (sealed, cast, closed,
unsealed, counted): the directing final is announced with its full count, the picture
nominations are announced alphabetically, and the picture final is counted but not announced.
"""

from __future__ import annotations

import re
import sys
from fractions import Fraction
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "formats" / "report"))

from html_tree import Element, parse
from results_scenario import (
    DIRECTING,
    FINAL,
    MISSING,
    NO_EDITION,
    NOMINATIONS,
    announce_some,
    api_url,
    load,
    page_url,
)
from web_helpers import TestClient

from shortlist.formats.report import stylesheet
from shortlist.service import rounds
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database


@pytest.fixture
def announced(database: Database, clock: SimulatedClock) -> Database:
    """The edition with one round announced in full, one alphabetically, one only counted."""
    announce_some(database, clock)
    return database


def html(client, url: str) -> Element:
    response = client.get(url, headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    return parse(response.text)


def exact(cell: Element) -> Fraction:
    return Fraction(cell.find("span").attrs["data-exact"])


def test_the_api_gives_an_announced_rounds_outcome_and_full_count(announced, client):
    with announced.unit_of_work() as uow:
        published = rounds.announcement(uow, DIRECTING)
    body = client.get(api_url(DIRECTING)).json()
    assert body["publication"] == "full"
    assert [(e["key"], e["title"]) for e in body["outcome"]] == list(
        zip(published.keys, published.titles, strict=True)
    )
    assert body["result"] == published.result
    assert (
        body["category_name"] == published.category and body["round_name"] == published.round_name
    )


def test_an_alphabetical_round_publishes_its_outcome_only(announced, client):
    with announced.unit_of_work() as uow:
        published = rounds.announcement(uow, NOMINATIONS)
    body = client.get(api_url(NOMINATIONS)).json()
    assert body["publication"] == "alphabetical" and body["result"] is None
    assert [e["title"] for e in body["outcome"]] == list(published.titles)
    root = html(client, page_url(NOMINATIONS))
    main = root.find("main")
    outcome = main.find("section", **{"class": "report-outcome"})
    assert [li.text for li in outcome.find_all("li")] == list(published.titles)
    assert outcome.find_all("ul") and not outcome.find_all("ol")  # a list, not a ranking
    assert not main.find_all("table") and not main.find_all("svg")
    assert not main.find_all("ol", **{"class": "report-sentences"})


def test_the_round_page_leads_with_the_outcome_then_every_round(announced, client):
    with announced.unit_of_work() as uow:
        published = rounds.announcement(uow, DIRECTING)
        titles = {
            e.key: e.title for e in uow.editions.entries(rounds.find(uow, DIRECTING).category_id)
        }
    doc = published.result
    assert doc is not None
    main = html(client, page_url(DIRECTING)).find("main")
    sections = main.find_all("section")
    assert "report-outcome" in sections[0].attrs["class"]
    assert [li.text for li in sections[0].find_all("li")] == list(published.titles)
    sentences = main.find("ol", **{"class": "report-sentences"}).find_all("li")
    assert len(sentences) == len(doc["rounds"])
    table = main.find("table", **{"data-table": "rounds"})
    for rnd in doc["rounds"]:
        for key, value in rnd["tally"].items():
            row = table.find("tr", **{"data-candidate": key})
            assert row.find("th").text == titles[key]
            cell = row.find("td", **{"data-round": str(rnd["round"])})
            assert exact(cell) == Fraction(value)
        for key in rnd["eliminated"]:
            assert titles[key] in sentences[rnd["round"] - 1].text
    charts = main.find_all("svg", **{"data-chart": "bars"})
    assert len(charts) == len(doc["rounds"])
    assert all(c.attrs["role"] == "img" for c in charts)
    moved = sum(1 for r in doc["rounds"] if r["transfers"])
    assert len(main.find_all("svg", **{"data-chart": "sankey"})) == moved
    assert len(main.find_all("table", **{"data-table": "transfers"})) == moved


def test_the_pages_obey_the_content_security_policy(announced, client):
    response = client.get(page_url(DIRECTING), headers={"accept": "text/html"})
    assert "default-src 'self'" in response.headers["content-security-policy"]
    root = parse(response.text)
    assert not root.find_all("style")
    assert all("style" not in e.attrs for e in root.elements())
    for script in root.find_all("script"):
        assert script.attrs.get("src", "").startswith("/static/") and not script.text.strip()
    sheets = [link.attrs["href"] for link in root.find_all("link")]
    assert "/static/results.css" in sheets
    served = client.get("/static/results.css")
    assert served.status_code == 200 and served.text == stylesheet()


def normalised(response) -> tuple[int, bytes, dict[str, str]]:
    """A response with what differs per request and session taken out: the date, the session
    cookie's signed value and the session's CSRF token (none of them depends on the round)."""
    body = response.content
    token = re.search(rb'name="csrf-token" content="([^"]+)"', body)
    if token:
        body = body.replace(token.group(1), b"TOKEN")
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    if "set-cookie" in headers:
        headers["set-cookie"] = headers["set-cookie"].partition(";")[2]
    return response.status_code, body, headers


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_an_unannounced_round_is_the_same_404_as_a_missing_one(announced, app, accept):
    answers: dict[str, list[tuple[int, bytes, dict[str, str]]]] = {"api": [], "page": []}
    for ref in (FINAL, MISSING, NO_EDITION):
        for kind, url in (("api", api_url(ref)), ("page", page_url(ref))):
            with TestClient(app) as fresh:
                answers[kind].append(normalised(fresh.get(url, headers={"accept": accept})))
    for kind, seen in answers.items():
        assert seen[0][0] == 404, kind
        assert all(answer == seen[0] for answer in seen), kind
        assert b"counted" not in seen[0][1] and b"Salt" not in seen[0][1]


def test_the_edition_lists_only_announced_rounds(announced, client):
    main = html(client, "/editions/test-awards/results").find("main")
    links = {a.attrs["href"] for a in main.find_all("a")}
    assert links == {page_url(NOMINATIONS), page_url(DIRECTING)}
    listed = client.get("/api/v1/editions/test-awards/results").json()
    assert {(r["category"], r["round"]) for r in listed} == {
        (NOMINATIONS.category, NOMINATIONS.round),
        (DIRECTING.category, DIRECTING.round),
    }
    assert client.get("/api/v1/editions/no-such-awards/results").status_code == 404


def test_nothing_is_published_before_the_announcement(database, clock, client):
    load(database, clock)
    main = html(client, "/editions/test-awards/results").find("main")
    assert not main.find_all("a") and "No results" in main.text
    assert client.get(api_url(DIRECTING)).status_code == 404
