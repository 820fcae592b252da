"""The members' pages: sign in from the e-mailed link, the rounds open now, a ballot per round
(viewing gate, marking, summary, cast), the receipt, and "Edit your vote".

Everything works without JavaScript: every change is an explicit form submission, and nothing
is recorded but by "Cast your vote" (and the member's own viewing and attestation forms). The
sign-in link opens a page with a button, so a mail scanner fetching the link does not spend it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any
from zoneinfo import available_timezones

from fastapi import Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from shortlist.domain.errors import BallotRefused
from shortlist.domain.model import BallotKind
from shortlist.domain.voting import Marks
from shortlist.service import access, member_rounds, rounds, voting
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import UnitOfWork
from shortlist.web.deps import ClockNow, Db, Settings, Uow, mailer, page_router
from shortlist.web.errors import ApiError, wants_html
from shortlist.web.pages.ballot_forms import (
    FormFields,
    apply_action,
    checked,
    hidden_fields,
    instructions,
    marks_of,
    order_of,
    summary,
)
from shortlist.web.security import client_address, limit
from shortlist.web.sessions import save, session_of
from shortlist.web.templating import render

router = page_router(prefix="/member")


def signed_in(request: Request) -> tuple[str, str]:
    """The signed-in member's (edition, number); 401 when nobody is."""
    session = session_of(request)
    if not session.member or not session.edition:
        raise ApiError(
            401, "unauthenticated", "sign in with the link in your invitation e-mail to vote"
        )
    return session.edition, session.member


Member = Annotated[tuple[str, str], Depends(signed_in)]


ZONE_COOKIE = "shortlist_member_zone"
ZONES = sorted(available_timezones())


def chosen_zone(request: Request) -> str:
    """The time zone the member chose on their page ("" when none; a bad cookie is ignored)."""
    zone = request.cookies.get(ZONE_COOKIE, "")
    return zone if zone in ZONES else ""


def refused(exc: access.AccessRefused) -> ApiError:
    return ApiError(401, "sign_in_refused", str(exc))


# -- signing in and out -----------------------------------------------------------------------


