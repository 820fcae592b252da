"""Administrators sign in (a password, then a TOTP code) and out.

Both steps are rate-limited (before any unit of work opens: on SQLite a unit of work holds the
write lock) per client address and per account name in the database (so every
worker counts together). Signing in starts a new session (a new CSRF token): a session fixed
before sign-in is worth nothing after it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from shortlist.service import accounts
from shortlist.service.accounts import SignInRefused
from shortlist.web.deps import ClockNow, Db, Settings, page_router
from shortlist.web.security import client_address, limit
from shortlist.web.sessions import Session, save, session_of, update
from shortlist.web.templating import render

router = page_router(prefix="/admin")


def _limit(request: Request, db: Db, clock: ClockNow, settings: Settings, name: str) -> None:
    per_minute = settings.sign_in_attempts_per_minute
    limit(db, clock, "sign_in", f"address:{client_address(request)}", per_minute)
    # the account as check_password looks it up (stripped), so spacing does not dodge the limit
    limit(db, clock, "sign_in", f"account:{name.strip().lower()[:200]}", per_minute)


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    return render(request, "admin/sign_in.html", {"step": "password"})


@router.post("/sign-in")
def sign_in(
    request: Request,
    db: Db,
    clock: ClockNow,
    settings: Settings,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    _limit(request, db, clock, settings, name)
    try:
        with db.unit_of_work() as uow:
            accounts.check_password(uow, name.strip(), password, clock)
    except SignInRefused as refused:
        context = {"step": "password", "error": str(refused), "name": name}
        return render(request, "admin/sign_in.html", context, status=401)
    update(request, pending_administrator=name.strip(), administrator=None)
    return RedirectResponse("/admin/sign-in/code", status_code=303)


@router.get("/sign-in/code")
def code_form(request: Request) -> Response:
    if session_of(request).pending_administrator is None:
        return RedirectResponse("/admin/sign-in", status_code=303)
    return render(request, "admin/sign_in.html", {"step": "code"})


@router.post("/sign-in/code")
def sign_in_code(
    request: Request,
    db: Db,
    clock: ClockNow,
    settings: Settings,
    code: Annotated[str, Form(max_length=20)],
) -> Response:
    name = session_of(request).pending_administrator
    if name is None:
        return RedirectResponse("/admin/sign-in", status_code=303)
    _limit(request, db, clock, settings, name)
    try:
        with db.unit_of_work() as uow:
            record = accounts.check_code(uow, name, code, clock)
    except SignInRefused as refused:
        context = {"step": "code", "error": str(refused)}
        return render(request, "admin/sign_in.html", context, status=401)
    fresh = Session.fresh()
    save(request, Session(fresh.csrf, record.name, record.session_version))
    return RedirectResponse("/admin", status_code=303)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    save(request, session_of(request).signed_out())
    return RedirectResponse("/", status_code=303)
