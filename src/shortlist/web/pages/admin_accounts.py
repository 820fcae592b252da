"""Owners manage administrators' accounts: list them, add one (its password and TOTP secret are
shown once, on the page that answers the form), end an account's sessions everywhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from shortlist.domain.errors import NotFound
from shortlist.service import accounts
from shortlist.store.account_repositories import Administrators
from shortlist.web.auth import Owner
from shortlist.web.deps import ClockNow, Uow, page_router
from shortlist.web.templating import render

router = page_router(prefix="/admin/accounts")


def _page(request: Request, uow: Uow, **context: object) -> Response:
    listed = Administrators(uow.connection).all()
    return render(
        request, "admin/accounts.html", {"accounts": listed, "roles": accounts.ROLES, **context}
    )


@router.get("")
def accounts_page(request: Request, uow: Uow, owner: Owner) -> Response:
    return _page(request, uow, ended=request.query_params.get("ended", ""))


@router.post("")
def add_account(
    request: Request,
    uow: Uow,
    clock: ClockNow,
    owner: Owner,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    made = accounts.add_administrator(uow, name.strip(), role, clock, owner.name)
    return _page(request, uow, made=made)


@router.post("/{name}/end-sessions")
def end_sessions(name: str, uow: Uow, clock: ClockNow, owner: Owner) -> Response:
    if Administrators(uow.connection).get(name) is None:
        raise NotFound(f"no administrator {name!r}")
    accounts.end_sessions(uow, name, clock, owner.name)
    return RedirectResponse(f"/admin/accounts?ended={name}", status_code=303)
