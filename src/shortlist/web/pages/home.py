"""The home page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from shortlist.web.deps import Uow, page_router
from shortlist.web.templating import render

router = page_router()


@router.get("/")
def home(request: Request, uow: Uow) -> Response:
    editions = [uow.editions.get(key) for key in uow.editions.keys()]  # noqa: SIM118
    return render(request, "home.html", {"editions": editions})
