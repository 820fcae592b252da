"""Every error the web app answers with, in one shape, mapped in one place.

The API (and any request that does not ask for HTML) gets::

    {"error": {"status": 409, "code": "lifecycle", "message": "...",
               "field": "marks",            # when one field is at fault
               "problems": [{"field": ..., "message": ...}, ...]}}   # when several are

A browser asking for a page gets the same status with a friendly page (``error.html``).
Raise :class:`ApiError` in a route for an error of the web layer itself; errors of the services
(:mod:`shortlist.errors`, :mod:`shortlist.domain.errors`) are translated by :data:`DOMAIN`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shortlist.domain.errors import BallotRefused, Conflict, EditionError, LifecycleError, NotFound
from shortlist.errors import CountError, InputError, RulesError, ShortlistError
from shortlist.service.accounts import NotAllowed, SignInRefused
from shortlist.trust.errors import SealingError

log = logging.getLogger("shortlist.web")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


@dataclass
class ApiError(Exception):
    """An error answered as ``status`` with a stable ``code`` and a message for people."""

    status: int
    code: str
    message: str
    field: str | None = None
    problems: tuple[FieldProblem, ...] = ()
    headers: dict[str, str] = dataclass_field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        if self.problems:
            error["problems"] = [{"field": p.field, "message": p.message} for p in self.problems]
        return {"error": error}


#: Errors of the services, most specific first: (class, status, code).
DOMAIN: tuple[tuple[type[ShortlistError], int, str], ...] = (
    (SignInRefused, 401, "sign_in_refused"),
    (NotAllowed, 403, "not_allowed"),
    (NotFound, 404, "not_found"),
    (Conflict, 409, "conflict"),
    (LifecycleError, 409, "lifecycle"),
    (BallotRefused, 422, "ballot_refused"),
    (SealingError, 422, "unseal_refused"),
    (EditionError, 422, "invalid_edition"),
    (RulesError, 422, "invalid_rules"),
    (CountError, 409, "count_failed"),
    (InputError, 400, "bad_input"),
    (ShortlistError, 400, "refused"),
)

#: HTTP statuses raised by the framework itself, as codes.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
}


def from_domain(exc: ShortlistError) -> ApiError:
    """The one translation of a service error into an HTTP error."""
    status, code = next((s, c) for kind, s, c in DOMAIN if isinstance(exc, kind))
    problems: tuple[FieldProblem, ...] = ()
    if isinstance(exc, EditionError):
        problems = tuple(FieldProblem(p.path or "", str(p)) for p in exc.problems)
        message = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found"
    elif isinstance(exc, RulesError) and len(exc.errors) > 1:
        problems = tuple(FieldProblem("", e) for e in exc.errors)
        message = str(exc.args[0]) if exc.args else str(exc)
    else:
        message = str(exc)
    return ApiError(status, code, message, problems=problems)


def from_validation(exc: RequestValidationError) -> ApiError:
    problems = tuple(
        FieldProblem(".".join(str(part) for part in e.get("loc", ())), str(e.get("msg", "")))
        for e in exc.errors()
    )
    first = problems[0] if problems else FieldProblem("", "invalid request")
    message = f"{first.field}: {first.message}" if first.field else first.message
    return ApiError(422, "invalid_request", message, field=first.field or None, problems=problems)


def wants_html(request: Request) -> bool:
    """Pages asked for by a browser get HTML; the API and every other client get JSON."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def respond(request: Request, error: ApiError) -> Response:
    headers = dict(error.headers)
    if wants_html(request):
        from shortlist.web.templating import render

        return render(request, "error.html", {"error": error}, status=error.status, headers=headers)
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


def plain_error_response(status: int, message: str) -> Response:
    """For middleware that answers before routing (no request object yet)."""
    error = ApiError(status, STATUS_CODES.get(status, "error"), message)
    return JSONResponse(error.body(), status_code=status)


def install(app: FastAPI) -> None:
    """Register the handlers: every error goes through :func:`respond` (an unexpected one is
    answered by :class:`shortlist.web.security.SecurityHeaders`, outside every other layer)."""

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return respond(request, exc)

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ShortlistError)
        return respond(request, from_domain(exc))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return respond(request, from_validation(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = exc.detail if isinstance(exc.detail, str) else STATUS_CODES.get(exc.status_code)
        code = STATUS_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        return respond(request, ApiError(exc.status_code, code, str(message), headers=headers))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(ShortlistError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


__all__ = ["ApiError", "FieldProblem", "HTMLResponse", "from_domain", "install", "respond"]
