"""The Academy's counts (``shared/spec/ACADEMY.md`` §3): nominations, the 5 % rule, Best Picture.

* ``academy-nominations`` (§3.1), the preferential count. N is the number of valid ballots
  (ballots with a continuing first choice), S the seats. An entry with no first-place votes is
  out before the count. Each round the quota ("magic number") is q = floor(B / (open + 1)) + 1:
  with ``quota_mode = fixed`` B = N and open = S throughout; with ``recalculate`` B is the weight
  on continuing entries and open the seats still to fill, recalculated in round 1 and after every
  round that nominated someone. Every continuing entry holding at least q is nominated. A
  nominee whose pile v reaches the trigger floor(``surplus_factor`` × q) keeps q/v of each of its
  ballots and sends (v − q)/v on to each ballot's next continuing choice (``surplus_rounds``:
  only for the nominees of round 1, or in every round); any other nominee's ballots are set
  aside. When nobody reaches q the smallest pile is eliminated and its ballots move on at their
  current value. The count stops when S are nominated, or when the continuing entries are no
  more than the open seats (they are then all nominated).
* ``academy-best-picture-5pct`` (§3.2, 2011–2020): a quota round with one surplus pass at
  factor 1.1, one pass eliminating every entry under 1 % of the first places, then every entry
  holding at least 5 % of N is nominated, at most ``seats`` (10; the lowest are dropped) and at
  least ``min_nominees`` (5; eliminating from the bottom with transfers until that many remain).
  Since the 94th Awards Best Picture is ``academy-nominations`` with seats 10, factor 1.1.
* ``academy-best-picture-irv`` (§3.4): instant runoff (:mod:`shortlist.methods.irv`); a tie
  between the last two goes to the entry with more first-place votes on the ballots as cast,
  then more second-place votes, and so on; identical at every place: the ``ties`` chain (a lot).

Ballot values live in parcels: the distinct ballot rows that share one value (1 at the start,
then the value after each surplus transfer), each with integer counts and its own
:class:`~shortlist.methods.piles.Piles`, so nothing loops over voters. A rank marking several
continuing entries (an equal ranking; the Academy's ballot cannot produce one) is read by the
``overvote`` switch: the ballot exhausts there, or the rank is skipped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import Profile
from shortlist.methods.irv import (
    IRVRules,
    blank_weight,
    elimination_count,
    elimination_transfers,
    start,
)
from shortlist.methods.numbers import ONE, ZERO, Arithmetic
from shortlist.methods.piles import Piles
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak, Transfer
from shortlist.methods.rules import Rules, switch
from shortlist.methods.tiebreak import TieBreaker

Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.int64]

# -- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferentialRules(Rules):
    """Switches shared by the Academy's preferential counts (§3.1, §3.2)."""

    surplus_factor: Fraction = switch(
        Fraction(6, 5),
        "A nominee's surplus moves on only if its pile is at least floor(factor × quota).",
    )
    arithmetic: Arithmetic = switch(
        Arithmetic(),
        "exact (fractions) or fixed(d): transfer values and ballot values cut to d decimals.",
    )
    ties: str = switch(
        "first-preferences,previous-rounds,lot",
        "Elimination ties: fewer first preferences in the original count, then the most recent "
        "earlier round where they differ, then a seeded lot (a comma list of tie policies).",
    )
    overvote: str = switch(
        "exhaust",
        "A rank marking several continuing entries (equal ranking): exhaust the ballot, or skip "
        "the rank.",
        ("exhaust", "skip"),
    )
    max_rankings: int | None = switch(
        None, "Ranks read from each ballot (Academy: 5, Best Picture 10); none: every rank."
    )

    def problems(self) -> list[str]:
        out = super().problems()
        if self.surplus_factor < 1:
            out.append("switch surplus_factor: must be at least 1")
        if self.max_rankings is not None and self.max_rankings < 1:
            out.append("switch max_rankings: must be at least 1")
        return out


@dataclass(frozen=True)
class NominationRules(PreferentialRules):
    """Switches of the Academy's nominations count (§3.1)."""

    seats: int = switch(5, "Nominees to choose (S).")
    quota_mode: str = switch(
        "recalculate",
        "recalculate: q = floor(B / (open seats + 1)) + 1 over the weight B on continuing "
        "entries, after each nomination; fixed: q = floor(N / (S + 1)) + 1 throughout.",
        ("recalculate", "fixed"),
    )
    surplus_rounds: str = switch(
        "first_only",
        "Whose surpluses move on: only the nominees of the first round, or those of every round.",
        ("first_only", "every_round"),
    )


