"""Sessions in one signed cookie (itsdangerous): no session is held in a worker's memory.

A :class:`Session` holds who is signed in (an administrator, with their account's session
version so that ending sessions in the database ends them everywhere; or a member of an
edition), a CSRF token, and a half-done sign-in (password accepted, TOTP code awaited).
Routes read it with :func:`session_of` and change it with :func:`save`; the middleware writes
the cookie (Secure, HttpOnly, SameSite=Lax) when it changed. A request that sends a bearer token
has no session: the cookie is ignored, since a bearer token waives the CSRF check.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shortlist.web.settings import WebSettings

SALT = "shortlist-session"


@dataclass(frozen=True)
class Session:
    csrf: str
    administrator: str | None = None
    administrator_version: int = 0
    pending_administrator: str | None = None
    edition: str | None = None
    member: str | None = None

    @classmethod
    def fresh(cls) -> Session:
        return cls(csrf=secrets.token_urlsafe(24))

    def signed_out(self) -> Session:
        """A new session: a new CSRF token, nobody signed in."""
        return Session.fresh()


def cookie_name(settings: WebSettings) -> str:
    return "__Host-shortlist" if settings.secure_cookies else "shortlist_session"


def serializer(settings: WebSettings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT)


def session_of(request: Request) -> Session:
    """The request's session (a fresh one, to be set, when none or a bad cookie came)."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    if "session" in state:
        session: Session = state["session"]
        return session
    settings: WebSettings = request.app.state.settings
    if _bearer_sent(request):
        # authenticated by its bearer token alone (which also waives the CSRF check): the
        # cookie is neither read nor rewritten
        fresh = Session.fresh()
        state["session"] = fresh
        return fresh
    raw = request.cookies.get(cookie_name(settings))
    loaded = _load(settings, raw) if raw else None
    if loaded is None:
        loaded = Session.fresh()
        state["session_changed"] = True
    state["session"] = loaded
    return loaded


def _bearer_sent(request: Request) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def _load(settings: WebSettings, raw: str) -> Session | None:
    try:
        data = serializer(settings).loads(raw, max_age=settings.session_hours * 3600)
        return Session(**data) if isinstance(data, dict) else None
    except (BadSignature, TypeError):
        return None


def save(request: Request, session: Session) -> Session:
    """Replace the request's session; the cookie is written with the response."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    state["session"] = session
    state["session_changed"] = True
    return session


def update(request: Request, **changes: Any) -> Session:
    return save(request, replace(session_of(request), **changes))


class SessionCookies:
    """ASGI middleware: sets the session cookie on responses whose session changed."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            state = scope.get("state", {})
            if message["type"] == "http.response.start" and state.get("session_changed"):
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", self._cookie(state["session"]).encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session: Session) -> str:
        value = serializer(self.settings).dumps(asdict(session))
        parts = [
            f"{cookie_name(self.settings)}={value}",
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            f"Max-Age={self.settings.session_hours * 3600}",
        ]
        if self.settings.secure_cookies:
            parts.append("Secure")
        return "; ".join(parts)
