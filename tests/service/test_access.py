"""Members' access: invitations through a real SMTP server, one-time links, API tokens,
reminders to those who have not voted, the rounds open to a member, receipts by e-mail."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from small_edition import EDITION, at, roll

from browser.harness import SmtpServer, body_text, loopback_socket
from sealing_steps import open_sealed
from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import BallotRefused
from shortlist.service import access, editions, member_rounds, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.mail import MailError, Message, Outbox, SmtpMailer
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database

BASE = "https://awards.example.test"
NOMINATIONS = RoundRef("test-awards", "picture", "nominations")
LA = "America/Los_Angeles"


def address(number: str) -> str:
    return f"{number}@example.test"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailer(smtp: SmtpServer) -> SmtpMailer:
    return SmtpMailer(smtp.host, smtp.port, "awards@example.test")


@pytest.fixture
def edition_la() -> str:
    """The small edition's text, its windows shown in Los Angeles."""
    return EDITION.replace('timezone = "UTC"', f'timezone = "{LA}"')


@pytest.fixture
def members(database: Database, clock: SimulatedClock, edition_la: str) -> Database:
    """The small edition (in Los Angeles), every member with an address but d10 (who has
    none)."""
    edition = read_edition("test.toml", text=edition_la)
    people = [replace(m, email="" if m.number == "d10" else address(m.number)) for m in roll()]
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition, people, clock, "admin")
    return database


def open_nominations(database: Database, clock: SimulatedClock) -> None:
    clock.set(at("2025-01-10T10:00"))
    with database.unit_of_work() as uow:
        open_sealed(uow, NOMINATIONS, clock)


def vote(database: Database, clock: SimulatedClock, member: str) -> voting.Receipt:
    with database.unit_of_work() as uow:
        voting.record_viewing(uow, "test-awards", "picture", member, ["p", "q"], clock)
    with database.unit_of_work() as uow:
        return voting.cast(uow, NOMINATIONS, member, ["p", "q"], clock)


def token_in(text: str) -> str:
    found = re.search(r"/member/sign-in\?token=([A-Za-z0-9_\-%]+)", text)
    assert found, text
    return found.group(1)


def refusals(database: Database) -> list[str]:
    with database.unit_of_work() as uow:
        return [e.reason for e in uow.audit.entries() if e.action == "member.sign-in-refused"]


def test_invitations_go_through_smtp_to_voting_members_with_an_address(
    members: Database, clock: SimulatedClock, smtp: SmtpServer, mailer: SmtpMailer
) -> None:
    with members.unit_of_work() as uow:
        mailing = access.invite(uow, "test-awards", clock, mailer, BASE, "admin")
    voting_members = [m.number for m in roll() if m.status.votes]
    assert sorted(mailing.sent) == sorted(n for n in voting_members if n != "d10")
    assert mailing.skipped == ("d10",) and mailing.failed == ()
    assert "e01" not in mailing.sent  # emeritus members do not vote
    message = smtp.mailbox.wait_for(address("d01"), "invitation")
    assert message["From"] == "awards@example.test"
    assert "Test Awards" in body_text(message) and BASE + "/member/sign-in?token=" in body_text(
        message
    )
    assert len(smtp.mailbox.messages) == len(mailing.sent)
    with members.unit_of_work() as uow:
        entry = [e for e in uow.audit.entries() if e.action == "members.invite"][-1]
    assert entry.detail == {"to": len(mailing.sent), "skipped": ["d10"]}


def test_a_link_signs_in_once_and_a_second_use_is_refused_and_audited(
    members: Database, clock: SimulatedClock, smtp: SmtpServer, mailer: SmtpMailer
) -> None:
    with members.unit_of_work() as uow:
        access.resend(uow, "test-awards", "d01", clock, mailer, BASE, "admin")
    token = token_in(body_text(smtp.mailbox.wait_for(address("d01"))))
    with members.unit_of_work() as uow:
        signed_in = access.redeem(uow, token, clock)
    assert signed_in == access.SignedIn("test-awards", "d01", "Director 1")
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="already used"):
        access.redeem(uow, token, clock)
    assert any("already used" in r for r in refusals(members))


def test_an_expired_link_is_refused(members: Database, clock: SimulatedClock) -> None:
    with members.unit_of_work() as uow:
        url = access.sign_in_link(uow, "test-awards", "d02", clock, BASE, ttl=timedelta(hours=72))
    clock.advance(hours=72)
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="expired"):
        access.redeem(uow, token_in(url), clock)
    assert any("expired" in r for r in refusals(members))


