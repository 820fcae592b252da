"""Administrators' mail to members from the site: invitations, a new link, reminders; each
through the real SMTP server, each in the audit log; observers may look but not send."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from member_steps import HTML, Site, audit_actions, site
from web_helpers import TestClient, csrf_of, sign_in

from browser.harness import body_text, loopback_socket
from shortlist.service import voting
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SimulatedClock
from shortlist.service.mail import SmtpMailer
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

MAIL = "/admin/editions/member-awards/members"


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


def test_an_administrator_invites_resends_and_reminds(
    client: TestClient, member_site: Site, administrator: NewAdministrator
) -> None:
    sign_in(client, administrator, member_site.clock)
    csrf = csrf_of(client)
    page = client.get(MAIL, headers=HTML)
    assert page.status_code == 200 and "5 voting members" in page.text
    sent = client.post(MAIL + "/invite", data={"csrf_token": csrf}, headers=HTML)
    assert sent.status_code == 200 and "Invitations: 5 sent" in sent.text
    for number in ("m01", "m02", "m03", "m04", "m05"):
        text = body_text(member_site.smtp.mailbox.wait_for(f"{number}@example.test", "invitation"))
        assert "/member/sign-in?token=" in text
    again = client.post(MAIL + "/resend", data={"csrf_token": csrf, "member": "m03"}, headers=HTML)
    assert "A new sign-in link: 1 sent" in again.text
    member_site.smtp.mailbox.wait_for("m03@example.test", "invitation", seen=1)
    with member_site.database.unit_of_work() as uow:
        voting.cast(
            uow, RoundRef("member-awards", "picture", "final"), "m01", ["tide"], member_site.clock
        )
    reminded = client.post(MAIL + "/remind", data={"csrf_token": csrf}, headers=HTML)
    assert "Reminders: 5 sent" in reminded.text  # m01 still has song and short to vote in
    text = body_text(member_site.smtp.mailbox.wait_for("m01@example.test", "reminder"))
    assert "Best Song" in text and "Best Picture" not in text
    actions = audit_actions(member_site.database)
    assert {"members.invite", "members.resend", "members.remind"} <= set(actions)
    unknown = client.post(MAIL + "/resend", data={"csrf_token": csrf, "member": "zz"}, headers=HTML)
    assert unknown.status_code == 404


def test_an_observer_may_look_but_not_send(
    client: TestClient, member_site: Site, observer: NewAdministrator
) -> None:
    sign_in(client, observer, member_site.clock)
    assert client.get(MAIL, headers=HTML).status_code == 200
    refused = client.post(MAIL + "/invite", data={"csrf_token": csrf_of(client)})
    assert refused.status_code == 403
    assert member_site.smtp.mailbox.messages == []
    assert "members.invite" not in audit_actions(member_site.database)


def test_nobody_signed_in_sends_nothing(client: TestClient, member_site: Site) -> None:
    assert client.post(MAIL + "/invite", data={"csrf_token": csrf_of(client)}).status_code == 401
    assert client.post(MAIL + "/invite").status_code == 403  # no CSRF token
    assert member_site.smtp.mailbox.messages == []


def test_a_refused_delivery_is_reported_on_the_page(
    web_settings: WebSettings,
    member_site: Site,
    administrator: NewAdministrator,
) -> None:
    closed = loopback_socket()  # bound, never accepting: the mail server "refuses"
    try:
        mailer = SmtpMailer("127.0.0.1", closed.getsockname()[1], "a@example.test", timeout=5)
        app = create_app(
            web_settings, database=member_site.database, clock=member_site.clock, mailer=mailer
        )
        with TestClient(app, raise_server_exceptions=False) as client:
            sign_in(client, administrator, member_site.clock)
            data = {"csrf_token": csrf_of(client), "member": "m02"}
            page = client.post(MAIL + "/resend", data=data, headers=HTML)
    finally:
        closed.close()
    assert page.status_code == 200 and "A new sign-in link: 0 sent" in page.text
    assert "refused delivery to: m02" in page.text
    assert audit_actions(member_site.database)[-1] == "members.resend-failed"