@dataclass(frozen=True)
class FivePercentRules(PreferentialRules):
    """Switches of Best Picture nominations 2011–2020, the "5 % rule" (§3.2)."""

    seats_at_most = True

    seats: int = switch(10, "Most nominees; the quota is floor(N / (seats + 1)) + 1.")
    min_nominees: int = switch(
        5, "Fewest nominees (never more than seats): eliminate from the bottom until this many."
    )
    surplus_factor: Fraction = switch(
        Fraction(11, 10),
        "A nominee's surplus moves on only if its pile is at least floor(factor × quota).",
    )
    max_rankings: int | None = switch(5, "Ranks read from each ballot (the ballot lists 5).")
    elimination_share: Fraction = switch(
        Fraction(1, 100), "Entries under this share of N in first places are eliminated (1 %)."
    )
    elimination_basis: str = switch(
        "first_places",
        "What is measured against elimination_share: first places in the original count, or "
        "the pile after the surplus pass.",
        ("first_places", "current"),
    )
    nomination_share: Fraction = switch(
        Fraction(1, 20), "Entries holding at least this share of N are nominated (5 %)."
    )

    @property
    def fewest(self) -> int:
        """The fewest nominees: ``min_nominees``, but never more than ``seats``."""
        return min(self.min_nominees, self.seats)

    def problems(self) -> list[str]:
        out = super().problems()
        if self.min_nominees < 1:
            out.append("switch min_nominees: must be at least 1")
        for name in ("elimination_share", "nomination_share"):
            if not 0 <= getattr(self, name) <= 1:
                out.append(f"switch {name}: must be between 0 and 1")
        return out


@dataclass(frozen=True)
class BestPictureRules(IRVRules):
    """Switches of the Best Picture final round (§3.4): those of IRV, and the final-two tie."""

    final_tie: str = switch(
        "place-votes",
        "A tie between the last two: more first-place votes, then second-place votes and so on "
        "(place-votes), or the ties chain.",
        ("place-votes", "ties"),
    )


def quota(weight: Fraction, seats: int) -> Fraction:
    """The magic number: floor(weight / (seats + 1)) + 1."""
    return Fraction(math.floor(weight / (seats + 1)) + 1)


# -- ballots in parcels -----------------------------------------------------------------------


@dataclass
class Parcel:
    """Ballot rows that share one value, with their places in the count."""

    piles: Piles
    value: Fraction


def _part(piles: Piles, rows: Rows, continuing: Mask) -> Piles:
    """The rows ``rows`` of ``piles`` as piles of their own, each row keeping its place."""
    p = piles.profile
    sub = Profile(p.candidates, p.ranks[rows], p.weights[rows], p.multi, p.withdrawn)
    return Piles(sub, continuing, overvote=piles.overvote, cursor=piles.cursor[rows])