def test_a_link_just_before_expiry_still_works(members: Database, clock: SimulatedClock) -> None:
    with members.unit_of_work() as uow:
        url = access.sign_in_link(uow, "test-awards", "d02", clock, BASE)
    clock.advance(hours=71, minutes=59)
    with members.unit_of_work() as uow:
        assert access.redeem(uow, token_in(url), clock).member == "d02"


def test_a_forged_link_is_refused_and_audited_and_nothing_else_changes(
    members: Database, clock: SimulatedClock
) -> None:
    with members.unit_of_work() as uow:
        url = access.sign_in_link(uow, "test-awards", "d03", clock, BASE)
    forged = token_in(url)[:-2] + ("AA" if not token_in(url).endswith("AA") else "BB")
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="not one we"):
        access.redeem(uow, forged, clock)
    assert refusals(members) == ["this sign-in link is not one we sent"]
    with members.unit_of_work() as uow:  # the real link is untouched
        assert access.redeem(uow, token_in(url), clock).member == "d03"


def test_a_link_exchanged_for_an_api_token_cannot_be_used_again(
    members: Database, clock: SimulatedClock
) -> None:
    with members.unit_of_work() as uow:
        url = access.sign_in_link(uow, "test-awards", "a01", clock, BASE)
    with members.unit_of_work() as uow:
        signed_in, token = access.exchange(uow, token_in(url), clock)
    assert signed_in.member == "a01"
    with members.unit_of_work() as uow:
        assert access.bearer(uow, token, clock) == signed_in
        assert access.bearer(uow, token, clock) == signed_in  # a bearer token is reusable
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused):
        access.exchange(uow, token_in(url), clock)
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="not one we"):
        access.redeem(uow, token, clock)  # an API token is not a sign-in link
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="unknown"):
        access.bearer(uow, token_in(url), clock)  # nor a link an API token
    clock.advance(hours=12)
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="expired"):
        access.bearer(uow, token, clock)


def test_a_link_of_a_member_taken_off_the_roll_is_refused(
    members: Database, clock: SimulatedClock
) -> None:
    with members.unit_of_work() as uow:
        url = access.sign_in_link(uow, "test-awards", "v001", clock, BASE)
        from shortlist.store import tables as t

        uow.connection.execute(t.members.delete().where(t.members.c.number == "v001"))
        uow.commit()
    with members.unit_of_work() as uow, pytest.raises(access.AccessRefused, match="roll"):
        access.redeem(uow, token_in(url), clock)


def test_reminders_go_only_to_members_who_have_not_voted_in_an_open_round(
    members: Database, clock: SimulatedClock, smtp: SmtpServer, mailer: SmtpMailer
) -> None:
    open_nominations(members, clock)
    vote(members, clock, "d01")
    with members.unit_of_work() as uow:
        mailing = access.remind(uow, "test-awards", clock, mailer, BASE, "admin")
    directors = [f"d{i:02d}" for i in range(2, 10)]
    assert list(mailing.sent) == directors and mailing.skipped == ("d10",)
    text = body_text(smtp.mailbox.wait_for(address("d02"), "reminder"))
    assert "Best Picture" in text and "/member/sign-in?token=" in text
    assert not [m for m in smtp.mailbox.messages if address("d01") in str(m["To"])]
    with members.unit_of_work() as uow:
        assert [e.action for e in uow.audit.entries()][-1] == "members.remind"


def test_a_refused_delivery_is_reported_and_audited(
    members: Database, clock: SimulatedClock
) -> None:
    closed = loopback_socket()  # bound but never listening: connections are refused
    port = closed.getsockname()[1]
    try:
        mailer = SmtpMailer("127.0.0.1", port, "awards@example.test", timeout=5)
        with pytest.raises(MailError, match="could not send"):
            mailer.send(Message(address("d01"), "x", "y"))
        with members.unit_of_work() as uow:
            mailing = access.resend(uow, "test-awards", "d01", clock, mailer, BASE, "admin")
    finally:
        closed.close()
    assert mailing.failed == ("d01",) and mailing.sent == ()
    with members.unit_of_work() as uow:
        assert [e.action for e in uow.audit.entries()][-2:] == [
            "members.resend",
            "members.resend-failed",
        ]


