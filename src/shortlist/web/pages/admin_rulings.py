"""Eligibility rulings and window changes on a round's page of their own.

``/admin/rounds/{edition}/{category}/{round}/rulings`` shows the round's window, the entries of
its category that are excluded and the members excluded from it, each with its reason; an
administrator moves the window, excludes or reinstates (observers only read). Each form calls
one service of :mod:`shortlist.service.rulings`, which refuses what the rules forbid and writes
the audit log; then post/redirect/get.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from shortlist.service import rounds, rulings
from shortlist.service.refs import RoundRef
from shortlist.store.rulings import Rulings
from shortlist.web.auth import Administrator, Observer
from shortlist.web.deps import ClockNow, Uow, page_router
from shortlist.web.errors import ApiError
from shortlist.web.templating import render

router = page_router(prefix="/admin/rounds/{edition}/{category}/{round_key}/rulings")

Reason = Annotated[str, Form(max_length=2000)]
Key = Annotated[str, Form(min_length=1, max_length=100)]

DONE = {
    "window": "The window has moved.",
    "exclude-entry": "The entry is excluded.",
    "reinstate-entry": "The entry is reinstated.",
    "exclude-member": "The member is excluded from this round.",
    "reinstate-member": "The member is reinstated in this round.",
}


@router.get("")
def rulings_page(
    request: Request, edition: str, category: str, round_key: str, uow: Uow, account: Observer
) -> Response:
    ref = RoundRef(edition, category, round_key)
    record = rounds.find(uow, ref)
    found = Rulings(uow.connection)
    members = found.excluded_members(record.id)
    context = {
        "ref": ref, "record": record, "account": account,
        "timezone": uow.editions.get(edition).timezone,
        "entries": uow.editions.entries(record.category_id),
        "excluded_entries": found.excluded_entries(record.category_id),
        "excluded_members": {m: found.member_ruling(record.id, m) for m in sorted(members)},
        "done": DONE.get(request.query_params.get("done", ""), ""),
    }  # fmt: skip
    return render(request, "admin/rulings.html", context)


def _done(ref: RoundRef, act: str) -> Response:
    return RedirectResponse(f"/admin/rounds/{ref}/rulings?done={act}", status_code=303)


def _local(field: str, text: str, zone: str) -> datetime:
    """An instant typed in a datetime-local field, read in the edition's time zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(
            422, "invalid_request", f"{field}: {text!r} is not a date and time", field=field
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment


@router.post("/window")
def window(
    edition: str, category: str, round_key: str, uow: Uow, clock: ClockNow,
    account: Administrator, opens: Annotated[str, Form(max_length=40)],
    closes: Annotated[str, Form(max_length=40)], reason: Reason = "",
) -> Response:  # fmt: skip
    ref = RoundRef(edition, category, round_key)
    zone = uow.editions.get(edition).timezone
    new_opens, new_closes = _local("opens", opens, zone), _local("closes", closes, zone)
    rulings.change_window(uow, ref, new_opens, new_closes, reason, clock, account.name)
    return _done(ref, "window")


@router.post("/exclude-entry")
def exclude_entry(
    edition: str, category: str, round_key: str, uow: Uow, clock: ClockNow,
    account: Administrator, entry: Key, reason: Reason = "",
) -> Response:  # fmt: skip
    rulings.exclude_entry(uow, edition, category, entry, reason, clock, account.name)
    return _done(RoundRef(edition, category, round_key), "exclude-entry")


@router.post("/reinstate-entry")
def reinstate_entry(
    edition: str, category: str, round_key: str, uow: Uow, clock: ClockNow,
    account: Administrator, entry: Key, reason: Reason = "",
) -> Response:  # fmt: skip
    rulings.reinstate_entry(uow, edition, category, entry, reason, clock, account.name)
    return _done(RoundRef(edition, category, round_key), "reinstate-entry")


@router.post("/exclude-member")
def exclude_member(
    edition: str, category: str, round_key: str, uow: Uow, clock: ClockNow,
    account: Administrator, member: Annotated[str, Form(min_length=1, max_length=64)],
    reason: Reason = "",
) -> Response:  # fmt: skip
    ref = RoundRef(edition, category, round_key)
    rulings.exclude_member(uow, ref, member.strip(), reason, clock, account.name)
    return _done(ref, "exclude-member")


@router.post("/reinstate-member")
def reinstate_member(
    edition: str, category: str, round_key: str, uow: Uow, clock: ClockNow,
    account: Administrator, member: Annotated[str, Form(min_length=1, max_length=64)],
    reason: Reason = "",
) -> Response:  # fmt: skip
    ref = RoundRef(edition, category, round_key)
    rulings.reinstate_member(uow, ref, member.strip(), reason, clock, account.name)
    return _done(ref, "reinstate-member")
