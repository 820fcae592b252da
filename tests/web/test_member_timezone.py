"""Windows on the member's pages are shown in the member's time zone from the roll, unless the
member picks another; without either, in the edition's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from member_edition import KEY
from member_steps import HTML, Site, csrf_in, sign_in, site
from web_helpers import TestClient

from browser.harness import body_text
from shortlist.domain.roll import read_roll, write_roll
from shortlist.domain.times import human
from shortlist.service import editions
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.settings import WebSettings

OPENS = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # every round of the member edition
TOKYO, PARIS = ZoneInfo("Asia/Tokyo"), ZoneInfo("Europe/Paris")


@pytest.fixture
def member_site(
    web_settings: WebSettings, database: Database, clock: SimulatedClock
) -> Iterator[Site]:
    """The member edition, member m01 given Asia/Tokyo by a re-imported roll CSV."""
    with site(web_settings, database, clock) as running:
        with database.unit_of_work() as uow:
            m01 = uow.editions.member(uow.editions.id_of(KEY), "m01")
            roll = read_roll("roll.csv", text=write_roll([replace(m01, timezone="Asia/Tokyo")]))
            editions.import_members(uow, KEY, roll, clock, "admin")
        yield running


@pytest.fixture
def client(member_site: Site) -> Iterator[TestClient]:
    with TestClient(member_site.app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_windows_are_shown_in_the_rolls_zone(client: TestClient, member_site: Site) -> None:
    sign_in(client, member_site, "m01")
    home = client.get("/member", headers=HTML).text
    edition_zone = ZoneInfo(member_site_edition_zone(member_site))
    assert human(OPENS.astimezone(TOKYO)) in home
    assert human(OPENS.astimezone(edition_zone)) not in home
    with TestClient(member_site.app, raise_server_exceptions=False) as other:
        sign_in(other, member_site, "m02")  # no zone on the roll: the edition's
        assert human(OPENS.astimezone(edition_zone)) in other.get("/member", headers=HTML).text


def test_the_members_own_pick_wins_over_the_roll(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    form = {"csrf_token": csrf, "zone": "Europe/Paris"}
    home = client.post("/member/time-zone", data=form, headers=HTML).text
    assert human(OPENS.astimezone(PARIS)) in home
    assert human(OPENS.astimezone(TOKYO)) not in home


def test_the_receipt_email_is_in_the_rolls_zone(client: TestClient, member_site: Site) -> None:
    sign_in(client, member_site, "m01")
    page = client.get("/member/ballot/picture/final", headers=HTML)
    form = {"csrf_token": csrf_in(page.text), "order": "tide"}
    receipt = client.post("/member/ballot/picture/final/cast", data=form, headers=HTML)
    assert receipt.status_code == 200, receipt.text
    mail = member_site.smtp.mailbox.wait_for("m01@example.test", "receipt")
    assert OPENS.astimezone(TOKYO).tzname() in body_text(mail)


def member_site_edition_zone(member_site: Site) -> str:
    with member_site.database.unit_of_work() as uow:
        return uow.editions.get(KEY).timezone