def test_a_member_sees_only_rounds_open_to_them_now_in_their_time_zone(
    members: Database, clock: SimulatedClock
) -> None:
    with members.unit_of_work() as uow:
        assert member_rounds.open_to(uow, "test-awards", "d01", clock) == []
    open_nominations(members, clock)
    with members.unit_of_work() as uow:
        (found,) = member_rounds.open_to(uow, "test-awards", "d01", clock)
        assert member_rounds.open_to(uow, "test-awards", "v001", clock) == []  # not a director
    assert found.ref == NOMINATIONS and not found.voted
    assert found.opens == at("2025-01-10T09:00") and str(found.opens.tzinfo) == LA
    assert found.opens.utcoffset() == timedelta(hours=-8)
    vote(members, clock, "d01")
    with members.unit_of_work() as uow:
        (found,) = member_rounds.open_to(uow, "test-awards", "d01", clock)
    assert found.voted and not found.locked  # nominations may be revised until close
    clock.set(at("2025-01-12T17:00"))
    with members.unit_of_work() as uow:
        assert member_rounds.open_to(uow, "test-awards", "d01", clock) == []


def test_the_ballot_page_shows_the_gate_and_recusal_and_refuses_outsiders(
    members: Database, clock: SimulatedClock
) -> None:
    open_nominations(members, clock)
    with members.unit_of_work() as uow:
        page = member_rounds.ballot_page(uow, NOMINATIONS, "d02", clock)
    assert [e.key for e in page.slate] == ["p", "q", "r", "s", "t"]
    assert page.recused == {"r"} and not page.gate_met and page.gate_needs == 2
    with members.unit_of_work() as uow:
        voting.record_viewing(uow, "test-awards", "picture", "d02", ["p", "s"], clock)
    with members.unit_of_work() as uow:
        assert member_rounds.ballot_page(uow, NOMINATIONS, "d02", clock).gate_met
    with members.unit_of_work() as uow, pytest.raises(BallotRefused, match="electorate"):
        member_rounds.ballot_page(uow, NOMINATIONS, "v001", clock)


def test_the_receipt_is_mailed_with_the_tracker_and_not_the_marks(
    members: Database, clock: SimulatedClock, smtp: SmtpServer, mailer: SmtpMailer
) -> None:
    open_nominations(members, clock)
    with members.unit_of_work() as uow:
        voting.record_viewing(uow, "test-awards", "picture", "d04", ["p", "q"], clock)
    with members.unit_of_work() as uow:
        done = member_rounds.cast_and_mail(uow, NOMINATIONS, "d04", ["q", "p"], clock, mailer)
    assert done.mailed and not done.receipt.revision
    text = body_text(smtp.mailbox.wait_for(address("d04"), "receipt"))
    assert done.receipt.tracker in text and "Quartz" not in text and "Pinewood" not in text


def test_a_receipt_without_an_address_is_not_mailed(
    members: Database, clock: SimulatedClock
) -> None:
    open_nominations(members, clock)
    outbox = Outbox()
    with members.unit_of_work() as uow:
        voting.record_viewing(uow, "test-awards", "picture", "d10", ["p", "q"], clock)
    with members.unit_of_work() as uow:
        done = member_rounds.cast_and_mail(uow, NOMINATIONS, "d10", ["q"], clock, outbox)
    assert not done.mailed and outbox.messages == []


def test_a_mailing_goes_on_past_a_bad_address_and_across_connections(
    database: Database, edition_la: str, clock: SimulatedClock, smtp: SmtpServer
) -> None:
    people = [
        replace(m, email="no-address-here" if m.number == "d03" else address(m.number))
        for m in roll()
        if m.number.startswith("d")
    ]
    with database.unit_of_work() as uow:
        editions.load_edition(uow, read_edition("t.toml", text=edition_la), people, clock, "admin")
    mailer = replace(SmtpMailer(smtp.host, smtp.port, "awards@example.test"), per_connection=4)
    with database.unit_of_work() as uow:
        mailing = access.invite(uow, "test-awards", clock, mailer, BASE, "admin")
    assert mailing.failed == ("d03",) and len(mailing.sent) == 9
    assert sorted(str(m["To"]) for m in smtp.mailbox.messages) == sorted(
        address(n) for n in mailing.sent
    )
    with database.unit_of_work() as uow:
        failure = uow.audit.entries()[-1]
    assert failure.action == "members.invite-failed" and "no-address-here" in failure.reason


def test_a_link_used_twice_at_once_signs_in_once(members: Database, clock: SimulatedClock) -> None:
    with members.unit_of_work() as uow:
        token = token_in(access.sign_in_link(uow, "test-awards", "d05", clock, BASE))
    start = threading.Barrier(4)

    def use() -> str:
        start.wait()
        try:
            with members.unit_of_work() as uow:
                return access.redeem(uow, token, clock).member
        except access.AccessRefused:
            return "refused"

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(lambda _: use(), range(4)))
    assert outcomes == ["d05", "refused", "refused", "refused"]
    with members.unit_of_work() as uow:
        actions = [e.action for e in uow.audit.entries()]
    assert actions.count("member.sign-in") == 1 and actions.count("member.sign-in-refused") == 3
