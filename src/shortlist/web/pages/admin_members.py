"""The administrators' mail to members: invitations, one member's new link, reminders.

``/admin/editions/{edition}/members`` shows what can be sent; each button posts one act (an
administrator's; observers only read), which sends through the app's mailer and is written to
the audit log by the service. The page then says how many were sent, who has no e-mail address
on the roll, and whose delivery the mail server refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from shortlist.service import access
from shortlist.store.records import AuditEntry
from shortlist.web.auth import Administrator, Observer
from shortlist.web.deps import ClockNow, Settings, Uow, mailer, page_router
from shortlist.web.templating import render

router = page_router(prefix="/admin/editions/{edition}/members")

WHAT = {
    "members.invite": "Invitations",
    "members.resend": "A new sign-in link",
    "members.remind": "Reminders",
}


@dataclass(frozen=True)
class Report:
    """What the last mailing of a kind did, read back from the audit log."""

    what: str
    sent: int
    skipped: tuple[str, ...]
    failed: tuple[str, ...]


def _report(history: list[AuditEntry], action: str) -> Report | None:
    done = [i for i, e in enumerate(history) if e.action == action]
    if action not in WHAT or not done:
        return None
    entry = history[done[-1]]
    after = history[done[-1] + 1 : done[-1] + 2]
    failed = (
        tuple(after[0].detail["failed"])
        if after and after[0].action == action + "-failed" and after[0].detail
        else ()
    )
    detail = entry.detail or {}
    return Report(
        WHAT[action],
        int(detail.get("to", 0)) - len(failed),
        tuple(detail.get("skipped", ())),
        failed,
    )


@router.get("")
def mail_page(
    request: Request, edition: str, uow: Uow, account: Observer, sent: str = ""
) -> Response:
    found = uow.editions.get(edition)
    voting = [m for m in uow.editions.members(uow.editions.id_of(edition)) if m.status.votes]
    history = [e for e in uow.audit.entries(edition) if e.action.startswith("members.")]
    context = {
        "edition": found, "voting": len(voting),
        "without_email": sorted(m.number for m in voting if not m.email),
        "report": _report(history, sent), "history": history[-10:],
    }  # fmt: skip
    return render(request, "member/admin_mail.html", context)


def _done(edition: str, action: str) -> Response:
    """Post/redirect/get: reloading the page does not send the mail again."""
    return RedirectResponse(f"/admin/editions/{edition}/members?sent={action}", status_code=303)


@router.post("/invite")
def invite(
    request: Request,
    edition: str,
    uow: Uow,
    clock: ClockNow,
    settings: Settings,
    account: Administrator,
) -> Response:
    access.invite(uow, edition, clock, mailer(request), settings.public_origin, account.name)
    return _done(edition, "members.invite")


@router.post("/resend")
def resend(
    request: Request,
    edition: str,
    member: Annotated[str, Form(min_length=1, max_length=64)],
    uow: Uow,
    clock: ClockNow,
    settings: Settings,
    account: Administrator,
) -> Response:
    access.resend(
        uow, edition, member.strip(), clock, mailer(request), settings.public_origin, account.name
    )
    return _done(edition, "members.resend")


@router.post("/remind")
def remind(
    request: Request,
    edition: str,
    uow: Uow,
    clock: ClockNow,
    settings: Settings,
    account: Administrator,
) -> Response:
    access.remind(uow, edition, clock, mailer(request), settings.public_origin, account.name)
    return _done(edition, "members.remind")
