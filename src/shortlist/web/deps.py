"""What routes depend on: the database, the clock, the mailer, the signed-in person.

Use them as FastAPI dependencies (``uow: UnitOfWork = Depends(unit_of_work)``) or call them with
the request. Roles rank observer < administrator < owner; :func:`administrator_with` refuses a
lower role with 403 and nobody with 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shortlist.service.clock import Clock
from shortlist.store.database import Database, UnitOfWork
from shortlist.web.security import csrf_protected
from shortlist.web.settings import WebSettings

ROLES = ("observer", "administrator", "owner")


def page_router(**kwargs: Any) -> APIRouter:
    """A router of HTML pages and forms: every unsafe request on it must carry the CSRF token."""
    dependencies = [Depends(csrf_protected), *kwargs.pop("dependencies", [])]
    return APIRouter(dependencies=dependencies, include_in_schema=False, **kwargs)


def database(request: Request) -> Database:
    db: Database = request.app.state.database
    return db


def clock(request: Request) -> Clock:
    moment: Clock = request.app.state.clock
    return moment


def settings(request: Request) -> WebSettings:
    value: WebSettings = request.app.state.settings
    return value


def mailer(request: Request) -> Any:
    return request.app.state.mailer


def unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    """One unit of work for the request (the service commits it)."""
    with database(request).unit_of_work() as uow:
        yield uow


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


Db = Annotated[Database, Depends(database)]
Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
ClockNow = Annotated[Clock, Depends(clock)]
Settings = Annotated[WebSettings, Depends(settings)]
