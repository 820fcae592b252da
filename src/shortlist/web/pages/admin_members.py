"""The administrators' mail to members: invitations, one member's new link, reminders.

``/admin/editions/{edition}/members`` shows what can be sent; each button posts one act (an
administrator's; observers only read), which sends through the app's mailer and is written to
the audit log by the service. The page then says how many were sent, who has no e-mail address
on the roll, and whose delivery the mail server refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from shortlist.service import access
from shortlist.web.auth import Administrator, Observer
from shortlist.web.deps import ClockNow, Settings, Uow, mailer, page_router
from shortlist.web.templating import render

router = page_router(prefix="/admin/editions/{edition}/members")

WHAT = {
    "members.invite": "Invitations",
    "members.resend": "A new sign-in link",
    "members.remind": "Reminders",
}


def _page(
    request: Request, uow: Uow, edition: str, sent: str = "", mailing: Any = None
) -> Response:
    found = uow.editions.get(edition)
    voting = [m for m in uow.editions.members(uow.editions.id_of(edition)) if m.status.votes]
    context = {
        "edition": found, "voting": len(voting),
        "without_email": sorted(m.number for m in voting if not m.email),
        "sent": WHAT.get(sent, ""), "mailing": mailing,
        "history": [
            e for e in uow.audit.entries(edition) if e.action.startswith("members.")
        ][-10:],
    }  # fmt: skip
    return render(request, "member/admin_mail.html", context)


@router.get("")
def mail_page(request: Request, edition: str, uow: Uow, account: Observer) -> Response:
    return _page(request, uow, edition)


@router.post("/invite")
def invite(
    request: Request,
    edition: str,
    uow: Uow,
    clock: ClockNow,
    settings: Settings,
    account: Administrator,
) -> Response:
    mailing = access.invite(
        uow, edition, clock, mailer(request), settings.public_origin, account.name
    )
    return _page(request, uow, edition, "members.invite", mailing)


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
    mailing = access.resend(
        uow, edition, member.strip(), clock, mailer(request), settings.public_origin, account.name
    )
    return _page(request, uow, edition, "members.resend", mailing)


@router.post("/remind")
def remind(
    request: Request,
    edition: str,
    uow: Uow,
    clock: ClockNow,
    settings: Settings,
    account: Administrator,
) -> Response:
    mailing = access.remind(
        uow, edition, clock, mailer(request), settings.public_origin, account.name
    )
    return _page(request, uow, edition, "members.remind", mailing)
