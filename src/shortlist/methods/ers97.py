"""ERS97: the Electoral Reform Society's STV rules (How to conduct an election by the Single
Transferable Vote, 3rd edition, 1997), sections 5.1-5.6.

The Scottish rule (:mod:`shortlist.methods.scottish`) descends from these rules. What differs:

1. **Two decimal places** (5.1.6, 5.3.7), not five.
2. **Quota** (5.1.6): the total valid vote divided by one more than the seats, taken to two
   decimals and rounded *up* (a remainder is dropped and 0.01 added), not ``floor(...) + 1``.
   Until someone is elected it is worked again without the non-transferable vote (5.4.8).
3. **Election** (5.1.7, 5.3.13, 5.4.9): also whoever reaches the total active vote divided by one
   more than the places unfilled, when that is below the quota. Candidates equal at the last place
   are split by the earliest point where they differed; if they never did, none is elected at that
   stage (5.6.2).
4. **Surplus from the last batch** (5.3.1, 5.3.2): a first-stage surplus takes every paper; a
   later one only the last batch received (papers of one value in one transfer). The transfer value
   is ``surplus / transferable papers`` to two decimals, remainder ignored, if the papers carry more
   than the surplus; otherwise each paper moves at its present value (5.3.7). What is not passed
   on (the neglected remainder, or surplus that found no next preference) is non-transferable.
5. **Deferred surpluses** (5.2.2): surpluses are not transferred while their total could not
   lift the lowest candidate(s) above the next one up (they could not change who is excluded).
6. **Exclusion of several at once** (5.2.5): the largest group of lowest candidates whose votes,
   with any deferred surpluses, do not exceed the next candidate's, leaving enough to fill the
   places.
7. **Exclusion batch by batch** (5.4): the excluded papers move in batches of one value, highest
   first; after each batch candidates may be elected and then receive nothing more (5.4.10), and
   when the places are all filled nothing more moves (5.5.2).
8. **Ties** (5.2.3, 5.2.5): by the *earliest* point of the count (the first stage, or after any
   batch) where the votes differed, then by lot; the Scottish rule looks at the most recent stage.
9. **End** (5.5.1): if an exclusion would leave as many continuing candidates as places, they are
   all elected and nothing is transferred.

Each :class:`Round` is one stage, laid out as in :mod:`shortlist.methods.scottish`: the tally is
the stage's result sheet row and ``elected`` those deemed elected at that stage (during an
exclusion, elected after one of its batches); ``transfers`` and ``eliminated`` are what the next
stage does.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from shortlist.methods.ballots import Profile
from shortlist.methods.numbers import ZERO
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak, Transfer
from shortlist.methods.rules import Rules, switch
from shortlist.methods.scottish import Sheet, places_problems


@dataclass(frozen=True)
class ERS97Rules(Rules):
    """Switches of the ERS97 rules."""

    ties: str = switch(
        "previous-rounds-forward,lot",
        "Tie policy chain; ERS97 looks at the earliest point where the votes differed, then lot.",
    )
    places: int = switch(2, "Decimal places of votes and transfer values (ERS97: 2).")
    defer_surpluses: bool = switch(
        True, "Defer surpluses that cannot change the exclusion (5.2.2)."
    )
    bulk_exclusion: bool = switch(
        True, "Exclude every candidate who cannot catch up at once (5.2.5)."
    )

    def problems(self) -> list[str]:
        return super().problems() + places_problems(self.places)


class ERS97Count:
    """One count under ERS97: the sheet, the quota in force and every point of the count."""

    def __init__(self, profile: Profile, rules: ERS97Rules) -> None:
        self.rules = rules
        self.sheet = Sheet(profile, rules, rules.places)
        self.points = self.sheet.history  # the tally after the first stage and every batch
        self.quota = self._quota()
        self.newly: list[int] = []
        self.breaks: list[Tiebreak] = []
        self._mark_point()
        self._elect_reached()

    # -- quota, election ------------------------------------------------------------------------

    def _quota(self) -> int:
        """5.1.6 and 5.4.8: (valid - non-transferable) / (seats + 1), rounded up, in units."""
        sheet = self.sheet
        votes = sheet.valid * sheet.papers.scale - sheet.exhausted - sheet.residual
        return -(-votes // (sheet.seats + 1))

    def _active(self) -> int:
        """Total active vote: continuing candidates, surpluses and papers awaiting transfer."""
        sheet = self.sheet
        held = sum(sheet.votes[c] for c in sheet.hopeful + sheet.excluded)
        return held + sum(max(sheet.votes[c] - self.quota, 0) for c in sheet.pending)

    def _reaches(self, c: int) -> bool:
        votes = self.sheet.votes[c]
        share = votes * (self.sheet.seats_left + 1) >= self._active()
        return votes >= self.quota or (votes > 0 and share)

    def _elect_reached(self) -> None:
        """Deem elected, highest first, whoever reaches the quota or the active-vote share."""
        sheet = self.sheet
        while sheet.seats_left > 0:
            reached = sorted((c for c in sheet.hopeful if self._reaches(c)), key=self._desc)
            chosen = self._fit(reached, sheet.seats_left)
            if not chosen:
                return
            sheet.elect(chosen, self.quota)
            self.newly += chosen

    def _desc(self, c: int) -> tuple[Fraction, ...]:
        """Sort key: most votes now, then most at the earliest point where they differed."""
        return (-Fraction(self.sheet.votes[c]), *(-p.get(c, ZERO) for p in self.points))

    def _fit(self, reached: list[int], places: int) -> list[int]:
        """5.6.2: at most ``places``; a tie at the cut never broken by the count elects none."""
        if len(reached) <= places:
            return reached
        cut = self._desc(reached[places - 1])
        if cut != self._desc(reached[places]):
            return reached[:places]
        return [c for c in reached[:places] if self._desc(c) != cut]

    def _mark_point(self) -> None:
        sheet = self.sheet
        self.points.append({c: sheet.papers.fraction(v) for c, v in enumerate(sheet.votes)})

    # -- surpluses ------------------------------------------------------------------------------

    def _surpluses(self) -> int:
        return sum(self.sheet.votes[c] - self.quota for c in self.sheet.pending)

    def _surplus_to_transfer(self) -> int | None:
        """5.2.2, 5.2.3: the largest surplus, unless every surplus is deferred."""
        sheet = self.sheet
        if not sheet.pending:
            return None
        if self.rules.defer_surpluses and self._excludable(self._surpluses()) >= 1:
            return None
        high = max(sheet.votes[c] for c in sheet.pending)
        tied = [c for c in sheet.pending if sheet.votes[c] == high]
        if len(tied) == 1:
            return tied[0]
        chosen, tb = sheet.ties.pick_highest(tied, self.points, purpose="surplus")
        self.breaks.append(tb)
        return chosen

    def _transfer_surplus(self, source: int) -> Transfer:
        """5.3: the last batch received moves, at surplus / transferable papers if that is less."""
        sheet, papers = self.sheet, self.sheet.papers
        sheet.pending.remove(source)
        surplus = sheet.votes[source] - self.quota
        rows = papers.rows_on([source])
        rows = rows[papers.batch[rows] == papers.batch[rows].max()]
        papers.move(rows)
        onward = rows[papers.top[rows] >= 0]
        papers.value[rows[papers.top[rows] < 0]] = 0
        count, carried = int(papers.weights[onward].sum()), papers.units(onward)
        value = None
        if carried > surplus:
            tv = papers.arithmetic.round(Fraction(surplus, count * papers.scale)) * papers.scale
            papers.value[onward] = int(tv)
            value = papers.fraction(int(tv))
        got = papers.units_by_pile(rows)
        if carried <= surplus:
            got[0] = surplus - int(got.sum())  # no next preference: not passed on
        sheet.votes[source] = self.quota
        transfer = sheet.transfer(source, "surplus", got, surplus)
        self._mark_point()
        self._elect_reached()
        return Transfer(
            source=transfer.source,
            kind="surplus",
            to=transfer.to,
            exhausted=transfer.exhausted,
            residual=transfer.residual,
            value=value,
        )

    # -- exclusion ------------------------------------------------------------------------------

    def _excludable(self, extra: int) -> int:
        """5.2.5: how many of the lowest may go together, with ``extra`` deferred surplus."""
        sheet = self.sheet
        votes = sorted(sheet.votes[c] for c in sheet.hopeful)
        most = len(votes) - sheet.seats_left if self.rules.bulk_exclusion else 1
        best, running = 0, extra
        for k in range(1, min(most, len(votes) - 1) + 1):
            running += votes[k - 1]
            if running <= votes[k]:
                best = k
        return best

    def _to_exclude(self) -> list[int]:
        """The lowest candidate(s), equal votes at the cut split by the tie rule."""
        sheet = self.sheet
        k = max(self._excludable(self._surpluses() if sheet.pending else 0), 1)
        order = sorted(sheet.hopeful, key=lambda c: sheet.votes[c])
        line = sheet.votes[order[k - 1]]
        out = [c for c in order if sheet.votes[c] < line]
        tied = [c for c in order if sheet.votes[c] == line]
        if len(out) + len(tied) <= k:  # every one of them goes: no tie to break
            return out + tied
        while len(out) < k:
            if len(tied) == 1:
                out.append(tied.pop())
                continue
            loser, tb = sheet.ties.pick_lowest(tied, self.points, purpose="exclude")
            self.breaks.append(tb)
            tied.remove(loser)
            out.append(loser)
        return out

    def _exclude(self, losers: list[int]) -> tuple[Transfer, ...]:
        """5.4: the losers' papers move together, a batch per value, highest value first."""
        sheet, papers = self.sheet, self.sheet.papers
        for c in losers:
            sheet.exclude(c)
        papers.stop_receiving(losers)
        rows = papers.rows_on(losers)
        origin = papers.top[rows].copy()
        sent = {c: np.zeros(len(sheet.names) + 1, dtype=np.int64) for c in losers}
        for value in sorted(set(papers.value[rows].tolist()), reverse=True):
            if sheet.seats_left <= 0:
                break  # 5.5.2: the places are filled; nothing more moves
            batch = papers.value[rows] == value
            papers.move(rows[batch])
            for c in losers:
                part = rows[batch & (origin == c)]
                got = papers.units_by_pile(part)
                sheet.votes[c] -= int(got.sum())
                sheet.credit(got)
                sent[c] += got
            if not sheet.elected:
                self.quota = self._quota()
            self._mark_point()
            self._elect_reached()
        return tuple(self._record(c, sent[c]) for c in losers)

    def _record(self, source: int, got: np.ndarray) -> Transfer:
        papers, names = self.sheet.papers, self.sheet.names
        to = {names[c]: papers.fraction(int(got[c + 1])) for c in np.flatnonzero(got[1:]).tolist()}
        exhausted = papers.fraction(int(got[0]))
        return Transfer(names[source], "elimination", to, exhausted)

    # -- stages ---------------------------------------------------------------------------------

    def run(self) -> list[Round]:
        sheet = self.sheet
        rounds: list[Round] = []
        while True:
            tally, lost, quota = sheet.tally(), sheet.lost(), self.quota
            newly, breaks = self._take()
            stage = len(rounds) + 1
            if sheet.seats_left <= 0 or len(sheet.hopeful) <= sheet.seats_left:
                rest = self._elect_rest()
                rounds.append(sheet.round(stage, tally, lost, quota, elected=newly + rest))
                return rounds
            source = self._surplus_to_transfer()
            eliminated: tuple[str, ...] = ()
            if source is not None:
                transfers: tuple[Transfer, ...] = (self._transfer_surplus(source),)
            else:
                losers = self._to_exclude()
                eliminated = tuple(sheet.names[c] for c in losers)
                if len(sheet.hopeful) - len(losers) <= sheet.seats_left:  # 5.5.1
                    for c in losers:
                        sheet.exclude(c)
                    rest = self._elect_rest()
                    breaks += tuple(self.breaks)
                    rounds.append(
                        sheet.round(
                            stage,
                            tally,
                            lost,
                            quota,
                            elected=newly + rest,
                            eliminated=eliminated,
                            tiebreaks=breaks,
                        )
                    )
                    return rounds
                transfers = self._exclude(losers)
            breaks += tuple(self.breaks)
            self.breaks = []
            rounds.append(
                sheet.round(
                    stage,
                    tally,
                    lost,
                    quota,
                    elected=newly,
                    eliminated=eliminated,
                    transfers=transfers,
                    tiebreaks=breaks,
                )
            )

    def _take(self) -> tuple[tuple[str, ...], tuple[Tiebreak, ...]]:
        """The candidates elected and the ties broken since the last stage was written."""
        names = self.sheet.names
        newly = tuple(names[c] for c in self.newly)
        breaks = tuple(self.breaks)
        self.newly, self.breaks = [], []
        return newly, breaks

    def _elect_rest(self) -> tuple[str, ...]:
        """5.5.1: the continuing candidates fill the places left, highest first."""
        sheet = self.sheet
        if sheet.seats_left <= 0:
            return ()
        rest = sorted(sheet.hopeful, key=self._desc)
        sheet.elect(rest, self.quota)
        return tuple(sheet.names[c] for c in rest)


@register(
    "stv-ers97",
    ERS97Rules,
    "ERS97 STV: surpluses from the last batch to 2 decimals, deferral, bulk exclusion.",
)
def count_ers97(profile: Profile, rules: ERS97Rules) -> Result:
    count = ERS97Count(profile, rules)
    rounds = count.run()
    return Result(
        method="stv-ers97",
        rules=rules.as_dict(),
        candidates=count.sheet.names,
        winners=count.sheet.winners(),
        rounds=tuple(rounds),
        places=rules.places,
    )