class Parcels:
    """Every valid ballot of a count, in parcels by value; nominees' shares kept aside."""

    def __init__(self, profile: Profile, overvote: str, arithmetic: Arithmetic) -> None:
        self.names = profile.candidates
        self.arithmetic = arithmetic
        self.continuing = start(profile)
        whole = Piles(profile, self.continuing, overvote=overvote)
        valid = np.flatnonzero(whole.top >= 0)
        self.valid = Fraction(int(profile.weights[valid].sum()))
        self.invalid = profile.total_weight - int(self.valid)
        self.parcels = [Parcel(_part(whole, valid, self.continuing), ONE)] if valid.size else []
        self.kept: dict[int, Fraction] = {}
        self.residual = ZERO

    def live(self) -> list[int]:
        """Continuing entries, by code."""
        return [int(c) for c in np.flatnonzero(self.continuing)]

    def tally(self) -> dict[int, Fraction]:
        """The value on every continuing and nominated entry."""
        out = dict.fromkeys(self.live(), ZERO)
        out.update(self.kept)
        for parcel in self.parcels:
            counts = parcel.piles.tally()
            for c in np.flatnonzero(counts).tolist():
                out[c] = out.get(c, ZERO) + parcel.value * int(counts[c])
        return dict(sorted(out.items()))

    def exhausted(self) -> Fraction:
        return sum((p.value * p.piles.exhausted_weight() for p in self.parcels), ZERO)

    def eliminate(self, losers: list[int]) -> tuple[Transfer, ...]:
        """``losers`` leave the count; their ballots move on at their current value."""
        self.continuing[losers] = False
        parts: dict[int, list[tuple[Transfer, Fraction]]] = {c: [] for c in losers}
        for parcel in self.parcels:
            moved, came_from = parcel.piles.remove(losers)
            flows = elimination_transfers(parcel.piles, moved, came_from, losers)
            for c, t in zip(losers, flows, strict=True):
                parts[c].append((t, parcel.value))
        return tuple(_merged(self.names[c], "elimination", parts[c], self.names) for c in losers)

    def nominate(self, nominees: list[int], q: Fraction, surplus: set[int]) -> tuple[Transfer, ...]:
        """``nominees`` leave the count: those in ``surplus`` keep ``q`` and send the rest on."""
        self.continuing[nominees] = False
        for parcel in self.parcels:
            parcel.piles.continuing[nominees] = False  # their rows are taken out just below
        staying: list[Parcel] = []
        on: dict[int, list[tuple[Parcel, Rows]]] = {c: [] for c in nominees}
        for parcel in self.parcels:
            top = parcel.piles.top
            rest = np.flatnonzero(~np.isin(top, nominees))
            if rest.size == top.size:
                staying.append(parcel)
                continue
            if rest.size:
                staying.append(Parcel(_part(parcel.piles, rest, self.continuing), parcel.value))
            for c in nominees:
                rows = np.flatnonzero(top == c)
                if rows.size:
                    on[c].append((parcel, rows))
        self.parcels = staying
        transfers = []
        for c in nominees:
            pile = sum((p.value * int(p.piles.weights[rows].sum()) for p, rows in on[c]), ZERO)
            if c in surplus and pile > q:
                transfers.append(self._send_surplus(c, on[c], pile, q))
            else:
                self.kept[c] = pile
        return tuple(transfers)

    def _send_surplus(
        self, c: int, pile: list[tuple[Parcel, Rows]], v: Fraction, q: Fraction
    ) -> Transfer:
        """Each ballot on ``c`` keeps q/v of its value; (v − q)/v moves to its next choice."""
        ratio = self.arithmetic.round((v - q) / v)
        parts = []
        for parcel, rows in pile:
            moved = Parcel(
                _part(parcel.piles, rows, self.continuing),
                self.arithmetic.round(parcel.value * ratio),
            )
            self.parcels.append(moved)
            parts.append((_flow(moved.piles, self.names), moved.value))
        self.kept[c] = q
        sent = _merged(self.names[c], "surplus", parts, self.names, value=ratio)
        lost = v - q - sent.total
        self.residual += lost
        return replace(sent, residual=lost)


def _flow(piles: Piles, names: tuple[str, ...]) -> Transfer:
    """Where the rows of ``piles`` now sit, as integer counts (a transfer of value 1)."""
    counts = piles.tally()
    to = {names[c]: Fraction(int(counts[c])) for c in np.flatnonzero(counts).tolist()}
    return Transfer("", "", to, exhausted=Fraction(piles.exhausted_weight()))


def _merged(
    source: str,
    kind: str,
    parts: Iterable[tuple[Transfer, Fraction]],
    names: tuple[str, ...],
    value: Fraction | None = None,
) -> Transfer:
    """One transfer from ``source``: the sum of integer-count ``parts``, each at its value
    (receivers in candidate order)."""
    to = dict.fromkeys(names, ZERO)
    exhausted = ZERO
    for t, v in parts:
        for name, n in t.to.items():
            to[name] = to.get(name, ZERO) + n * v
        exhausted += t.exhausted * v
    to = {name: x for name, x in to.items() if x}
    return Transfer(source, kind, to, exhausted=exhausted, value=value)


# -- the count sheet --------------------------------------------------------------------------


@dataclass
class _Start:
    """The count at the start of a round: what its :class:`Round` reports."""

    tally: dict[int, Fraction]
    exhausted: Fraction
    residual: Fraction

    def by_tally(self, codes: Iterable[int]) -> list[int]:
        """``codes`` from the largest pile down (equal piles in candidate order)."""
        return sorted(codes, key=lambda c: (-self.tally[c], c))


