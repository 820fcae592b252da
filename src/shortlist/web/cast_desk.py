"""The cast desk: every worker casts the ballots that arrive together in one transaction.

A cast through the API is handed to the worker's desk and waits for its answer. The desk takes
every cast waiting (up to :data:`MOST`) and, on its own thread, signs them all in, counts their
rate-limit hits, casts them and notes the refusals in one unit of work, with a few statements
for the whole batch and one commit (one disk flush) for all of them; then it e-mails the
receipts and answers each cast. While a batch commits, the next one gathers, so the busier the
server the bigger the batches, and no cast waits for a timer.

Nothing is acknowledged before its batch has committed. A member casting twice at once has the
second cast wait for the next batch (each batch touches a member's rows once). Should a batch
fail as a whole (the database refusing it), each of its casts is tried again alone, so one bad
cast cannot sink the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from shortlist.domain.errors import BallotRefused, NotFound
from shortlist.domain.model import BallotKind
from shortlist.domain.voting import Marks
from shortlist.service import member_rounds, rounds, voting
from shortlist.service.access import AccessRefused, SignedIn, bearers
from shortlist.service.clock import Clock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database, UnitOfWork
from shortlist.store.records import OnRoll
from shortlist.web.errors import ApiError
from shortlist.web.security import count_hits

#: The most casts in one batch.
MOST = 256


@dataclass(frozen=True)
class Order:
    """One cast as it came: the bearer token, the round's keys, and how to read the marks once
    the round's kind of ballot is known (an :class:`ApiError` naming the field otherwise)."""

    token: str
    category: str
    round: str
    marks: Callable[[BallotKind], Marks]


class _Later:
    """The member has another cast in this batch: this one goes in the next."""


LATER = _Later()
Outcome = member_rounds.Cast | Exception


class CastDesk:
    """One per worker process and event loop; see the module's docstring."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self._waiting: list[tuple[Order, asyncio.Future[Outcome]]] = []
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cast-desk")
        self._running: asyncio.Task[None] | None = None

    async def cast(self, order: Order) -> member_rounds.Cast:
        """Cast ``order`` with the others waiting; its receipt, or the refusal raised."""
        answer: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((order, answer))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._work())
        outcome = await answer
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            batch, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
            orders = [order for order, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._thread, self._serve, orders)
            except Exception as exc:  # the answers must go out whatever happens
                outcomes = [exc] * len(batch)
            for (order, answer), outcome in zip(batch, outcomes, strict=True):
                if outcome is LATER:
                    self._waiting.append((order, answer))
                elif not answer.done():
                    answer.set_result(outcome)  # type: ignore[arg-type]

    def _serve(self, orders: Sequence[Order]) -> list[Outcome | _Later]:
        """The batch in one transaction; if the database refuses it, each order alone."""
        state = self._state
        try:
            return serve(state, orders)
        except Exception:
            if len(orders) == 1:
                raise
        outcomes: list[Outcome | _Later] = []
        for order in orders:
            try:
                outcomes += serve(state, [order])
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def close(self) -> None:
        self._thread.shutdown(wait=False)


def desk_of(state: Any) -> CastDesk:
    """The worker's desk for the running event loop (tests may run several loops in turn)."""
    loop = asyncio.get_running_loop()
    desks: dict[Any, CastDesk] = state.__dict__.setdefault("_cast_desks", {})
    if loop not in desks:
        for old in desks.values():
            old.close()
        desks.clear()
        desks[loop] = CastDesk(state)
    return desks[loop]


def serve(state: Any, orders: Sequence[Order]) -> list[Outcome | _Later]:
    """Cast ``orders`` in one unit of work, then e-mail the receipts (``state``: the app's)."""
    database: Database = state.database
    clock: Clock = state.clock
    kinds: dict[RoundRef, BallotKind] = state.__dict__.setdefault("ballot_kinds", {})
    outcomes: list[Outcome | _Later | None] = [None] * len(orders)
    mail: list[tuple[int, OnRoll, RoundRef]] = []
    with database.unit_of_work() as uow:
        signed = bearers(uow, [order.token for order in orders], clock)
        casting = _distinct_members(orders, signed, outcomes)
        subjects = [f"{who.edition}/{who.member}" for _, who, _ in casting]
        limited = count_hits(
            uow.connection, clock, "cast", subjects, state.settings.casts_per_minute
        )
        by_round: dict[RoundRef, list[tuple[int, str, Marks]]] = {}
        for (index, who, person), subject in zip(casting, subjects, strict=True):
            ref = RoundRef(who.edition, orders[index].category, orders[index].round)
            try:
                if limited[subject] is not None:
                    raise limited[subject]  # type: ignore[misc]
                marks = orders[index].marks(_ballot_kind(uow, kinds, ref))
            except (ApiError, NotFound) as refused:
                outcomes[index] = refused
                continue
            by_round.setdefault(ref, []).append((index, who.member, marks))
            mail.append((index, person, ref))
        for ref, ballots in by_round.items():
            _cast_round(uow, clock, ref, ballots, outcomes)
        uow.commit()
    for index, person, ref in mail:  # committed: nothing below may undo or repeat a cast
        done = outcomes[index]
        if isinstance(done, voting.Receipt):
            outcomes[index] = member_rounds.Cast(done, _mailed(state.mailer, person, ref, done))
    return [outcome if outcome is not None else LATER for outcome in outcomes]


def _distinct_members(
    orders: Sequence[Order],
    signed: dict[str, tuple[SignedIn, OnRoll] | AccessRefused],
    outcomes: list[Any],
) -> list[tuple[int, SignedIn, OnRoll]]:
    """The signed-in orders, a member's first only (the others stay None: next batch); the
    refused tokens' outcomes set."""
    seen: set[tuple[str, str]] = set()
    casting = []
    for index, order in enumerate(orders):
        found = signed[order.token]
        if isinstance(found, AccessRefused):
            outcomes[index] = ApiError(401, "token_refused", str(found))
            continue
        who, person = found
        if (who.edition, who.member) in seen:
            continue
        seen.add((who.edition, who.member))
        casting.append((index, who, person))
    return casting


def _cast_round(
    uow: UnitOfWork,
    clock: Clock,
    ref: RoundRef,
    ballots: list[tuple[int, str, Marks]],
    outcomes: list[Any],
) -> None:
    try:
        done = voting.cast_many(uow, ref, [(member, marks) for _, member, marks in ballots], clock)
    except NotFound as missing:
        for index, _, _ in ballots:
            outcomes[index] = missing
        return
    for (index, member, _), outcome in zip(ballots, done, strict=True):
        if isinstance(outcome, BallotRefused):
            outcome = member_rounds.note_refusal(uow, ref, member, clock, outcome)
        outcomes[index] = outcome


def _ballot_kind(uow: UnitOfWork, kinds: dict[RoundRef, BallotKind], ref: RoundRef) -> BallotKind:
    """The kind of ballot ``ref`` takes, remembered by the app: a round's spec never changes
    once loaded (:class:`NotFound` for a round that does not exist)."""
    if ref not in kinds:
        kinds[ref] = rounds.find(uow, ref).spec.ballot.kind
    return kinds[ref]


def _mailed(mailer: Any, person: OnRoll, ref: RoundRef, receipt: voting.Receipt) -> bool:
    try:
        return member_rounds.mail_receipt(mailer, person, ref, receipt, "")
    except Exception:  # the ballot is in: a broken mailer must not turn it into an error
        return False
