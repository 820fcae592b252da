"""Who is asking: an administrator by session cookie or by bearer token, with a role.

``Observer``, ``Administrator`` and ``Owner`` are dependencies that give the signed-in account
(401 when nobody is signed in, 403 when the role is too low). The account is read from the
database on every request, so ending sessions or changing a role takes effect on every worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from shortlist.service import accounts
from shortlist.store.account_repositories import AdministratorRecord
from shortlist.web.deps import ClockNow, Uow
from shortlist.web.errors import ApiError
from shortlist.web.security import bearer_token
from shortlist.web.sessions import session_of


def signed_in(request: Request, uow: Uow, clock: ClockNow) -> AdministratorRecord:
    token = bearer_token(request)
    record: AdministratorRecord | None
    if token is not None:
        record = accounts.by_api_token(uow, token, clock)
    else:
        session = session_of(request)
        name = session.administrator
        record = accounts.current(uow, name, session.administrator_version) if name else None
    if record is None:
        raise ApiError(
            401,
            "unauthenticated",
            "sign in as an administrator first",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return record


def with_role(role: str) -> Callable[..., AdministratorRecord]:
    def check(account: Annotated[AdministratorRecord, Depends(signed_in)]) -> AdministratorRecord:
        accounts.require(account, role)
        return account

    return check


Observer = Annotated[AdministratorRecord, Depends(with_role("observer"))]
Administrator = Annotated[AdministratorRecord, Depends(with_role("administrator"))]
Owner = Annotated[AdministratorRecord, Depends(with_role("owner"))]
