"""The routers of the web app, as "module:attribute", each an ``APIRouter``.

To plug in, add ONE line here. API routers carry their own ``/api/v1/...`` prefix; page routers
(forms) must include ``dependencies=[Depends(csrf_protected)]`` (see
:func:`shortlist.web.deps.page_router`), so every form POST is checked.
"""

from __future__ import annotations

ROUTERS: tuple[str, ...] = (
    "shortlist.web.pages.home:router",
    "shortlist.web.api.meta:router",
    "shortlist.web.pages.members:router",
    "shortlist.web.api.ballots:router",
    "shortlist.web.pages.admin_members:router",
    "shortlist.web.pages.admin_auth:router",
    "shortlist.web.pages.admin:router",
    "shortlist.web.pages.admin_accounts:router",
    "shortlist.web.api.editions:router",
    "shortlist.web.pages.results:router",
    "shortlist.web.api.results:router",
    "shortlist.web.pages.board:router",
    "shortlist.web.api.board:router",
    "shortlist.web.pages.admin_rulings:router",
)