@dataclass
class _Sheet:
    """A preferential count in progress: its parcels, nominees, rounds and tie-breaker."""

    parcels: Parcels
    ties: TieBreaker
    out_at_start: list[int]
    nominees: list[int] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    history: list[dict[int, Fraction]] = field(default_factory=list)

    @classmethod
    def open(cls, profile: Profile, rules: PreferentialRules) -> _Sheet:
        """Ballots in one parcel; every entry with no first-place votes is out at the start."""
        if rules.max_rankings is not None and profile.max_ranks > rules.max_rankings:
            profile = replace(profile, ranks=profile.ranks[:, : rules.max_rankings])
        parcels = Parcels(profile, rules.overvote, rules.arithmetic)
        first = parcels.tally()
        out = [c for c in parcels.live() if first[c] == 0]
        parcels.eliminate(out)
        return cls(parcels, TieBreaker(rules.tie_policy(), profile.candidates), out)

    @property
    def names(self) -> tuple[str, ...]:
        return self.parcels.names

    def begin(self) -> _Start:
        tally = self.parcels.tally()
        if not self.rounds:
            tally = dict(sorted({**tally, **dict.fromkeys(self.out_at_start, ZERO)}.items()))
        return _Start(tally, self.parcels.exhausted(), self.parcels.residual)

    def lowest(self, at: _Start, among: list[int]) -> tuple[int, tuple[Tiebreak, ...]]:
        """The entry with the smallest pile among ``among``, ties broken by the ties chain."""
        low = min(at.tally[c] for c in among)
        tied = [c for c in among if at.tally[c] == low]
        if len(tied) == 1:
            return tied[0], ()
        loser, tb = self.ties.pick_lowest(tied, self.history)
        return loser, (tb,)

    def record(
        self,
        at: _Start,
        threshold: Fraction | None,
        extra: dict[str, Fraction],
        *,
        elected: Sequence[int] = (),
        eliminated: Sequence[int] = (),
        transfers: Iterable[Transfer] = (),
        tiebreaks: Iterable[Tiebreak] = (),
        note: str = "",
    ) -> None:
        """Close a round: ``elected`` join the nominees; the round goes on the sheet."""
        if not self.rounds and self.out_at_start:
            eliminated = [*self.out_at_start, *eliminated]
            note = "; ".join(filter(None, ["no first-place votes: out at the start", note]))
        self.nominees.extend(elected)
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tally={self.names[c]: v for c, v in at.tally.items()},
                threshold=threshold,
                elected=tuple(self.names[c] for c in elected),
                eliminated=tuple(self.names[c] for c in eliminated),
                transfers=tuple(transfers),
                exhausted=at.exhausted,
                residual=at.residual,
                tiebreaks=tuple(tiebreaks),
                extra=extra,
                note=note,
            )
        )
        self.history.append(at.tally)

    def result(self, method: str, rules: Rules) -> Result:
        invalid = self.parcels.invalid
        return Result(
            method=method,
            rules=rules.as_dict(),
            candidates=self.names,
            winners=tuple(self.names[c] for c in self.nominees),
            rounds=tuple(self.rounds),
            notes=(f"{invalid} ballots had no valid first choice and were not counted",)
            if invalid
            else (),
        )


def _set_aside_note(sheet: _Sheet, elected: list[int], surplus: set[int]) -> str:
    kept = [sheet.names[c] for c in elected if c not in surplus]
    return f"ballots set aside: {', '.join(kept)}" if kept else ""


# -- §3.1 nominations -------------------------------------------------------------------------


@register(
    "academy-nominations",
    NominationRules,
    "The Academy's preferential count to S nominees: quota, surplus trigger, eliminations.",
)
def count_nominations(profile: Profile, rules: NominationRules) -> Result:
    sheet = _Sheet.open(profile, rules)
    q = quota(sheet.parcels.valid, rules.seats)
    while len(sheet.nominees) < rules.seats and sheet.parcels.live():
        at = sheet.begin()
        open_seats = rules.seats - len(sheet.nominees)
        if rules.quota_mode == "recalculate" and (not sheet.rounds or sheet.rounds[-1].elected):
            q = quota(sum((at.tally[c] for c in sheet.parcels.live()), ZERO), open_seats)
        _nomination_round(sheet, rules, at, q, open_seats)
    return sheet.result("academy-nominations", rules)


