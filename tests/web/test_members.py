"""The members' pages, driven as a browser without JavaScript drives them: plain form posts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from member_edition import CLOSED_AT, KEY
from member_steps import (
    HTML,
    Site,
    audit_actions,
    csrf_in,
    emailed_link,
    sign_in,
    site,
    token_of,
    turnout,
)
from web_helpers import TestClient

from browser.harness import body_text
from shortlist.service.clock import SimulatedClock
from shortlist.store.database import Database
from shortlist.web.settings import WebSettings

PICTURE = "/member/ballot/picture/final"


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


def press(client: TestClient, csrf: str, path: str, **fields: str | list[str]) -> str:
    """Submit a ballot form; the page that comes back (which must be a success)."""
    page = client.post(path, data={"csrf_token": csrf, **fields}, headers=HTML)
    assert page.status_code == 200, page.text
    return str(page.text)


def order_in(html: str) -> str:
    return html.split('name="order" value="', 1)[1].split('"', 1)[0]


def test_the_emailed_link_signs_in_once(client: TestClient, member_site: Site) -> None:
    path = emailed_link(member_site, "m01")
    first = client.get(path, headers=HTML)
    again = client.get(path, headers=HTML)  # opening the page (a mail scanner) spends nothing
    assert first.status_code == again.status_code == 200
    form = {"csrf_token": csrf_in(again.text), "token": token_of(path)}
    home = client.post("/member/sign-in", data=form, headers=HTML)
    assert home.status_code == 200 and "Member 1" in home.text
    with TestClient(member_site.app, raise_server_exceptions=False) as other:
        page = other.get(path, headers=HTML)
        form = {"csrf_token": csrf_in(page.text), "token": token_of(path)}
        replay = other.post("/member/sign-in", data=form, headers=HTML)
        assert replay.status_code == 401 and "already used" in replay.text
        assert other.get("/member", headers=HTML).status_code == 401
    assert audit_actions(member_site.database).count("member.sign-in-refused") == 1


def test_an_expired_or_forged_link_is_refused(client: TestClient, member_site: Site) -> None:
    path = emailed_link(member_site, "m01")
    member_site.clock.advance(hours=72)
    page = client.get(path, headers=HTML)
    form = {"csrf_token": csrf_in(page.text), "token": token_of(path)}
    assert "expired" in client.post("/member/sign-in", data=form, headers=HTML).text
    form["token"] = "forged-" + token_of(path)[7:]
    forged = client.post("/member/sign-in", data=form, headers=HTML)
    assert forged.status_code == 401 and "not one we sent" in forged.text
    assert audit_actions(member_site.database).count("member.sign-in-refused") == 2


def test_home_lists_only_rounds_open_to_the_member_in_their_time_zone(
    client: TestClient, member_site: Site
) -> None:
    sign_in(client, member_site, "m01")
    home = client.get("/member", headers=HTML).text
    assert "Best Picture" in home and "Best Song" in home and "Best Short" in home
    assert "Best Documentary" not in home  # the documentary branch only
    assert "Sat 01 Mar 2025 01:00 PST" in home  # 09:00 UTC in Los Angeles
    with TestClient(member_site.app, raise_server_exceptions=False) as other:
        sign_in(other, member_site, "m05")
        assert "Best Documentary" in other.get("/member", headers=HTML).text
    member_site.clock.set(CLOSED_AT)
    assert "No round is open to you" in client.get("/member", headers=HTML).text


def test_a_member_chooses_the_time_zone_their_windows_are_shown_in(
    client: TestClient, member_site: Site
) -> None:
    csrf = sign_in(client, member_site, "m01")
    unknown = client.post("/member/time-zone", data={"csrf_token": csrf, "zone": "Mars/Olympus"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "zone"
    home = press(client, csrf, "/member/time-zone", zone="Europe/Paris")
    assert "Sat 01 Mar 2025 10:00 CET" in home and "01:00 PST" not in home
    assert "Mon 03 Mar 2025 18:00 CET" in client.get(PICTURE, headers=HTML).text
    receipt = press(client, csrf, PICTURE + "/cast", order="tide")
    assert "CET" in receipt
    mail = member_site.smtp.mailbox.wait_for("m01@example.test", "receipt")
    assert "CET" in body_text(mail)


def test_ranking_by_plain_form_posts_review_cast_receipt_and_edit(
    client: TestClient, member_site: Site
) -> None:
    csrf = sign_in(client, member_site, "m01")
    page = client.get(PICTURE, headers=HTML).text
    assert "Ana Reyes" in page  # credits
    order = ""
    for action in ("add:quartz", "add:tide", "add:pinewood", "up:pinewood"):
        page = press(client, csrf, PICTURE, order=order, action=action)
        order = order_in(page)
    assert order == "quartz,pinewood,tide"
    assert 'id="up-pinewood" autofocus' in page  # focus stays on the control just pressed
    assert turnout(member_site.database, "picture") == 0  # nothing recorded yet
    summary = press(client, csrf, PICTURE, order=order, action="review")
    listed = re.findall(r"<li>([^<]+)</li>", summary.split('class="summary"', 1)[1])
    assert [t.strip() for t in listed[:3]] == ["Quartz", "The Pinewood", "Tide"]
    assert "2 entries not ranked" in summary
    changed = press(client, csrf, PICTURE, order=order, action="change")
    assert order_in(changed) == order
    receipt = press(client, csrf, PICTURE + "/cast", order=order)
    tracker = receipt.split('id="tracker">', 1)[1].split("<", 1)[0]
    assert "Your vote is cast" in receipt and "Edit your vote" in receipt
    mail = member_site.smtp.mailbox.wait_for("m01@example.test", "receipt")
    assert tracker in body_text(mail)
    assert turnout(member_site.database, "picture") == 1
    assert "Edit your vote" in client.get("/member", headers=HTML).text
    again = press(client, csrf, PICTURE + "/cast", order="tide")
    assert "Your vote is changed" in again and "replaces the one for your earlier vote" in again
    assert turnout(member_site.database, "picture") == 1


def test_a_recused_entry_cannot_be_ranked(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m02")
    page = client.get(PICTURE, headers=HTML).text
    assert "may not mark it (recusal)" in page and 'id="add-river"' not in page
    review = client.post(
        PICTURE, data={"csrf_token": csrf, "order": "river", "action": "review"}, headers=HTML
    )
    assert review.status_code == 422 and "recusal" in review.text
    cast = client.post(PICTURE + "/cast", data={"csrf_token": csrf, "order": "river"}, headers=HTML)
    assert cast.status_code == 422
    assert turnout(member_site.database, "picture") == 0
    assert audit_actions(member_site.database)[-1] == "ballot.refused"


def test_scores_behind_an_attestation(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    song = "/member/ballot/song/final"
    page = client.get(song, headers=HTML).text
    assert "I have watched the entries" in page and "Review your ballot" not in page
    unticked = client.post(song + "/attest", data={"csrf_token": csrf}, headers=HTML)
    assert unticked.status_code == 422
    page = press(client, csrf, song + "/attest", attest="yes")
    assert 'id="score-alpha"' in page
    summary = press(client, csrf, song, **{"score-alpha": "2", "score-bravo": "5"})
    assert summary.index("Bravo") < summary.index("Alpha") and "1 entry not scored" in summary
    out_of_range = client.post(
        song + "/cast", data={"csrf_token": csrf, "score-alpha": "9"}, headers=HTML
    )
    assert out_of_range.status_code == 422 and "outside 0..5" in out_of_range.text
    assert "Your vote is cast" in press(client, csrf, song + "/cast", **{"score-bravo": "5"})


def test_a_single_choice_behind_a_viewing_gate(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m05")
    documentary = "/member/ballot/documentary/final"
    page = client.get(documentary, headers=HTML).text
    assert 'id="watched-harbour"' in page and "Review your ballot" not in page
    page = press(client, csrf, documentary + "/viewing", watched="harbour")
    assert "Harbour (watched)" in page and 'type="radio"' in page
    summary = press(client, csrf, documentary, choice="ice")
    assert "Ice" in summary and "1 entry not chosen" in summary
    assert "Your vote is cast" in press(client, csrf, documentary + "/cast", choice="ice")


def test_a_category_the_member_may_not_vote_in_is_refused_and_audited(
    client: TestClient, member_site: Site
) -> None:
    csrf = sign_in(client, member_site, "m01")
    documentary = "/member/ballot/documentary/final"
    assert client.get(documentary, headers=HTML).status_code == 422
    cast = client.post(documentary + "/cast", data={"csrf_token": csrf, "choice": "ice"})
    assert cast.status_code == 422 and cast.json()["error"]["code"] == "ballot_refused"
    assert "electorate" in cast.json()["error"]["message"]
    assert turnout(member_site.database, "documentary") == 0
    assert audit_actions(member_site.database)[-1] == "ballot.refused"


def test_approvals_lock_on_submit(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    short = "/member/ballot/short/final"
    too_many = client.post(
        short, data={"csrf_token": csrf, "approve": ["uno", "dos", "tres"]}, headers=HTML
    )
    assert too_many.status_code == 422 and "too many approvals" in too_many.text
    receipt = press(client, csrf, short + "/cast", approve=["uno", "dos"])
    assert "does not allow changes" in receipt and "Edit your vote" not in receipt
    home = client.get("/member", headers=HTML).text
    assert "Your ballot is locked" in home and "short/final" not in home  # no link to it
    again = client.post(short + "/cast", data={"csrf_token": csrf, "approve": "tres"})
    assert again.status_code == 422 and "locked" in again.json()["error"]["message"]


def test_a_cast_after_close_changes_nothing(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    member_site.clock.set(CLOSED_AT + timedelta(seconds=1))
    cast = client.post(PICTURE + "/cast", data={"csrf_token": csrf, "order": "tide"})
    assert cast.status_code == 422 and "not open" in cast.json()["error"]["message"]
    assert turnout(member_site.database, "picture") == 0
    assert audit_actions(member_site.database)[-1] == "ballot.refused"


def test_tampered_forms_are_refused(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    for fields, message in (
        ({"order": "quartz,zzz"}, "not on this round's slate"),
        ({"order": "quartz,quartz"}, "more than once"),
        ({"order": "quartz,tide,salt,pinewood"}, "too many ranks"),
        ({"order": ""}, "marks no entry"),
    ):
        cast = client.post(PICTURE + "/cast", data={"csrf_token": csrf, **fields})
        assert cast.status_code == 422 and message in cast.json()["error"]["message"]
    in_page = client.post(
        PICTURE + "/cast", data={"csrf_token": csrf, "order": "quartz,zzz"}, headers=HTML
    )  # a browser gets its ballot back, saying what is wrong
    assert in_page.status_code == 422 and 'role="alert"' in in_page.text
    assert "not on this round" in in_page.text and "Review your ballot" in in_page.text
    bad_action = client.post(PICTURE, data={"csrf_token": csrf, "action": "add:"}, headers=HTML)
    assert bad_action.status_code == 422
    no_csrf = client.post(PICTURE + "/cast", data={"order": "tide"})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["code"] == "csrf_failed"
    huge = client.post(PICTURE + "/cast", data={"csrf_token": csrf, "order": "x" * 2_000_000})
    assert huge.status_code == 413
    assert turnout(member_site.database, "picture") == 0


def test_member_pages_need_a_signed_in_member(client: TestClient) -> None:
    page = client.get("/member", headers=HTML)
    assert page.status_code == 401 and "invitation" in page.text
    assert client.get(PICTURE).json()["error"]["code"] == "unauthenticated"


def test_signing_out_ends_the_session(client: TestClient, member_site: Site) -> None:
    csrf = sign_in(client, member_site, "m01")
    page = press(client, csrf, "/member/sign-out")
    assert "signed out" in page
    assert client.get("/member", headers=HTML).status_code == 401
    assert KEY not in page
