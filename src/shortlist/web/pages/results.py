"""Public results pages: an edition's announced rounds, and each round's results.

The outcome comes first (a shortlist alphabetically, nominees, winners); where the round's
publication policy is ``full``, the count follows: a sentence per round, the round-by-round
table, a bar chart per round with the threshold, the transfers and the ties (the fragments of
:mod:`shortlist.formats.report`). An unannounced round is the same 404 as one that does not exist.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from shortlist.domain.model import PublicationMode
from shortlist.formats import report
from shortlist.service import results
from shortlist.service.refs import RoundRef
from shortlist.web.boards import board_path
from shortlist.web.deps import ClockNow, Uow, page_router
from shortlist.web.templating import render

router = page_router()


def results_url(ref: RoundRef) -> str:
    return f"/editions/{ref.edition}/categories/{ref.category}/rounds/{ref.round}/results"


@router.get("/editions/{edition}/results")
def edition_results(request: Request, edition: str, uow: Uow, clock: ClockNow) -> Response:
    announced = results.published_rounds(uow, edition, clock)
    return render(
        request,
        "results/edition.html",
        {
            "edition": uow.editions.get(edition),
            "rounds": [(p, results_url(p.ref)) for p in announced],
        },
    )


@router.get("/editions/{edition}/categories/{category}/rounds/{round}/results")
def round_results(
    request: Request, edition: str, category: str, round: str, uow: Uow, clock: ClockNow
) -> Response:
    found = results.published(uow, RoundRef(edition, category, round), clock)
    a = found.announcement
    alphabetical = a.mode is PublicationMode.ALPHABETICAL
    outcome = report.outcome(
        _outcome_heading(len(a.titles), alphabetical),
        a.titles,
        ordered=not alphabetical,
        note="Listed in alphabetical order; the votes are not published." if alphabetical else "",
    )
    count: report.Fragments | None = None
    if a.result is not None:
        count = report.fragments(a.result, found.titles)
    return render(
        request,
        "results/round.html",
        {
            "announcement": a,
            "edition": uow.editions.get(edition),
            "outcome": outcome,
            "count": count,
            "api_url": "/api/v1" + results_url(found.ref),
            "board_url": board_path(found.ref),
            "index_url": f"/editions/{edition}/results",
        },
    )


def _outcome_heading(how_many: int, alphabetical: bool) -> str:
    if alphabetical:
        return f"The {how_many} chosen" if how_many != 1 else "Chosen"
    return "Winner" if how_many == 1 else "Elected, in order"