def _nomination_round(
    sheet: _Sheet, rules: NominationRules, at: _Start, q: Fraction, open_seats: int
) -> None:
    """One round of §3.1: fill the open seats, nominate at the quota, or eliminate the last."""
    live = sheet.parcels.live()
    extra = {"trigger": Fraction(math.floor(rules.surplus_factor * q))}
    if len(live) <= open_seats:
        elected = at.by_tally(live)
        sheet.parcels.nominate(elected, q, set())
        note = "the continuing entries are no more than the open seats: all nominated"
        sheet.record(at, q, extra, elected=elected, note=note)
        return
    # at most open_seats can reach q (q exceeds 1 / (open + 1) of the continuing weight)
    reached = [c for c in at.by_tally(live) if at.tally[c] >= q][:open_seats]
    if not reached:
        loser, breaks = sheet.lowest(at, live)
        transfers = sheet.parcels.eliminate([loser])
        sheet.record(at, q, extra, eliminated=[loser], transfers=transfers, tiebreaks=breaks)
        return
    filled = len(sheet.nominees) + len(reached) == rules.seats  # then the count is over
    may_send = not filled and (rules.surplus_rounds == "every_round" or not sheet.rounds)
    surplus = {c for c in reached if may_send and at.tally[c] >= extra["trigger"]}
    transfers = sheet.parcels.nominate(reached, q, surplus)
    note = "" if filled else _set_aside_note(sheet, reached, surplus)
    sheet.record(at, q, extra, elected=reached, transfers=transfers, note=note)


# -- §3.2 Best Picture nominations 2011–2020, the 5 % rule ------------------------------------


@register(
    "academy-best-picture-5pct",
    FivePercentRules,
    "Best Picture nominations 2011–2020: quota and one surplus pass, 1 % out, 5 % in (5 to 10).",
)
def count_five_percent(profile: Profile, rules: FivePercentRules) -> Result:
    sheet = _Sheet.open(profile, rules)
    n = sheet.parcels.valid
    q = quota(n, rules.seats)
    extra = {
        "trigger": Fraction(math.floor(rules.surplus_factor * q)),
        "one_percent": n * rules.elimination_share,
        "five_percent": n * rules.nomination_share,
    }
    if sheet.parcels.live():
        _quota_round(sheet, q, extra)
        _one_percent_round(sheet, rules, extra)
        _five_percent_round(sheet, rules, extra)
    while len(sheet.nominees) < rules.fewest and sheet.parcels.live():
        _bottom_round(sheet, rules, extra)
    return sheet.result("academy-best-picture-5pct", rules)


def _quota_round(sheet: _Sheet, q: Fraction, extra: dict[str, Fraction]) -> None:
    """Round 1: entries reaching the quota are nominated; one surplus pass at the trigger."""
    at = sheet.begin()
    reached = [c for c in at.by_tally(sheet.parcels.live()) if at.tally[c] >= q]
    surplus = {c for c in reached if at.tally[c] >= extra["trigger"]}
    transfers = sheet.parcels.nominate(reached, q, surplus)
    note = _set_aside_note(sheet, reached, surplus)
    sheet.record(at, q, extra, elected=reached, transfers=transfers, note=note)


def _one_percent_round(sheet: _Sheet, rules: FivePercentRules, extra: dict[str, Fraction]) -> None:
    """Every entry under 1 % goes at once; its ballots move on at their current value."""
    at = sheet.begin()
    basis = sheet.history[0] if rules.elimination_basis == "first_places" else at.tally
    losers = [c for c in sheet.parcels.live() if basis[c] < extra["one_percent"]]
    transfers = sheet.parcels.eliminate(losers)
    note = f"under {extra['one_percent']} ({rules.elimination_basis}): eliminated"
    sheet.record(at, extra["one_percent"], extra, eliminated=losers, transfers=transfers, note=note)


def _five_percent_round(sheet: _Sheet, rules: FivePercentRules, extra: dict[str, Fraction]) -> None:
    """Entries holding 5 % are nominated; beyond ``seats`` nominees the lowest are dropped."""
    at = sheet.begin()
    live = sheet.parcels.live()
    reached = [c for c in at.by_tally(live) if at.tally[c] >= extra["five_percent"]]
    dropped: list[int] = []
    breaks: list[Tiebreak] = []
    while len(sheet.nominees) + len(reached) > rules.seats:
        loser, tb = sheet.lowest(at, reached)
        reached.remove(loser)
        dropped.append(loser)
        breaks.extend(tb)
    note = f"at least {extra['five_percent']}: nominated"
    if len(sheet.nominees) + len(live) <= rules.fewest:
        reached, note = at.by_tally(live), "no more entries than the fewest nominees: all nominated"
    sheet.parcels.nominate(reached, extra["five_percent"], set())
    if dropped:
        sheet.parcels.eliminate(dropped)
        note += f"; more than {rules.seats}: the lowest dropped"
    sheet.record(
        at,
        extra["five_percent"],
        extra,
        elected=reached,
        eliminated=dropped,
        tiebreaks=breaks,
        note=note,
    )


