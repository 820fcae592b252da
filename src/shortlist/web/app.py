"""``create_app(settings)``: the FastAPI application, built once per worker.

``app.state`` holds ``settings`` (checked :class:`WebSettings`), ``database``
(:class:`~shortlist.store.database.Database`), ``clock``, ``mailer`` (None until configured) and
``templates``. Nothing else is kept in memory between requests.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import APIRouter, FastAPI, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from shortlist import __version__
from shortlist.formats.report import stylesheet
from shortlist.service.clock import Clock, SystemClock
from shortlist.store.database import Database
from shortlist.web import errors
from shortlist.web.fast_cast import FastCast
from shortlist.web.routes import ROUTERS
from shortlist.web.security import BodyLimit, SecurityHeaders
from shortlist.web.sessions import SessionCookies
from shortlist.web.settings import WebSettings
from shortlist.web.templating import STATIC, templates

API = "/api/v1"


def create_app(
    settings: WebSettings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    mailer: Any = None,
    fast_cast: bool = True,
) -> FastAPI:
    """The web app. Unsafe production settings raise :class:`UnsafeSettings` here.

    ``fast_cast``: the API's cast route served by :class:`~shortlist.web.fast_cast.FastCast`
    (off only to compare it with the route it stands for)."""
    checked = (settings or WebSettings()).check()
    app = App(
        title="shortlist",
        version=__version__,
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # served by shortlist.web.api.meta with vendored Swagger UI (CSP-safe)
        redoc_url=None,
    )
    app.state.settings = checked
    app.state.database = database or Database(checked.database)
    app.state.clock = clock or SystemClock()
    app.state.mailer = mailer if mailer is not None else _mailer(checked)
    app.state.templates = templates()
    errors.install(app)
    app.add_api_route("/static/results.css", _results_css, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for target in ROUTERS:
        app.include_router(_router(target))
    app.add_middleware(SessionCookies, settings=checked)
    app.fast_cast = fast_cast
    app.add_middleware(BodyLimit, max_bytes=checked.max_body_bytes)
    app.add_middleware(SecurityHeaders, settings=checked)
    return app


class App(FastAPI):
    """The app, with the API's cast route answered in front of its middleware stack
    (:class:`~shortlist.web.fast_cast.FastCast`) unless ``fast_cast`` is off."""

    fast_cast = True

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return FastCast(stack, self.state.settings) if self.fast_cast else stack


def _results_css() -> Response:
    """The results pages' look: the report's own stylesheet, served as it is (never a copy)."""
    return Response(stylesheet(), media_type="text/css")


def _router(target: str) -> APIRouter:
    module, _, attribute = target.partition(":")
    router: APIRouter = getattr(importlib.import_module(module), attribute)
    return router


def _mailer(settings: WebSettings) -> Any:
    """SMTP when ``smtp_host`` is set, else an in-memory outbox."""
    try:
        mail = importlib.import_module("shortlist.service.mail")
    except ImportError:  # the mail module is not there yet
        return None
    if not settings.smtp_host:
        return mail.Outbox()
    return mail.SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        starttls=settings.smtp_starttls,
        user=settings.smtp_user or None,
        password=settings.smtp_password or None,
    )


def app_from_environment() -> FastAPI:
    """The factory Uvicorn's workers call (``shortlist.web.app:app_from_environment``)."""
    return create_app(WebSettings())
