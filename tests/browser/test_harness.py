"""The harness itself: Chromium starts, axe reports what is wrong, mail arrives."""

from __future__ import annotations

from pathlib import Path

import harness
import pytest
from harness import LiveServer, SmtpServer, body_text, check_accessible
from playwright.sync_api import Page

from shortlist.service.mail import Message, SmtpMailer

BROKEN = b"""<!doctype html><html><head><title>t</title></head><body><main>
<h1>Ballot</h1><img src="poster.png" id="poster"><button id="cast"></button></main></body></html>"""


async def broken_page(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200,  # type: ignore[operator]
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})  # fmt: skip
    await send({"type": "http.response.body", "body": BROKEN})  # type: ignore[operator]


def test_axe_lists_every_serious_violation_with_its_target(page: Page) -> None:
    server = LiveServer().start(broken_page)
    try:
        page.goto(server.url)
        with pytest.raises(AssertionError) as failure:
            check_accessible(page, "the broken page")
    finally:
        server.stop()
    report = str(failure.value)
    assert "the broken page" in report
    assert "image-alt" in report and "#poster" in report
    assert "button-name" in report and "#cast" in report
    assert "html-has-lang" in report


def test_smtp_server_receives_what_the_mailer_sends(smtp: SmtpServer) -> None:
    mailer = SmtpMailer(smtp.host, smtp.port, "awards@example.test")
    mailer.send(Message("m1@example.test", "Your sign-in link", "Open http://x/link/abc"))
    message = smtp.mailbox.wait_for("m1@example.test", "sign-in")
    assert "http://x/link/abc" in body_text(message)
    assert message["From"] == "awards@example.test"


def test_a_missing_chromium_is_an_error_naming_the_install_script(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(harness.ChromiumMissing, match="scripts/ensure-chromium"):
        harness.launch_chromium(None, tmp_path / "profile")  # type: ignore[arg-type]