@router.get("/sign-in")
def sign_in_page(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    return render(request, "member/sign_in.html", {"token": token})


@router.post("/sign-in")
async def sign_in(request: Request, db: Db, clock: ClockNow, settings: Settings) -> Response:
    # the rate limit commits on its own, before this request's unit of work begins (SQLite
    # lets one writer at a time)
    limit(db, clock, "sign_in", client_address(request), settings.sign_in_attempts_per_minute)
    form = await request.form()
    token = form.get("token")
    if not isinstance(token, str) or not token or len(token) > 200:
        raise ApiError(400, "bad_request", "the sign-in form carries no token", field="token")
    try:
        with db.unit_of_work() as uow:
            member = access.redeem(uow, token, clock)
    except access.AccessRefused as exc:
        raise refused(exc) from None
    fresh = session_of(request).signed_out()  # a new session (and CSRF token) on sign-in
    save(request, replace(fresh, edition=member.edition, member=member.member))
    return RedirectResponse("/member", status_code=303)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    save(request, session_of(request).signed_out())
    return render(request, "member/signed_out.html")


# -- the member's rounds ----------------------------------------------------------------------


@router.get("")
def member_home(request: Request, uow: Uow, clock: ClockNow, member: Member) -> Response:
    edition, number = member
    person = uow.editions.member(uow.editions.id_of(edition), number)
    chosen = chosen_zone(request)
    found = member_rounds.open_to(uow, edition, number, clock, chosen)
    zone = member_rounds.zone_of(uow, uow.editions.id_of(edition), person, chosen)
    context = {
        "person": person, "rounds": found, "zone": str(zone), "zones": ZONES,
        "edition": uow.editions.get(edition),
    }  # fmt: skip
    return render(request, "member/home.html", context)


@router.post("/time-zone")
async def choose_zone(request: Request, settings: Settings, member: Member) -> Response:
    """Show times in the zone the member picks (kept in a cookie of theirs, not on the roll)."""
    zone = (await request.form()).get("zone")
    if not isinstance(zone, str) or zone not in ZONES:
        raise ApiError(422, "invalid_request", f"unknown time zone {zone!r}", field="zone")
    done = RedirectResponse("/member", status_code=303)
    done.set_cookie(
        ZONE_COOKIE, zone, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
        secure=settings.secure_cookies,
    )  # fmt: skip
    return done


def _ref(member: tuple[str, str], category: str, round_key: str) -> RoundRef:
    return RoundRef(member[0], category, round_key)


def _ballot(
    request: Request,
    page: member_rounds.BallotPage,
    order: list[str] | None = None,
    marks: Marks | None = None,
    focus: str = "",
    status: int = 200,
    problem: str = "",
) -> Response:
    order = [k for k in order or [] if k in {e.key for e in page.slate}]
    markable = len(page.slate) - len(page.recused)
    context: dict[str, Any] = {
        "page": page, "order": order, "marks": marks, "focus": focus, "problem": problem,
        "kind": page.spec.kind.value, "entries": {e.key: e for e in page.slate},
        "unranked": markable - len(order), "instructions": instructions(page.spec),
    }  # fmt: skip
    return render(request, "member/ballot.html", context, status=status)


def _focus(page: member_rounds.BallotPage, order: list[str], action: str) -> str:
    """The control to focus after a press, so a keyboard user carries on where they were."""
    verb, _, key = action.partition(":")
    if verb == "add":
        rest = [e.key for e in page.slate if e.key not in order and e.key not in page.recused]
        full = len(order) >= page.spec.max_ranks
        return "review" if full or not rest else f"add-{rest[0]}"
    if verb in ("up", "down") and key in order:
        at = order.index(key)
        stuck = (verb == "up" and at == 0) or (verb == "down" and at == len(order) - 1)
        return f"{'down' if verb == 'up' else 'up'}-{key}" if stuck else f"{verb}-{key}"
    return f"add-{key}" if key not in order else "review"


@router.get("/ballot/{category}/{round_key}")
def ballot(
    request: Request, uow: Uow, clock: ClockNow, member: Member, category: str, round_key: str
) -> Response:
    ref = _ref(member, category, round_key)
    page = member_rounds.ballot_page(uow, ref, member[1], clock, chosen_zone(request))
    return _ballot(request, page)


async def _fields(request: Request) -> FormFields:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    approve = tuple(v for v in form.getlist("approve") if isinstance(v, str))
    return FormFields(values, approve)


@router.post("/ballot/{category}/{round_key}")
async def mark(
    request: Request, uow: Uow, clock: ClockNow, member: Member, category: str, round_key: str
) -> Response:
    """One press on the ballot form: change the ranking, or go to the summary ("Review")."""
    ref = _ref(member, category, round_key)
    page = member_rounds.ballot_page(uow, ref, member[1], clock, chosen_zone(request))
    fields = await _fields(request)
    action = fields.values.get("action", "review")
    if page.spec.kind is BallotKind.RANK and action not in ("review", "change"):
        try:
            order = apply_action(order_of(fields), action, page.spec.max_ranks)
        except BallotRefused as exc:
            return _ballot(request, page, order_of(fields), status=422, problem=str(exc))
        return _ballot(request, page, order, focus=_focus(page, order, action))
    marks = marks_of(page.spec, fields)
    if action == "change":
        return _ballot(request, page, order_of(fields), marks)
    try:
        marks = checked(page.spec, page.slate, page.recused, marks)
    except BallotRefused as exc:
        return _ballot(request, page, order_of(fields), marks, status=422, problem=str(exc))
    context = {
        "page": page, "lines": summary(page.spec, page.slate, marks),
        "hidden": hidden_fields(page.spec, marks),
        "unmarked": len(page.slate) - len(page.recused) - len(marks),
    }  # fmt: skip
    return render(request, "member/summary.html", context)


@router.post("/ballot/{category}/{round_key}/cast")
async def cast(
    request: Request,
    db: Db,
    clock: ClockNow,
    settings: Settings,
    member: Member,
    category: str,
    round_key: str,
) -> Response:
    ref = _ref(member, category, round_key)
    limit(db, clock, "cast", f"{ref.edition}/{member[1]}", settings.casts_per_minute)
    fields = await _fields(request)
    zone = chosen_zone(request)
    with db.unit_of_work() as uow:
        spec = rounds.find(uow, ref).spec.ballot  # the cast below checks the member may vote
        try:
            marks = marks_of(spec, fields)
            done = member_rounds.cast_and_mail(
                uow, ref, member[1], marks, clock, mailer(request), zone
            )
        except BallotRefused as exc:
            return _refused_cast(request, uow, ref, member[1], clock, fields, exc)
        page = member_rounds.ballot_page(uow, ref, member[1], clock, zone)
    context = {
        "page": page, "receipt": done.receipt, "mailed": done.mailed,
        "at": done.receipt.at.astimezone(page.closes.tzinfo),
    }  # fmt: skip
    return render(request, "member/receipt.html", context)


def _refused_cast(
    request: Request,
    uow: UnitOfWork,
    ref: RoundRef,
    member: str,
    clock: Clock,
    fields: FormFields,
    refusal: BallotRefused,
) -> Response:
    """A browser gets its ballot back with the reason (422), while the round is still open to
    the member; anything else gets the refusal in the one error shape."""
    if not wants_html(request):
        raise refusal
    try:
        page = member_rounds.ballot_page(uow, ref, member, clock, chosen_zone(request))
    except BallotRefused:
        raise refusal from None
    return _ballot(request, page, order_of(fields), status=422, problem=str(refusal))


@router.post("/ballot/{category}/{round_key}/viewing")
async def watched(
    request: Request, uow: Uow, clock: ClockNow, member: Member, category: str, round_key: str
) -> Response:
    page = member_rounds.ballot_page(uow, _ref(member, category, round_key), member[1], clock)
    form = await request.form()
    keys = [v for v in form.getlist("watched") if isinstance(v, str)]
    unknown = [k for k in keys if k not in {e.key for e in page.slate}]
    if unknown:
        raise BallotRefused(f"not entries of this round: {', '.join(unknown)}")
    fresh = [k for k in keys if k not in page.viewed]
    if fresh:
        voting.record_viewing(uow, member[0], category, member[1], fresh, clock)
    return RedirectResponse(f"/member/ballot/{category}/{round_key}", status_code=303)


@router.post("/ballot/{category}/{round_key}/attest")
async def attest(
    request: Request, uow: Uow, clock: ClockNow, member: Member, category: str, round_key: str
) -> Response:
    form = await request.form()
    if form.get("attest") != "yes":
        raise ApiError(
            422, "ballot_refused", "tick the box to confirm that you watched the entries",
            field="attest",
        )  # fmt: skip
    voting.attest(uow, _ref(member, category, round_key), member[1], clock)
    return RedirectResponse(f"/member/ballot/{category}/{round_key}", status_code=303)
