"""Rendering pages: every template gets the session, its CSRF token and the site's name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from shortlist.web.sessions import session_of

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def local_time(moment: datetime, zone: str, pattern: str = "%a %d %b %Y %H:%M %Z") -> str:
    """``moment`` as read in the time zone ``zone`` (an edition's), e.g. ``Mon 12 Dec 2022 09:00
    PST``."""
    return moment.astimezone(ZoneInfo(zone)).strftime(pattern)


def templates() -> Jinja2Templates:
    engine = Jinja2Templates(directory=str(TEMPLATES))
    engine.env.autoescape = True
    engine.env.filters["local_time"] = local_time
    return engine


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A page: ``name`` under web/templates with ``context`` and what every page needs."""
    session = session_of(request)
    full = {"session": session, "csrf_token": session.csrf, **(context or {})}
    engine: Jinja2Templates = request.app.state.templates
    return engine.TemplateResponse(request, name, full, status_code=status, headers=headers)
