"""Security of every response and request: headers, body size, CSRF, rate limits.

- :class:`SecurityHeaders`: CSP ``default-src 'self'`` (no inline scripts or styles),
  ``frame-ancestors 'none'``, nosniff, a strict referrer policy, HSTS in production, and
  ``Cache-Control: no-store`` on everything but ``/static/`` (a ballot page, a receipt or an
  admin page must not be kept by a shared or back-button cache).
- :class:`BodyLimit`: a body larger than ``max_body_bytes`` is refused with 413 (declared length
  before any route runs; a streamed body as soon as it passes the limit).
- :func:`csrf_protected`: a dependency for routers of forms. Every unsafe request must carry the
  session's CSRF token, in the form field ``csrf_token`` or the ``X-CSRF-Token`` header;
  otherwise 403 and nothing runs. Requests authenticated by a bearer token need none.
- :func:`limit`: counts a hit against a (scope, subject) in the database, so every worker sees
  the same counts; over the limit it raises 429 with ``Retry-After``.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shortlist.service.clock import Clock
from shortlist.store import cast_batches
from shortlist.store.account_repositories import RateWindows
from shortlist.store.database import Database
from shortlist.web.errors import ApiError, log, plain_error_response, respond
from shortlist.web.sessions import session_of
from shortlist.web.settings import WebSettings

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def security_headers(settings: WebSettings) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries (but a static file's: no ``cache-control``)."""
    headers = [
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if settings.mode == "production":
        headers.append((b"strict-transport-security", b"max-age=63072000"))
    return headers


NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.headers = security_headers(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False
        headers = self.headers
        if not scope.get("path", "").startswith("/static/"):
            headers = [*headers, NO_STORE]

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # answered here (not by Starlette's outermost handler) so a 500 has the headers too
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            error = ApiError(500, "internal_error", "something went wrong on our side")
            await respond(Request(scope), error)(scope, receive, send_with_headers)


class BodyLimit:
    """Refuse a body over ``max_bytes`` with 413, whether declared (Content-Length) or streamed.

    A streamed body is counted as it arrives; past the limit the 413 is sent at once, the app is
    told the client went away, and whatever the app answers after that is dropped.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received, started, refused = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not started:
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than the limit of {self.max_bytes} bytes"
        await plain_error_response(413, message)(scope, receive, send)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def csrf_protected(request: Request) -> None:
    """Refuse an unsafe request that does not carry the session's CSRF token (403)."""
    if request.method in SAFE_METHODS or bearer_token(request) is not None:
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    expected = session_of(request).csrf
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise ApiError(
            403,
            "csrf_failed",
            "this form has expired or was not sent from this site; reload the page and try again",
            field="csrf_token",
        )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(
    database: Database,
    clock: Clock,
    scope: str,
    subject: str,
    per_minute: int,
) -> None:
    """Count one hit of ``subject`` on ``scope``; over ``per_minute`` in this minute: 429."""
    with database.engine.begin() as connection:  # its own short transaction, committed here
        refusal = count_hit(connection, clock, scope, subject, per_minute)
    if refusal is not None:
        raise refusal


def count_hit(
    connection: Connection, clock: Clock, scope: str, subject: str, per_minute: int
) -> ApiError | None:
    """Count one hit of ``subject`` on ``scope`` in the caller's transaction (it commits); the
    429 to raise when this minute's hits are over ``per_minute``, else None."""
    now = clock.now()
    windows = RateWindows(connection)
    hits, ends = windows.hit(f"{scope}:{subject}", now, timedelta(minutes=1))
    if hits == 1 and _sweep_due(now):
        windows.forget_before(now)
    return _over(scope, hits, per_minute, ends, now)


def count_hits(
    connection: Connection, clock: Clock, scope: str, subjects: Sequence[str], per_minute: int
) -> dict[str, ApiError | None]:
    """:func:`count_hit` for many distinct subjects at once, in one statement."""
    if not subjects:
        return {}
    now = clock.now()
    keys = [f"{scope}:{subject}" for subject in subjects]
    hits, ends = cast_batches.hits(connection, keys, now, timedelta(minutes=1))
    if 1 in hits.values() and _sweep_due(now):
        RateWindows(connection).forget_before(now)
    return {
        subject: _over(scope, hits[key], per_minute, ends, now)
        for subject, key in zip(subjects, keys, strict=True)
    }


def _over(scope: str, hits: int, per_minute: int, ends: datetime, now: datetime) -> ApiError | None:
    if hits <= per_minute:
        return None
    wait = max(1, int((ends - now).total_seconds()) + 1)
    return ApiError(
        429,
        "rate_limited",
        f"too many {scope.replace('_', ' ')} attempts; try again in {wait} seconds",
        headers={"Retry-After": str(wait)},
    )


_swept: list[datetime] = []


def _sweep_due(now: datetime) -> bool:
    """Whether this process should delete ended windows now: at most once a minute (ended
    windows are never read again; deleting them on every new window made concurrent first hits
    queue on each other's deletions)."""
    if _swept and _swept[0] <= now < _swept[0] + timedelta(minutes=1):
        return False
    _swept[:] = [now]
    return True
