"""One pass of RCTab's tabulation: ballots walked, rounds tallied, winners and losers decided.

This follows RCTab 2.0 (``Tabulator.java``) rule for rule, in its own words:

* Every round, each ballot whose current choice is no longer continuing is *walked* from its
  first ranking again: a skip of more than ``maxSkippedRanksAllowed`` ranks, a repeated
  candidate (if ``exhaustOnDuplicateCandidate``) or an overvote (by ``overvoteRule``) makes it
  inactive; otherwise it counts for its first continuing candidate, or is inactive by
  exhausted choices after its last ranking.
* Vote values are RCTab's fixed-point decimals (``BigDecimal``): a ballot is worth one vote
  until a winner's surplus is transferred; then it keeps ``value - value*f`` (``f``, the
  surplus fraction, and each product truncated to ``decimalPlacesForVoteArithmetic``) with the
  winner and moves on with the rest. :class:`decimal.Decimal` keeps the same scale rules as
  ``BigDecimal``, so the counts print as RCTab prints them (``7.2501``, ``0.0000``).
* Ties are broken by RCTab's ``tiebreakMode`` (:mod:`shortlist.methods.rctab_ties`).

Decisions of a round are kept with the round; the transfers they cause are recorded in the next
round (as RCTab does), per source candidate. Slices (precincts, batches) get their own tallies
over the same decisions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.ballots import SKIP, Profile
from shortlist.methods.rctab_ties import RctabTiebreak
from shortlist.methods.result import Tiebreak

if TYPE_CHECKING:
    from shortlist.methods.rctab import RctabRules

ZERO = Decimal(0)
ONE = Decimal(1)

# Ballot statuses, in RCTab's words (CastVoteRecord.StatusForRound)
ACTIVE, DID_NOT_RANK, EXHAUSTED_CHOICES, OVERVOTES, SKIPPED_RANKINGS, REPEATED_RANKINGS = range(6)
FINAL_ROUND_SURPLUS = 6
STATUS_KEYS = (
    "active",
    "didNotRankAnyCandidates",
    "exhaustedChoices",
    "overvotes",
    "skippedRankings",
    "repeatedRankings",
    "finalRoundSurplus",
)
INACTIVE = (DID_NOT_RANK, EXHAUSTED_CHOICES, OVERVOTES, SKIPPED_RANKINGS, REPEATED_RANKINGS)

EXHAUSTED = "exhausted"
RESIDUAL = "residual surplus"
UNCOUNTED = -1
OVERVOTE_MARK = -2
"""A ranking holding the overvote label: its candidates are unknown."""

NONE, EXHAUST, SKIP_RANK = range(3)


def truncate(x: Decimal | Fraction, places: int, *, up: bool = False) -> Decimal:
    """``x`` rounded to ``places`` decimals, down (RCTab's ``RoundingMode.DOWN``) or up."""
    q = Fraction(x) * 10**places
    n = -((-q.numerator) // q.denominator) if up else q.numerator // q.denominator
    return Decimal(n).scaleb(-places)


@dataclass
class RoundTally:
    """RCTab's tally of one round: candidates' votes, ballots by status, the threshold."""

    number: int
    tally: dict[int, Decimal]
    status: list[Decimal]
    threshold: Decimal = ZERO
    locked_in: Decimal = ZERO

    def active_sum(self) -> Decimal:
        return ZERO + self.status[ACTIVE] + self.status[FINAL_ROUND_SURPLUS]

    def inactive_sum(self) -> Decimal:
        return sum((self.status[s] for s in INACTIVE), ZERO)

    def active_and_locked_in(self) -> Decimal:
        return self.active_sum() + self.locked_in

    def set_via_surplus(self, code: int, value: Decimal) -> None:
        self.locked_in += value - self.tally.get(code, ZERO)
        self.tally[code] = value


@dataclass
class Decision:
    code: int
    elected: bool
    tiebroken: bool = False


@dataclass
class View:
    """Tallies by slice (precinct or batch): ``labels[row]`` indexes ``names`` (-1: none)."""

    kind: str
    labels: npt.NDArray[np.int32]
    names: tuple[str, ...]
    rounds: dict[int, list[RoundTally]] = field(default_factory=dict)
    #: round -> slice -> (from, to) -> votes moved
    transfers: dict[int, dict[int, dict[tuple[int, int | str], Decimal]]] = field(
        default_factory=dict
    )


class Tabulation:
    """One RCTab tabulation (one pass of a multi-pass count)."""

    def __init__(
        self,
        profile: Profile,
        rules: RctabRules,
        excluded: frozenset[int],
        seats: int,
        views: Sequence[View] = (),
    ) -> None:
        self.profile = profile
        self.rules = rules
        self.names = profile.candidates
        self.n = len(self.names)
        self.excluded = excluded
        self.seats = seats
        self.views = list(views)
        self.uwi = (
            self.names.index(rules.undeclared_write_ins)
            if rules.has_write_ins(self.names)
            else None
        )
        self.weights = profile.weights
        self.wlist = [int(w) for w in profile.weights.tolist()]
        # rows (ballot x precinct) share their rankings: each distinct one is kept once, and
        # a round finds each distinct ranking its choice once (``count_round``)
        distinct, ranking_of = np.unique(profile.ranks, axis=0, return_inverse=True)
        self.ranking_of: list[int] = ranking_of.reshape(-1).tolist()
        self.rankings = [
            [(j + 1, c) for j, c in enumerate(row) if c != SKIP] for row in distinct.tolist()
        ]
        rows = profile.n_rows
        self.recipient = np.full(rows, UNCOUNTED, dtype=np.int32)
        self.status = np.zeros(rows, dtype=np.int8)
        self.alloc: dict[int, dict[int, Decimal]] = {}
        self.ftv: dict[int, Decimal] = {}
        self.winner_round: dict[int, int] = {}
        self.eliminated_round: dict[int, int] = {}
        self.rounds: list[RoundTally] = []
        self.decisions: dict[int, list[Decision]] = defaultdict(list)
        self.tiebreaks: dict[int, list[Tiebreak]] = defaultdict(list)
        self.transfers: dict[int, dict[tuple[int, int | str], Decimal]] = {}
        self.residual: dict[int, Decimal] = {}
        self.round = 0
        declared = [c for c in range(self.n) if c != self.uwi]
        self.ties = RctabTiebreak(rules, self.names, declared)

    # -- the contest ---------------------------------------------------------------------------

    @property
    def uses_surpluses(self) -> bool:
        return self.seats > 1 and self.rules.winner_mode != "bottomsUp"

    @property
    def num_candidates(self) -> int:
        return self.n - len(self.excluded)

    @property
    def num_declared(self) -> int:
        return self.n - (1 if self.uwi is not None else 0)

    def continuing(self) -> npt.NDArray[np.bool_]:
        cont = np.ones(self.n, dtype=bool)
        for c in self.excluded:
            cont[c] = False
        for c in self.eliminated_round:
            cont[c] = False
        if not self.rules.continue_until_two:
            for c in self.winner_round:
                cont[c] = False
        return cont

    # -- the count -----------------------------------------------------------------------------

    def run(self) -> None:
        while self.should_continue():
            self.round += 1
            self.count_round()
            self.decide_round()
            if self.seats > 1:
                self.update_winner_tallies()

    def should_continue(self) -> bool:
        rules = self.rules
        won, out = len(self.winner_round), len(self.eliminated_round)
        if self.round >= (rules.stop_after_round or 1 << 62):
            return False
        if won == self.num_declared and self.seats > self.num_candidates:
            return False
        if rules.continue_until_two:
            return (
                won + out + 1 < self.num_candidates or self.round in self.eliminated_round.values()
            )
        if rules.winner_mode == "bottomsUpUsingPercentageThreshold":
            return won == 0
        return won < self.seats or (
            self.uses_surpluses and self.round in self.winner_round.values()
        )

    def count_round(self) -> None:
        cont = self.continuing()
        r = self.round
        self.transfers[r] = defaultdict(lambda: ZERO)
        for view in self.views:
            view.transfers[r] = defaultdict(lambda: defaultdict(lambda: ZERO))
        final = self.uses_surpluses and len(self.winner_round) == self.seats
        on = self.recipient
        staying = (on >= 0) & cont[np.maximum(on, 0)]
        chosen: dict[int, tuple[int | None, int]] = {}  # by distinct ranking, this round
        for i in np.flatnonzero((self.status == ACTIVE) & ~staying).tolist():
            self.walk(i, cont, final, chosen)
        self.rounds.append(self.tally_of(cont))
        for view in self.views:
            for k, t in enumerate(self.tally_views(view, cont)):
                view.rounds.setdefault(k, []).append(t)
        self.residual[r] = self.residual.get(r - 1, ZERO)
        self.set_threshold()

    def walk(
        self,
        i: int,
        cont: npt.NDArray[np.bool_],
        final: bool,
        found: dict[int, tuple[int | None, int]],
    ) -> None:
        """Find ballot row ``i`` its first continuing choice, or make it inactive (``found``:
        the choices this round has found so far, by distinct ranking)."""
        ranking = self.ranking_of[i]
        if ranking not in found:
            found[ranking] = self.choose(self.rankings[ranking], cont, final)
        chosen, status = found[ranking]
        value = self.value(i)
        if value > 0:
            source = int(self.recipient[i])
            target: int | str = chosen if chosen is not None else EXHAUSTED
            amount = value * self.wlist[i]
            self.transfers[self.round][(source, target)] += amount
            for view in self.views:
                label = int(view.labels[i])
                if label < 0:
                    raise CountError(
                        f"a ballot has no {view.kind}, but the count is by {view.kind}"
                    )
                view.transfers[self.round][label][(source, target)] += amount
        self.recipient[i] = UNCOUNTED if chosen is None else chosen
        if chosen is None:
            self.status[i] = status

    def choose(
        self, rankings: list[tuple[int, int]], cont: npt.NDArray[np.bool_], final: bool
    ) -> tuple[int | None, int]:
        rules = self.rules
        if not rankings:
            return None, DID_NOT_RANK
        last_rank = rankings[-1][0]
        seen: set[int] = set()
        previous = 0
        for rank, cell in rankings:
            if final:
                return None, FINAL_ROUND_SURPLUS
            if (
                rules.max_skipped_ranks is not None
                and rank - previous > rules.max_skipped_ranks + 1
            ):
                return None, SKIPPED_RANKINGS
            previous = rank
            marks = self.marks(cell)
            if rules.exhaust_on_duplicate:
                for c in marks:
                    if c in seen:
                        return None, REPEATED_RANKINGS
                    seen.add(c)
            decision = self.overvote_decision(marks, cont)
            if decision == EXHAUST:
                return None, OVERVOTES
            if decision == SKIP_RANK:
                if rank == last_rank:
                    return None, EXHAUSTED_CHOICES
                continue
            for c in marks:
                if cont[c]:
                    return c, ACTIVE
            if rank == last_rank:
                return None, EXHAUSTED_CHOICES
        raise AssertionError("the last ranking always decides")  # pragma: no cover

    def marks(self, cell: int) -> tuple[int, ...]:
        if cell >= 0:
            return (cell,)
        codes = self.profile.multi[-cell - 2]
        return codes if codes else (OVERVOTE_MARK,)

    def overvote_decision(self, marks: tuple[int, ...], cont: npt.NDArray[np.bool_]) -> int:
        rule = self.rules.overvote_rule
        if marks == (OVERVOTE_MARK,):
            if rule == "exhaustIfMultipleContinuing":
                raise CountError(
                    "a ballot holds the overvote label, which the overvote rule "
                    "exhaustIfMultipleContinuing cannot apply (its candidates are unknown)"
                )
            return EXHAUST if rule == "exhaustImmediately" else SKIP_RANK
        if len(marks) <= 1:
            return NONE
        if rule == "exhaustImmediately":
            return EXHAUST
        if rule == "alwaysSkipToNextRank":
            return SKIP_RANK
        return EXHAUST if sum(1 for c in marks if cont[c]) >= 2 else NONE

    def value(self, i: int) -> Decimal:
        """The ballot's fractional transfer value: one, less what its winners keep."""
        return self.ftv.get(i, ONE)

    # -- tallies -------------------------------------------------------------------------------

    def tally_of(self, cont: npt.NDArray[np.bool_]) -> RoundTally:
        """The round's tally over every ballot."""
        return self.tallies(cont, np.zeros(self.profile.n_rows, dtype=np.int32), 1)[0]

    def tally_views(self, view: View, cont: npt.NDArray[np.bool_]) -> list[RoundTally]:
        return self.tallies(cont, view.labels, len(view.names))

    def tallies(
        self, cont: npt.NDArray[np.bool_], groups: npt.NDArray[np.int32], k: int
    ) -> list[RoundTally]:
        """One tally per group of rows (``groups[row]``, -1: in none) at the end of the walks.

        Ballots still worth one vote are summed as integers; those carrying a fraction one by
        one, as RCTab adds them (so each sum keeps RCTab's decimal places).
        """
        n = self.n
        unit = groups >= 0
        for i in self.ftv:
            unit[i] = False
        active = unit & (self.status == ACTIVE) & (self.recipient >= 0)
        votes = np.zeros(k * n, dtype=np.int64)
        np.add.at(votes, groups[active] * n + self.recipient[active], self.weights[active])
        counted = np.zeros(k * 7, dtype=np.int64)
        np.add.at(counted, groups[unit] * 7 + self.status[unit], self.weights[unit])
        extra: dict[tuple[int, int], Decimal] = {}
        extra_status: dict[tuple[int, int], Decimal] = {}
        for i in self.ftv:
            g = int(groups[i])
            if g < 0:
                continue
            amount = self.ftv[i] * self.wlist[i]
            key = (g, int(self.recipient[i]) if self.status[i] == ACTIVE else int(self.status[i]))
            into = extra if self.status[i] == ACTIVE else extra_status
            into[key] = into.get(key, ZERO) + amount
        live = np.flatnonzero(cont).tolist()
        out = []
        for g in range(k):
            tally: dict[int, Decimal] = {}
            for c in live:
                whole = Decimal(int(votes[g * n + c]))
                tally[c] = whole + extra[(g, c)] if (g, c) in extra else whole
            status = [ZERO] * 7
            for s in range(1, 7):
                base = Decimal(int(counted[g * 7 + s]))
                status[s] = base + extra_status[(g, s)] if (g, s) in extra_status else base
            status[ACTIVE] = sum(tally.values(), ZERO)
            out.append(RoundTally(self.round, tally, status))
        return out

    def set_threshold(self) -> None:
        now = self.rounds[-1]
        if self.recompute_threshold():
            now.threshold = self.threshold_of(now.active_sum())
        else:
            now.threshold = self.rounds[-2].threshold
        for view in self.views:
            for tallies in view.rounds.values():
                tallies[-1].threshold = now.threshold

    def recompute_threshold(self) -> bool:
        if self.seats > 1 or self.round == 1:
            return self.round == 1
        if self.rules.first_round_determines_threshold:
            return False
        if self.rules.continue_until_two:
            return not self.winner_round
        return True

    def threshold_of(self, total: Decimal) -> Decimal:
        rules = self.rules
        if rules.winner_mode == "bottomsUpUsingPercentageThreshold":
            return total * rules.percentage()
        divisor = self.seats if rules.hare_quota else self.seats + 1
        places = rules.places if rules.non_integer_threshold else 0
        if rules.hare_quota:
            return truncate(Fraction(total) / divisor, places, up=True)
        return truncate(Fraction(total) / divisor, places) + ONE.scaleb(-places)

    # -- decisions -----------------------------------------------------------------------------

    def decide_round(self) -> None:
        now = self.rounds[-1]
        by_votes = self.tally_to_candidates(now)
        winners = self.identify_winners(now, by_votes)
        if winners:
            for d in winners:
                self.winner_round[d.code] = self.round
            self.decisions[self.round].extend(winners)
            if self.uses_surpluses:
                for d in winners:
                    self.allocate_surplus(d.code, now)
            return
        won, out = len(self.winner_round), len(self.eliminated_round)
        if (
            won < self.seats
            or (self.rules.continue_until_two and out < self.num_candidates - 2)
            or self.rules.winner_mode == "bottomsUpUsingPercentageThreshold"
        ):
            losers = (
                self.drop_write_ins(now)
                or self.cutoff(now)
                or self.batch_eliminate(by_votes)
                or self.regular_elimination(by_votes)
            )
            for d in losers:
                self.eliminated_round[d.code] = self.round
            self.decisions[self.round].extend(losers)

    @staticmethod
    def tally_to_candidates(now: RoundTally) -> dict[Decimal, list[int]]:
        out: dict[Decimal, list[int]] = {}
        for c, v in now.tally.items():
            out.setdefault(v, []).append(c)
        return dict(sorted(out.items()))

    def identify_winners(
        self, now: RoundTally, by_votes: dict[Decimal, list[int]]
    ) -> list[Decision]:
        rules = self.rules
        if self.uwi is not None and now.tally.get(self.uwi, ZERO) != 0:
            return []
        active = len(now.tally)
        if rules.winner_mode == "bottomsUpUsingPercentageThreshold":
            over = sum(1 for v in now.tally.values() if v > now.threshold)
            return [Decision(c, True) for c in now.tally] if over == active else []
        unfilled = self.seats - len(self.winner_round)
        chosen: list[int] = []
        if unfilled > 0:
            if active <= unfilled:
                chosen = list(now.tally)
            elif rules.first_round_determines_threshold and active - 1 == self.seats:
                chosen = list(by_votes[max(by_votes)])
            elif rules.winner_mode != "bottomsUp":
                chosen = [
                    c
                    for v, cs in by_votes.items()
                    if v >= now.threshold
                    for c in cs
                    if c != self.uwi
                ]
        several = len(chosen) > 1 and (
            rules.winner_mode == "multiWinnerAllowOnlyOneWinnerPerRound"
            or rules.first_round_determines_threshold
        )
        none_of_two = self.seats == 1 and not chosen and active == 2 and unfilled == 1
        if several or none_of_two:
            top = by_votes[max(by_votes)]
            if len(top) > 1:
                return [Decision(self.break_tie(top, True), True, True)]
            chosen = list(top)
        return [Decision(c, True) for c in chosen]

    def allocate_surplus(self, winner: int, now: RoundTally) -> None:
        places = self.rules.places
        votes = now.tally[winner]
        extra = votes - now.threshold
        fraction = truncate(Fraction(extra) / Fraction(votes), places) if extra > 0 else ZERO
        for i in np.flatnonzero(self.recipient == winner).tolist():
            value = self.value(i)
            moving = truncate(Fraction(value) * Fraction(fraction), places)
            self.alloc.setdefault(i, {})[winner] = value - moving
            left = ONE
            for kept in self.alloc[i].values():
                left -= kept
            self.ftv[i] = left

    def drop_write_ins(self, now: RoundTally) -> list[Decision]:
        if self.uwi is not None and now.tally.get(self.uwi, ZERO) > 0:
            return [Decision(self.uwi, False)]
        return []

    def cutoff(self, now: RoundTally) -> list[Decision]:
        if not self.rules.cutoff_elimination:
            return []
        return [Decision(c, False) for c, v in now.tally.items() if v < now.threshold]

    def batch_eliminate(self, by_votes: dict[Decimal, list[int]]) -> list[Decision]:
        if not self.rules.batch_elimination:
            return []
        running = ZERO
        seen: list[int] = []
        gone: list[int] = []
        before: list[int] = []
        for votes, cands in by_votes.items():
            fresh = list(gone)
            if running < votes:
                fresh += [c for c in seen if c not in gone]
            running += truncate(votes * len(cands), self.rules.places)
            seen += cands
            if len(fresh) > len(gone):
                before, gone = gone, fresh
        if (
            self.rules.continue_until_two
            and len(gone) + len(self.eliminated_round) == self.num_candidates - 1
        ):
            gone = before
        return [Decision(c, False) for c in gone] if len(gone) > 1 else []

    def regular_elimination(self, by_votes: dict[Decimal, list[int]]) -> list[Decision]:
        if not by_votes:
            raise CountError(f"round {self.round}: no candidate is left to eliminate")
        last = by_votes[min(by_votes)]
        if len(last) == 1:
            return [Decision(last[0], False)]
        return [Decision(self.break_tie(last, False), False, True)]

    # -- ties ----------------------------------------------------------------------------------

    def break_tie(self, tied: list[int], selecting_winner: bool) -> int:
        history = [rt.tally for rt in self.rounds]
        chosen, record = self.ties.select(tied, selecting_winner, self.round, history)
        self.tiebreaks[self.round].append(record)
        return chosen

    # -- winners' tallies after surpluses ------------------------------------------------------

    def update_winner_tallies(self) -> None:
        r = self.round
        to_process = [w for w, wr in self.winner_round.items() if wr != r]
        requiring = {w for w in to_process if self.winner_round[w] == r - 1}
        now, before = self.rounds[r - 1], self.rounds[r - 2] if r >= 2 else None
        for w in to_process:
            now.set_via_surplus(w, ZERO if w in requiring or before is None else before.tally[w])
        for view in self.views:
            for tallies in view.rounds.values():
                last = tallies[-2] if r >= 2 else None
                for w in to_process:
                    base = ZERO if w in requiring or last is None else last.tally[w]
                    tallies[-1].set_via_surplus(w, base)
        if not requiring:
            return
        for i, kept in self.alloc.items():
            for w, v in kept.items():
                if w not in requiring:
                    continue
                amount = v * self.wlist[i]
                now.set_via_surplus(w, now.tally[w] + amount)
                for view in self.views:
                    label = int(view.labels[i])
                    if label >= 0:
                        t = view.rounds[label][-1]
                        t.set_via_surplus(w, t.tally[w] + amount)
        for w in requiring:
            residual = now.tally[w] - now.threshold
            if residual > 0:
                self.residual[r] += residual
                now.set_via_surplus(w, now.threshold)
                self.transfers[r][(w, RESIDUAL)] += residual