def _bottom_round(sheet: _Sheet, rules: FivePercentRules, extra: dict[str, Fraction]) -> None:
    """Fewer than ``min_nominees``: eliminate the last with transfers until that many remain."""
    at = sheet.begin()
    live = sheet.parcels.live()
    if len(sheet.nominees) + len(live) <= rules.fewest:
        elected = at.by_tally(live)
        sheet.parcels.nominate(elected, ZERO, set())
        note = f"{rules.fewest} entries remain: all nominated"
        sheet.record(at, None, extra, elected=elected, note=note)
        return
    loser, breaks = sheet.lowest(at, live)
    transfers = sheet.parcels.eliminate([loser])
    note = f"fewer than {rules.fewest} nominees: the last is eliminated"
    sheet.record(
        at, None, extra, eliminated=[loser], transfers=transfers, tiebreaks=breaks, note=note
    )


# -- §3.4 Best Picture, the final round -------------------------------------------------------


def place_votes(profile: Profile) -> npt.NDArray[np.int64]:
    """Ballots marking each entry at each place: ``out[k, c]`` for place k + 1 on the ballots
    as cast (every mark of an equal ranking counts at its place)."""
    out = np.zeros((profile.max_ranks, profile.n_candidates), dtype=np.int64)
    for k in range(profile.max_ranks):
        cells = profile.ranks[:, k]
        single = cells >= 0
        np.add.at(out[k], cells[single], profile.weights[single])
        for m, marks in enumerate(profile.multi):
            out[k, list(marks)] += profile.weights[cells == -2 - m].sum()
    return out


def _final_two_tie(
    profile: Profile, tied: list[int], ties: TieBreaker, places: npt.NDArray[np.int64]
) -> tuple[int, Tiebreak]:
    """The winner of a tie between the last two: more first places, then second places..."""
    names = profile.candidates
    for k in range(places.shape[0]):
        votes = {c: int(places[k, c]) for c in tied}
        if len(set(votes.values())) > 1:
            winner = max(tied, key=votes.__getitem__)
            detail = f"place {k + 1} votes: " + ", ".join(f"{names[c]} {votes[c]}" for c in tied)
            return winner, Tiebreak(
                "elect",
                tuple(names[c] for c in tied),
                (names[winner],),
                "place-votes",
                detail=detail,
            )
    winner, tb = ties.pick_highest(tied, [])
    return winner, replace(tb, detail="equal place votes at every place")


@register(
    "academy-best-picture-irv",
    BestPictureRules,
    "Best Picture final round: instant runoff; a final-two tie goes by first, second... places.",
)
def count_best_picture(profile: Profile, rules: BestPictureRules) -> Result:
    names = profile.candidates
    ties = TieBreaker(rules.tie_policy(), names)
    total_valid = Fraction(profile.total_weight - blank_weight(profile))
    breaks: list[Tiebreak] = []

    def decide(live: list[int], tally: dict[int, Fraction]) -> tuple[Fraction, list[int] | None]:
        base = sum(tally.values(), ZERO) if rules.majority_base == "continuing" else total_valid
        threshold = base / 2
        if not live:
            return threshold, []
        leader = max(live, key=tally.__getitem__)
        majority = tally[leader] > threshold
        if len(live) == 1 or (majority and (not rules.continue_until_two or len(live) <= 2)):
            return threshold, [leader]
        tied = len(live) == 2 and tally[live[0]] == tally[live[1]]
        if tied and rules.final_tie == "place-votes":
            winner, tb = _final_two_tie(profile, live, ties, place_votes(profile))
            breaks.append(tb)
            return threshold, [winner]
        return threshold, None

    rounds = elimination_count(profile, rules, start(profile), ties, decide)
    if breaks:
        rounds[-1] = replace(rounds[-1], tiebreaks=tuple(breaks))
    elected = rounds[-1].elected
    return Result(
        method="academy-best-picture-irv",
        rules=rules.as_dict(),
        candidates=names,
        winners=elected,
        rounds=tuple(rounds),
    )
