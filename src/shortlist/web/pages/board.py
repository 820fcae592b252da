"""A round's public bulletin board: its fingerprint, how many ballots, and a voter's check that
their receipt's tracker is on it (a GET form: nothing changes, so no CSRF token). The whole
list of trackers is the API's JSON. Unknown and not-yet-closed rounds are the same 404."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from shortlist.service.refs import RoundRef
from shortlist.web.boards import TRACKER_RULE, board_path, published_board, tracker_of
from shortlist.web.deps import Uow, page_router
from shortlist.web.templating import render

router = page_router()


@router.get("/editions/{edition}/categories/{category}/rounds/{round}/board")
def round_board(
    request: Request, edition: str, category: str, round: str, uow: Uow, tracker: str = ""
) -> Response:
    ref = RoundRef(edition, category, round)
    board = published_board(uow, ref)
    record = uow.rounds.find(edition, category, round)
    typed = tracker.strip()
    wanted = tracker_of(typed) if typed else None
    context = {
        "edition": uow.editions.get(edition),
        "record": record,
        "board": board,
        "typed": typed,
        "tracker": wanted,
        "problem": TRACKER_RULE if typed and wanted is None else "",
        "on_board": wanted is not None and board.holds(wanted),
        "page_url": board_path(ref),
        "api_url": "/api/v1" + board_path(ref),
    }
    status = 422 if context["problem"] else 200
    return render(request, "board/round.html", context, status=status)
