"""Screenshots of the ballot and results pages at phone and desktop widths, for the README.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Runs what the browser tests run (``tests/browser``): the app served on a loopback port on a
temporary SQLite database seeded through the services, a local SMTP server, Debian's Chromium
(``scripts/ensure-chromium``). A member signs in from the e-mailed link and ranks three films by
keyboard; another round is voted on, closed, unsealed, counted and announced through the
services; then each page is captured at 390x844 (phone) and 1280x800 (desktop), whole page.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT / "tests")]

from harness import DESKTOP, PHONE, SmtpServer, body_text, launch_chromium  # noqa: E402
from keyboard import activate  # noqa: E402
from live_site import Site, serve  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from seed import DOCUMENTARY, EDITION_KEY, PICTURE  # noqa: E402

from sealing_steps import unseal  # noqa: E402
from shortlist.service import rounds  # noqa: E402

WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


def announce_documentary(site: Site) -> str:
    """Vote, close, unseal, count and announce Best Documentary; its results page's path."""
    ref = site.ref(DOCUMENTARY)
    with site.database.unit_of_work() as uow:
        rounds.open_round(uow, ref, site.clock, "screenshots")
    site.cast_simulated(DOCUMENTARY, len(site.members))
    with site.database.unit_of_work() as uow:
        rounds.close_round(uow, ref, site.clock, "screenshots", "screenshots: every vote is in")
    with site.database.unit_of_work() as uow:
        unseal(uow, ref, site.clock, "screenshots")
    with site.database.unit_of_work() as uow:
        rounds.count_round(uow, ref, site.clock, "screenshots")
    with site.database.unit_of_work() as uow:
        rounds.announce_round(uow, ref, site.clock, "screenshots")
    return f"/editions/{EDITION_KEY}/categories/{ref.category}/rounds/{ref.round}/results"


def member_ballot(page: Page, site: Site, smtp: SmtpServer) -> None:
    """Sign in from the invitation e-mail and rank three films by keyboard."""
    site.invite(site.voter.number)
    letter = body_text(smtp.mailbox.wait_for(site.voter.email, "invitation"))
    link = re.search(r"https?://\S+/member/sign-in\?token=\S+", letter)
    if link is None:
        raise SystemExit(f"screenshots: no sign-in link in the invitation:\n{letter}")
    page.goto(link.group(0))
    activate(page, "main button[type=submit]")
    activate(page, f"a[href='/member/ballot/{PICTURE[0]}/{PICTURE[1]}']")
    for key in ("river", "pinewood", "tide"):
        activate(page, f"#add-{key}")


def shoot(page: Page, name: str, out: Path) -> None:
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        page.evaluate("window.scrollTo(0, 0)")
        path = out / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shortlist-shots-") as tmp:
        smtp = SmtpServer().start()
        site = serve(f"sqlite:///{Path(tmp) / 'shortlist.db'}", smtp)
        try:
            results = announce_documentary(site)
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, Path(tmp) / "profile", DESKTOP)
                page = browser.pages[0]
                member_ballot(page, site, smtp)
                shoot(page, "ballot", out)
                page.goto(site.url + results)
                shoot(page, "results", out)
                browser.close()
        finally:
            site.stop()
            smtp.stop()


if __name__ == "__main__":
    main()
