"""A member votes on a phone-sized window by keyboard only: signs in from the e-mailed link, ranks
five films with Tab and Space/Enter, reviews the summary, casts, edits the vote and sees the
receipt. Arrow keys and focus record nothing. On every page axe finds nothing serious and nothing
scrolls sideways; the sealed box (opened without changing anything) holds exactly what was cast."""

from __future__ import annotations

import random
import re

from harness import PHONE, SmtpServer, body_text, check_page
from keyboard import activate, tab_to
from live_site import Site
from playwright.sync_api import Page, expect
from seed import FILMS, PICTURE

from sealing_steps import peek

TITLES = {key: title for key, title, _ in FILMS}
BALLOT = f"a[href='/member/ballot/{PICTURE[0]}/{PICTURE[1]}']"


def sign_in_from_the_emailed_link(page: Page, site: Site, smtp: SmtpServer) -> None:
    voter = site.voter
    site.invite(voter.number)
    letter = smtp.mailbox.wait_for(voter.email, "invitation")
    link = re.search(r"https?://\S+/member/sign-in\?token=\S+", body_text(letter))
    assert link, f"no sign-in link in the invitation:\n{body_text(letter)}"
    page.goto(link.group(0))
    check_page(page, "member sign-in (from the link)")
    activate(page, "main button[type=submit]")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your rounds")
    check_page(page, "member home")


def rank_by_keyboard(page: Page, wanted: list[str]) -> None:
    """Rank ``wanted`` (entry keys) in order: rank all but the last, rank the last, then move it
    up one place (so "Move up" is pressed too); Space and Enter alternate."""
    order = [*wanted[:-2], wanted[-1], wanted[-2]]
    for i, key in enumerate(order):
        activate(page, f"#add-{key}", "Space" if i % 2 else "Enter")
        expect(page.locator(".ranking li")).to_have_count(i + 1)
    expect(page.locator("#review")).to_be_focused()  # the ballot is full: review comes next
    activate(page, f"#up-{wanted[-2]}", "Space")
    expect(page.locator(f"#up-{wanted[-2]}")).to_be_focused()  # the focus stays with the entry
    expect(page.locator(".ranking .title")).to_have_text([TITLES[k] for k in wanted])


def arrow_keys_change_nothing(page: Page, site: Site) -> None:
    """Focus and arrow keys on the ballot's controls neither submit nor record anything."""
    ranked = page.locator(".ranking li").count()
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))
    for selector in ("#review", "button[id^=add-]", "button[id^=remove-]"):
        tab_to(page, selector)
        for key in ("ArrowDown", "ArrowUp", "ArrowRight", "ArrowLeft", "Home", "End"):
            page.keyboard.press(key)
    page.wait_for_load_state()
    assert not loads, f"arrow keys loaded {loads}"
    expect(page.locator(".ranking li")).to_have_count(ranked)
    assert not box(site), "a ballot was recorded by focus or arrow keys"


def review_and_cast(page: Page, site: Site, wanted: list[str], ballots_before: int) -> str:
    activate(page, "#review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your ballot")
    check_page(page, "ballot summary")
    expect(page.locator("ol.summary li")).to_have_text([TITLES[k] for k in wanted])
    unranked = len(TITLES) - len(wanted)
    expect(page.get_by_role("status")).to_contain_text(f"{unranked} ")
    assert len(box(site)) == ballots_before, "something was recorded before 'Cast your vote'"
    activate(page, "#cast", "Space")
    check_page(page, "receipt")
    tracker = page.locator("#tracker").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", tracker), f"tracker {tracker!r}"
    return tracker


def box(site: Site) -> list[object]:
    with site.database.unit_of_work() as uow:
        return peek(uow, site.ref(PICTURE))


def test_member_votes_and_edits_the_vote_by_keyboard_only(
    page: Page, site: Site, smtp: SmtpServer
) -> None:
    chooser = random.Random(2026)
    first = chooser.sample(sorted(TITLES), 5)
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    sign_in_from_the_emailed_link(page, site, smtp)
    activate(page, BALLOT)
    check_page(page, "empty ballot")
    activate(page, f"#add-{first[0]}")
    arrow_keys_change_nothing(page, site)
    activate(page, f"#remove-{first[0]}", "Space")
    expect(page.locator(".ranking li")).to_have_count(0)
    rank_by_keyboard(page, first)
    check_page(page, "ballot with five ranked")
    tracker = review_and_cast(page, site, first, ballots_before=0)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is cast")
    assert [list(marks) for marks in box(site)] == [first]  # type: ignore[call-overload]
    receipt = smtp.mailbox.wait_for(site.voter.email, "receipt")
    assert tracker in body_text(receipt)

    second = chooser.sample(sorted(TITLES), 5)
    expect(page.locator(f"main {BALLOT}")).to_have_text("Edit your vote")
    activate(page, f"main {BALLOT}")
    expect(page.get_by_text("You have voted in this round")).to_be_visible()
    check_page(page, "ballot when editing")
    rank_by_keyboard(page, second)
    revised = review_and_cast(page, site, second, ballots_before=1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your vote is changed")
    assert revised != tracker
    assert [list(marks) for marks in box(site)] == [second]  # type: ignore[call-overload]

    page.goto(f"{site.url}/member")
    check_page(page, "member home after voting")
    expect(page.locator(BALLOT)).to_contain_text("Edit your vote")
