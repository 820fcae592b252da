"""``GET /api/v1/health``: the server answers and its database is at the newest revision."""

from __future__ import annotations

from fastapi import APIRouter
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


@router.get("/health", response_model=Health)
def health(db: Db) -> Health:
    revision = db.revision()
    return Health(
        status="ok",
        version=__version__,
        schema_revision=revision,
        schema_current=revision == Database.newest(),
    )
