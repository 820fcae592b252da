"""``GET /api/v1/health``: the server answers and its database is at the newest revision;
``GET /api/v1/docs``: the API's documentation (Swagger UI, vendored)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from shortlist import __version__
from shortlist.store.database import Database
from shortlist.web.deps import Db

router = APIRouter(prefix="/api/v1", tags=["server"])


class Health(BaseModel):
    status: str
    version: str
    schema_revision: str | None
    schema_current: bool


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> Response:
    """The API's documentation: Swagger UI, vendored, on this site's OpenAPI document."""
    engine: Jinja2Templates = request.app.state.templates
    spec = request.app.openapi_url or ""
    return engine.TemplateResponse(request, "api_docs.html", {"spec": spec})


@router.get("/health", response_model=Health)
def health(db: Db) -> Health:
    revision = db.revision()
    return Health(
        status="ok",
        version=__version__,
        schema_revision=revision,
        schema_current=revision == Database.newest(),
    )
