"""Steps shared by the members' web tests: an app on a loaded edition with every round open,
a real SMTP server for its mail, signing a member in from the e-mailed link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from member_edition import KEY, OPEN_AT, ROUNDS, edition, roll
from web_helpers import TestClient

from browser.harness import SmtpServer, body_text
from sealing_steps import open_sealed
from shortlist.service import access, editions
from shortlist.service.clock import SimulatedClock
from shortlist.service.mail import SmtpMailer
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

BASE = "http://testserver"
HTML = {"accept": "text/html"}


@dataclass
class Site:
    app: FastAPI
    database: Database
    clock: SimulatedClock
    smtp: SmtpServer
    mailer: SmtpMailer


@contextmanager
def site(settings: WebSettings, database: Database, clock: SimulatedClock) -> Iterator[Site]:
    """The member edition loaded, every round sealed and open, the app mailing through SMTP."""
    clock.set(OPEN_AT)
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition(), roll(), clock, "admin")
    for category, round_key in ROUNDS:
        with database.unit_of_work() as uow:
            open_sealed(uow, RoundRef(KEY, category, round_key), clock)
    smtp = SmtpServer().start()
    try:
        mailer = SmtpMailer(smtp.host, smtp.port, "awards@example.test")
        app = create_app(settings, database=database, clock=clock, mailer=mailer)
        yield Site(app, database, clock, smtp, mailer)
    finally:
        smtp.stop()


def emailed_link(site: Site, number: str) -> str:
    """Send ``number`` an invitation; the sign-in path (with its token) read from the e-mail."""
    seen = len([m for m in site.smtp.mailbox.messages if f"{number}@" in str(m["To"])])
    with site.database.unit_of_work() as uow:
        access.resend(uow, KEY, number, site.clock, site.mailer, BASE, "admin")
    text = body_text(site.smtp.mailbox.wait_for(f"{number}@example.test", "invitation", seen))
    found = re.search(re.escape(BASE) + r"(/member/sign-in\?token=\S+)", text)
    assert found, text
    return found.group(1)


def token_of(path: str) -> str:
    return path.split("token=", 1)[1]


def csrf_in(html: str) -> str:
    return html.split('<meta name="csrf-token" content="', 1)[1].split('"', 1)[0]


def sign_in(client: TestClient, site: Site, number: str) -> str:
    """Sign ``number`` in as a member would: open the e-mailed link, press "Sign in". The
    session's CSRF token."""
    page = client.get(emailed_link(site, number), headers=HTML)
    assert page.status_code == 200 and "Sign in" in page.text
    token = page.text.split('name="token" value="', 1)[1].split('"', 1)[0]
    done = client.post(
        "/member/sign-in", data={"csrf_token": csrf_in(page.text), "token": token}, headers=HTML
    )
    assert done.status_code == 200 and "Your rounds" in done.text, done.text
    return csrf_in(done.text)


def audit_actions(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return [e.action for e in uow.audit.entries()]


def turnout(database: Database, category: str) -> int:
    with database.unit_of_work() as uow:
        record = uow.rounds.find(KEY, category, "final")
        return uow.rounds.turnout(record.id)
