"""The administrators' dashboard: editions, rounds, turnout, the audit log, and every act.

Observers read; administrators act. Each act calls one service function (which writes the
audit log and commits) and then redirects to the round's page (post/redirect/get). Pages show
turnout only, never a tally: results are published by the results pages after announcement.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from shortlist.domain.errors import EditionError
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import Edition
from shortlist.service import rounds, sealing, turnout, uploads
from shortlist.service.refs import RoundRef
from shortlist.trust.errors import SealingError
from shortlist.trust.shamir import Share
from shortlist.web.acts import act_on
from shortlist.web.auth import Administrator, Observer
from shortlist.web.deps import ClockNow, Uow, page_router
from shortlist.web.errors import ApiError
from shortlist.web.templating import render

router = page_router(prefix="/admin")


DONE = {
    "open": "The round is open.",
    "close": "The round is closed.",
    "unseal": "The ballots are unsealed.",
    "count": "The round is counted; its results are sealed until the announcement.",
    "announce": "The round is announced.",
    "advance": "The outcome is now the next round's slate.",
}


def _editions(uow: Uow) -> list[Edition]:
    return [uow.editions.get(key) for key in uow.editions.keys()]  # noqa: SIM118


@router.get("")
def dashboard(request: Request, uow: Uow, account: Observer) -> Response:
    context = {"editions": _editions(uow), "account": account}
    return render(request, "admin/dashboard.html", context)


@router.post("/editions")
async def upload(
    request: Request,
    uow: Uow,
    clock: ClockNow,
    account: Administrator,
    edition: Annotated[UploadFile, File(description="The edition, a TOML file")],
    members: Annotated[UploadFile, File(description="The member roll, a CSV file")],
) -> Response:
    texts = []
    for upload_file in (edition, members):
        try:
            text = (await upload_file.read()).decode("utf-8-sig")
            texts.append((upload_file.filename or "file", text))
        except UnicodeDecodeError:
            raise ApiError(
                422, "invalid_file", f"{upload_file.filename}: not UTF-8 text", field="edition"
            ) from None
    try:
        loaded = uploads.load_uploaded(uow, texts[0], texts[1], clock, account.name)
    except EditionError as refused:
        context = {"editions": _editions(uow), "account": account, "problems": refused.problems}
        return render(request, "admin/dashboard.html", context, status=422)
    return RedirectResponse(f"/admin/editions/{loaded.edition}?loaded=1", status_code=303)


@router.get("/editions/{edition}")
def edition_page(request: Request, edition: str, uow: Uow, account: Observer) -> Response:
    found = uow.editions.get(edition)
    context = {
        "edition": found,
        "turnout": rounds.turnout(uow, edition),
        "records": uow.rounds.of_edition(edition),
        "account": account,
        "loaded": request.query_params.get("loaded") == "1",
    }
    return render(request, "admin/edition.html", context)


@router.get("/rounds/{edition}/{category}/{round_key}")
def round_page(
    request: Request, edition: str, category: str, round_key: str, uow: Uow, account: Observer
) -> Response:
    ref = RoundRef(edition, category, round_key)
    record = rounds.find(uow, ref)
    done = request.query_params.get("done", "")
    context = {
        "ref": ref,
        "record": record,
        "electorate": uow.rounds.electorate_size(record.id),
        "voted": uow.rounds.turnout(record.id),
        "branches": turnout.by_branch(uow, ref),
        "key": sealing.election_key(uow, ref),
        "timezone": uow.editions.get(edition).timezone,
        "account": account,
        "done": DONE.get(done, ""),
        "Status": RoundStatus,
    }
    return render(request, "admin/round.html", context)


@router.post("/rounds/{edition}/{category}/{round_key}/unseal")
async def unseal(
    edition: str,
    category: str,
    round_key: str,
    uow: Uow,
    clock: ClockNow,
    account: Administrator,
    shares: Annotated[list[UploadFile], File(description="Custodians' share files")],
) -> Response:
    ref = RoundRef(edition, category, round_key)
    parsed = []
    for share in shares:
        data = await share.read()
        if data.strip():
            parsed.append(Share.from_bytes(data))
    if not parsed:
        raise SealingError("upload the custodians' share files (none was given)")
    sealing.unseal(uow, ref, parsed, clock, account.name)
    return RedirectResponse(f"/admin/rounds/{ref}?done=unseal", status_code=303)


@router.post("/rounds/{edition}/{category}/{round_key}/{act}")
def act_on_round(
    edition: str,
    category: str,
    round_key: str,
    act: str,
    uow: Uow,
    clock: ClockNow,
    account: Administrator,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    ref = RoundRef(edition, category, round_key)
    act_on(act, uow, ref, clock, account.name, reason.strip())
    return RedirectResponse(f"/admin/rounds/{ref}?done={act}", status_code=303)


@router.get("/audit")
def audit(request: Request, uow: Uow, account: Observer) -> Response:
    target = request.query_params.get("target", "")
    entries = uow.audit.entries(target)
    return render(request, "admin/audit.html", {"entries": entries[-500:][::-1], "target": target})
