"""What the browser tests (and ``scripts/screenshots.py``) run against: Debian's Chromium driven by
Playwright, the app served by Uvicorn on a loopback port, a real SMTP server, and axe-core.

Nothing here picks a port by guessing: the web and mail servers listen on sockets bound to port 0
before they start, so pytest-xdist workers never clash. Chromium gets a fresh profile
(``--user-data-dir``) and the switches that keep it off the network (this machine has none).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_SWITCHES = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SERIOUS = ("serious", "critical")


class ChromiumMissing(RuntimeError):
    """Debian's Chromium is not installed (``scripts/ensure-chromium`` installs it)."""


def launch_chromium(
    playwright: Playwright, profile: Path, viewport: dict[str, int] | None = None
) -> BrowserContext:
    """Headless Chromium on a fresh profile directory; :class:`ChromiumMissing` if absent."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(f"{CHROMIUM} is missing: run scripts/ensure-chromium")
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=list(CHROMIUM_SWITCHES),
        viewport=viewport or DESKTOP,  # type: ignore[arg-type]
        locale="en-GB",
        timezone_id="UTC",
    )


def loopback_socket() -> socket.socket:
    """A listening TCP socket on 127.0.0.1 at a port the kernel chose."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


# --- the web app ----------------------------------------------------------------------------


class LiveServer:
    """Uvicorn serving an app in a thread on its own loopback port (``url`` is known before the
    app is built, so the app's settings can name its own origin)."""

    def __init__(self) -> None:
        self.sock = loopback_socket()
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Any = None
        self.thread: threading.Thread | None = None

    def start(self, app: Any, wait: float = 30.0) -> LiveServer:
        import uvicorn

        config = uvicorn.Config(app, log_level="warning", lifespan="auto", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + wait
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the web app did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
        self.sock.close()


# --- mail -----------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """Every message the SMTP server accepted, parsed, in order of arrival."""

    messages: list[EmailMessage] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def deliver(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrived.notify_all()

    def clear(self) -> None:
        with self.arrived:
            self.messages.clear()

    def wait_for(
        self, to: str, subject: str = "", seen: int = 0, timeout: float = 15.0
    ) -> EmailMessage:
        """The first message to ``to`` (whose subject contains ``subject``) after the first
        ``seen`` such messages; fails listing what did arrive if none comes in ``timeout``."""

        def found() -> EmailMessage | None:
            hits = [m for m in self.messages if _is_for(m, to, subject)]
            return hits[seen] if len(hits) > seen else None

        with self.arrived:
            if self.arrived.wait_for(lambda: found() is not None, timeout=timeout):
                return found()  # type: ignore[return-value]
            arrived = [(m["To"], m["Subject"]) for m in self.messages]
        raise AssertionError(f"no message to {to} about {subject!r}; arrived: {arrived}")


def _is_for(message: EmailMessage, to: str, subject: str) -> bool:
    return (
        to.lower() in str(message["To"]).lower()
        and subject.lower() in str(message["Subject"]).lower()
    )


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a loopback port; what it receives lands in ``mailbox``."""

    def __init__(self) -> None:
        self.sock = loopback_socket()
        self.host, self.port = "127.0.0.1", self.sock.getsockname()[1]
        self.mailbox = Mailbox()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def start(self) -> SmtpServer:
        from aiosmtpd.smtp import SMTP

        handler = _Handler(self.mailbox.deliver)
        self.thread.start()
        made = asyncio.run_coroutine_threadsafe(
            self.loop.create_server(lambda: SMTP(handler, hostname="localhost"), sock=self.sock),
            self.loop,
        )
        self._server = made.result(timeout=10)
        return self

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class _Handler:
    def __init__(self, deliver: Callable[[bytes], None]) -> None:
        self.deliver = deliver

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        self.deliver(content if isinstance(content, bytes) else content.encode())
        return "250 Message accepted for delivery"


# --- accessibility --------------------------------------------------------------------------


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"{violation['impact']} {violation['id']} ({violation['help']}): {target}")
    return lines


def check_accessible(page: Page, what: str = "") -> None:
    """Fail listing every serious or critical axe violation on the page, with its target."""
    found = serious_violations(page)
    if found:
        where = what or page.url
        raise AssertionError(
            f"axe: {len(found)} serious/critical violation(s) on {where}:\n  " + "\n  ".join(found)
        )


def sideways_scroll(page: Page) -> int:
    """How many CSS pixels the document is wider than the window (> 0: it scrolls sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def check_page(page: Page, what: str) -> None:
    """axe finds nothing serious on the page, and it does not scroll sideways at this width."""
    check_accessible(page, what)
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px at {page.viewport_size}"
