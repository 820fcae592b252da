"""An administrator runs a round from the browser: password + TOTP sign-in, a new sign-in link
e-mailed to a member, open, close (early, with a reason), unseal with two custodians' share
files, count, announce; then the public results page shows the outcome and the round's audit log
lists each act. axe runs on every page visited."""

from __future__ import annotations

from pathlib import Path

from harness import SmtpServer, body_text, check_page
from live_site import Site
from playwright.sync_api import Page, expect
from seed import DOCUMENTARIES, DOCUMENTARY, EDITION_KEY

from shortlist.methods import registry
from shortlist.methods.ballots import Profile

TITLES = {key: title for key, title, _ in DOCUMENTARIES}


def sign_in_as_administrator(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/admin/sign-in")
    check_page(page, "administrator sign-in (password)")
    page.get_by_label("Name").fill(site.administrator.name)
    page.get_by_label("Password").fill(site.administrator.password)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Code")).to_be_visible()
    check_page(page, "administrator sign-in (code)")
    page.get_by_label("Code").fill(site.totp_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/admin")
    check_page(page, "administrator dashboard")


def press(page: Page, button: str, status: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator("#round-status")).to_have_text(status)
    check_page(page, f"the round page once {status}")


def send_a_new_link(page: Page, site: Site, smtp: SmtpServer) -> None:
    """From the edition's page: "Invitations and reminders", one member gets a new link."""
    member = site.members[1]
    page.get_by_role("link", name="Invitations and reminders").click()
    check_page(page, "invitations and reminders")
    page.get_by_label("Member number").fill(member.number)
    page.get_by_role("button", name="Send a new link").click()
    expect(page.get_by_role("status")).to_contain_text("1 sent")
    check_page(page, "invitations and reminders, after sending")
    letter = body_text(smtp.mailbox.wait_for(member.email, "invitation"))
    assert f"{site.url}/member/sign-in?token=" in letter, letter
    page.get_by_role("link", name="Browser Awards 2026").click()


def run_round(page: Page, site: Site, smtp: SmtpServer, tmp_path: Path) -> list[list[str]]:
    page.get_by_role("link", name="Browser Awards 2026").click()
    expect(page).to_have_url(f"{site.url}/admin/editions/{EDITION_KEY}")
    check_page(page, "the edition's administration page")
    send_a_new_link(page, site, smtp)
    page.locator(f"a[href='/admin/rounds/{site.ref(DOCUMENTARY)}']").first.click()
    expect(page.locator("#round-status")).to_have_text("draft")
    check_page(page, "the round page in draft")
    press(page, "Open the round", "open")
    rankings = site.cast_simulated(DOCUMENTARY, 9)
    page.reload()
    expect(page.get_by_text(f"{len(rankings)} of {len(site.members)} have voted")).to_be_visible()
    page.get_by_label("Reason").fill("The jury finished early; all ballots are in.")
    press(page, "Close the round", "closed")
    page.get_by_label("Custodians' share files").set_input_files(
        site.share_files(DOCUMENTARY, tmp_path)
    )
    press(page, "Unseal the ballots", "unsealed")
    press(page, "Count the round", "counted")
    return rankings


def check_results(page: Page, site: Site, rankings: list[list[str]]) -> None:
    winner = registry.count(Profile.from_rankings(rankings), "irv").winners[0]
    results = f"{site.url}/editions/{EDITION_KEY}/categories/documentary/rounds/final/results"
    page.goto(results)
    check_page(page, "the results page")
    outcome = page.locator("main").inner_text()
    assert TITLES[winner] in outcome.split("Round 1")[0], f"{TITLES[winner]} not announced first"


def test_administrator_runs_a_round_to_its_announcement(
    page: Page, site: Site, smtp: SmtpServer, tmp_path: Path
) -> None:
    page.goto(site.url)
    check_page(page, "home page")
    sign_in_as_administrator(page, site)
    rankings = run_round(page, site, smtp, tmp_path)
    results = f"{site.url}/editions/{EDITION_KEY}/categories/documentary/rounds/final/results"
    hidden = page.request.get(results)
    assert hidden.status == 404, "a counted round's results are visible before its announcement"
    round_page = page.url
    press(page, "Announce the results", "announced")
    check_results(page, site, rankings)
    page.goto(round_page)
    expect(page.locator("#round-status")).to_have_text("announced")
    page.get_by_role("link", name="This round's audit log").click()
    check_page(page, "the round's audit log")
    acts = page.locator("tbody tr").all_inner_texts()
    by_ada = [row.split("\t")[2] for row in acts if row.split("\t")[1] == site.administrator.name]
    for act in ("round.open", "round.close-early", "round.unseal", "round.count", "round.announce"):
        assert act in by_ada, f"{act} by {site.administrator.name} missing from the audit log"


def test_administrator_signs_in_and_opens_a_round_on_postgresql(
    page: Page, site_on_postgres: Site
) -> None:
    sign_in_as_administrator(page, site_on_postgres)
    page.goto(f"{site_on_postgres.url}/admin/rounds/{site_on_postgres.ref(DOCUMENTARY)}")
    press(page, "Open the round", "open")
