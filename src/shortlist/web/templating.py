"""Rendering pages: every template gets the session, its CSRF token and the site's name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from shortlist.web.sessions import session_of

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def templates() -> Jinja2Templates:
    engine = Jinja2Templates(directory=str(TEMPLATES))
    engine.env.autoescape = True
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
