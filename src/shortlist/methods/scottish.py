"""The Scottish STV rule: Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45-52.

The rule in the Order's own order of operations:

* **Quota** (46): the valid ballot papers divided by one more than the seats, the decimals
  ignored, plus one: ``floor(valid / (seats + 1)) + 1``.
* **Election** (47): a candidate whose votes equal or exceed the quota is elected.
* **Surplus** (48): *every* ballot paper credited to the transferring candidate is sorted by its
  next available preference for a continuing candidate (the weighted inclusive Gregory method).
  Each paper moves at the transfer value ``surplus x (value of the paper when received) / (the
  candidate's total votes)``, worked to five decimal places, any remainder ignored. A paper's value
  is one if it was a first preference for the candidate, else the transfer value it arrived with.
  Papers with no next preference are non-transferable; so is what truncation leaves over (the
  official count sheets fold both into "non-transferable"; here they are ``exhausted`` and
  ``residual``). The candidate keeps the quota.
* **Order of surpluses** (49): the largest surplus first; equal surpluses by the higher vote at the
  most recent preceding stage where they differed, then by lot.
* **Exclusion** (50, 51): when no surplus is left, the candidate with the fewest votes is excluded
  and all of its papers move at the value they carry (one for first preferences). Equal lowest by
  the lower vote at the most recent preceding stage where they differed, then by lot.
* **Last vacancies** (52): when the continuing candidates are as many as the vacancies, they are
  elected and nothing more is transferred.

A paper's preferences must run on without a gap: a skipped rank, or a rank marked for several
continuing candidates, leaves it with no next available preference (it is non-transferable).
Candidates withdrawn before the count are passed over.

Each :class:`Round` is one official stage. Its ``tally`` is the stage's vote figures and its
``elected`` the candidates who reach the quota there; its ``transfers`` are the surplus transfer or
the exclusion that the *next* stage carries out (the first stage is the first preferences; the
last round moves nothing). Lots draw from ``random.Random(seed)``; the seed is in the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.methods.ballots import Profile
from shortlist.methods.irv import start
from shortlist.methods.numbers import Arithmetic
from shortlist.methods.piles import Piles
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak, Transfer
from shortlist.methods.rules import Rules, switch
from shortlist.methods.tiebreak import TieBreaker

Rows = npt.NDArray[np.int64]


class Papers(Piles):
    """Where each distinct ballot paper lies, at what value, and in which batch it arrived.

    Values are fixed point: an integer count of ``1 / scale`` units (``scale = 10 ** places``), so
    a paper of value one holds ``scale`` units. Identical ballots always travel together, so a
    profile row is one bundle of papers. ``batch`` numbers the transfer that brought each row to
    the pile it is on (0: the first stage).
    """

    def __init__(self, profile: Profile, places: int) -> None:
        super().__init__(profile, start(profile), overvote="exhaust", max_skips=0)
        self.scale: int = 10**places
        self.arithmetic = Arithmetic(places)
        self.value = np.full(profile.n_rows, self.scale, dtype=np.int64)
        self.batch = np.zeros(profile.n_rows, dtype=np.int64)
        self.batches = 0

    def units(self, rows: Rows) -> int:
        """Total value of ``rows``, in units."""
        return int((self.weights[rows] * self.value[rows]).sum())

    def units_by_pile(self, rows: Rows | None = None) -> npt.NDArray[np.int64]:
        """Value on each candidate's pile (index ``c + 1``) and exhausted (index 0)."""
        if rows is None:
            rows = np.arange(self.profile.n_rows, dtype=np.int64)
        out = np.zeros(self.profile.n_candidates + 1, dtype=np.int64)
        np.add.at(out, self.top[rows] + 1, self.weights[rows] * self.value[rows])
        return out

    def fraction(self, units: int) -> Fraction:
        return Fraction(units, self.scale)

    def stop_receiving(self, candidates: Iterable[int]) -> None:
        """Candidates (elected) keep their papers but take no more."""
        for c in candidates:
            self.continuing[c] = False

    def move(self, rows: Rows) -> npt.NDArray[np.int64]:
        """Send ``rows`` on to their next available preference, as one new batch.

        Returns the value each candidate received (index ``c + 1``) and the exhausted value
        (index 0), in units.
        """
        self.batches += 1
        self.batch[rows] = self.batches
        self._advance(rows)
        return self.units_by_pile(rows)

    def surplus_value(self, surplus: int, value: int, total: int) -> int:
        """``surplus x value / total`` truncated to the places, in units (all in units)."""
        exact = Fraction(surplus * value, total * self.scale)
        return int(self.arithmetic.round(exact) * self.scale)


@dataclass(frozen=True)
class ScottishRules(Rules):
    """Switches of the Scottish rule (SSI 2007/42)."""

    places: int = switch(5, "Decimal places of transfer values, remainders ignored (the Order: 5).")

    def problems(self) -> list[str]:
        return super().problems() + places_problems(self.places)


def places_problems(places: int) -> list[str]:
    """The check of a ``places`` switch (at most 9, so that values stay within 64-bit sums)."""
    if 0 <= places <= 9:
        return []
    return [f"switch places: must be 0 to 9 decimal places, not {places}"]


class Sheet:
    """The count sheet shared by the Scottish and ERS97 counts: votes, states, stages, ties."""

    def __init__(self, profile: Profile, rules: Rules, places: int) -> None:
        self.names = profile.candidates
        self.seats = rules.seats
        self.papers = Papers(profile, places)
        counts = self.papers.units_by_pile()
        self.valid = int(counts.sum() - counts[0]) // self.papers.scale
        self.votes = [int(v) for v in counts[1:]]
        self.hopeful = [c for c in range(len(self.names)) if self.papers.continuing[c]]
        self.elected: list[int] = []
        self.excluded: list[int] = []
        self.pending: list[int] = []
        self.exhausted = 0
        self.residual = 0
        self.history: list[dict[int, Fraction]] = []
        self.ties = TieBreaker(rules.tie_policy(), self.names)

    @property
    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    def tally(self) -> dict[int, Fraction]:
        """Votes of every elected and continuing candidate, in candidate order.

        An excluded candidate whose papers were not all moved (the seats were filled first) is
        shown with what it still holds.
        """
        held = [c for c in self.excluded if self.votes[c]]
        shown = sorted(self.elected + self.hopeful + held)
        return {c: self.papers.fraction(self.votes[c]) for c in shown}

    def lost(self) -> tuple[Fraction, Fraction]:
        """The running non-transferable totals: exhausted papers and rounding residual."""
        return self.papers.fraction(self.exhausted), self.papers.fraction(self.residual)

    def elect(self, candidates: list[int], quota: int) -> None:
        self.papers.stop_receiving(candidates)
        for c in candidates:
            self.hopeful.remove(c)
            self.elected.append(c)
            if self.votes[c] > quota:
                self.pending.append(c)

    def exclude(self, c: int) -> None:
        self.hopeful.remove(c)
        self.excluded.append(c)

    def by_votes(self, candidates: list[int], tally: dict[int, Fraction]) -> list[int]:
        """Candidates in descending order of votes; equal votes by earlier stages, then lot."""
        out: list[int] = []
        pool = sorted(candidates, key=lambda c: -self.votes[c])
        while pool:
            top = [c for c in pool if self.votes[c] == self.votes[pool[0]]]
            pick = top[0] if len(top) == 1 else self.ties.pick_highest(top, self.history)[0]
            out.append(pick)
            pool.remove(pick)
        return out

    def credit(self, got: npt.NDArray[np.int64]) -> dict[str, Fraction]:
        """Add what a transfer gave each candidate (``got[c + 1]``) and exhausted (``got[0]``)."""
        to = {}
        for c in np.flatnonzero(got[1:]).tolist():
            self.votes[c] += int(got[c + 1])
            to[self.names[c]] = self.papers.fraction(int(got[c + 1]))
        self.exhausted += int(got[0])
        return to

    def transfer(self, source: int, kind: str, got: npt.NDArray[np.int64], amount: int) -> Transfer:
        """Credit what ``source`` passed on, and record it; ``amount`` is the value sent."""
        to = self.credit(got)
        exhausted = int(got[0])
        residual = amount - int(got.sum())
        self.residual += residual
        return Transfer(
            source=self.names[source],
            kind=kind,
            to=to,
            exhausted=self.papers.fraction(exhausted),
            residual=self.papers.fraction(residual),
        )

    def round(
        self,
        number: int,
        tally: dict[int, Fraction],
        lost: tuple[Fraction, Fraction],
        quota: int,
        **fields: object,
    ) -> Round:
        """A stage: its ``tally`` and running ``lost`` totals, and what it did."""
        return Round(
            number=number,
            tally={self.names[c]: v for c, v in tally.items()},
            threshold=self.papers.fraction(quota),
            exhausted=lost[0],
            residual=lost[1],
            **fields,  # type: ignore[arg-type]
        )

    def winners(self) -> tuple[str, ...]:
        return tuple(self.names[c] for c in self.elected)


@register(
    "stv-scottish",
    ScottishRules,
    "Scottish STV (SSI 2007/42): Droop quota, inclusive Gregory surpluses to 5 decimals.",
)
def count_scottish(profile: Profile, rules: ScottishRules) -> Result:
    sheet = Sheet(profile, rules, rules.places)
    quota = (sheet.valid // (rules.seats + 1) + 1) * sheet.papers.scale
    rounds: list[Round] = []
    while True:
        tally, lost = sheet.tally(), sheet.lost()
        newly = sheet.by_votes([c for c in sheet.hopeful if sheet.votes[c] >= quota], tally)
        sheet.elect(newly, quota)
        if sheet.seats_left <= 0 or len(sheet.hopeful) <= sheet.seats_left:
            last = sheet.by_votes(list(sheet.hopeful), tally) if sheet.seats_left > 0 else []
            sheet.elect(last, quota)
            elected = tuple(sheet.names[c] for c in newly + last)
            rounds.append(sheet.round(len(rounds) + 1, tally, lost, quota, elected=elected))
            break
        breaks: list[Tiebreak] = []
        eliminated: tuple[str, ...] = ()
        if sheet.pending:
            transfer = _transfer_surplus(sheet, _surplus(sheet, breaks), quota)
        else:
            source = _lowest(sheet, breaks)
            eliminated = (sheet.names[source],)
            transfer = _transfer_exclusion(sheet, source)
        rounds.append(
            sheet.round(
                len(rounds) + 1,
                tally,
                lost,
                quota,
                elected=tuple(sheet.names[c] for c in newly),
                eliminated=eliminated,
                transfers=(transfer,),
                tiebreaks=tuple(breaks),
            )
        )
        sheet.history.append(tally)
    return Result(
        method="stv-scottish",
        rules=rules.as_dict(),
        candidates=sheet.names,
        winners=sheet.winners(),
        rounds=tuple(rounds),
        places=rules.places,
    )


def _surplus(sheet: Sheet, breaks: list[Tiebreak]) -> int:
    """The elected candidate whose surplus goes next: the largest (rule 49)."""
    high = max(sheet.votes[c] for c in sheet.pending)
    tied = [c for c in sheet.pending if sheet.votes[c] == high]
    if len(tied) == 1:
        return tied[0]
    chosen, tb = sheet.ties.pick_highest(tied, sheet.history, purpose="surplus")
    breaks.append(tb)
    return chosen


def _lowest(sheet: Sheet, breaks: list[Tiebreak]) -> int:
    """The continuing candidate to exclude: the fewest votes (rules 50, 51)."""
    low = min(sheet.votes[c] for c in sheet.hopeful)
    tied = [c for c in sheet.hopeful if sheet.votes[c] == low]
    if len(tied) == 1:
        return tied[0]
    chosen, tb = sheet.ties.pick_lowest(tied, sheet.history, purpose="exclude")
    breaks.append(tb)
    return chosen


def _transfer_surplus(sheet: Sheet, source: int, quota: int) -> Transfer:
    """Rule 48: every paper of ``source`` moves at surplus x its value / its total, truncated."""
    papers = sheet.papers
    sheet.pending.remove(source)
    total = sheet.votes[source]
    surplus = total - quota
    rows = papers.rows_on([source])
    old = papers.value[rows]
    new = np.empty_like(old)
    for value in np.unique(old).tolist():
        new[old == value] = papers.surplus_value(surplus, value, total)
    papers.value[rows] = new
    got = papers.move(rows)
    sheet.votes[source] = quota
    transfer = sheet.transfer(source, "surplus", got, surplus)
    values = np.unique(new)
    if values.size == 1:
        transfer = _with_value(transfer, papers.fraction(int(values[0])))
    return transfer


def _with_value(transfer: Transfer, value: Fraction) -> Transfer:
    return Transfer(
        transfer.source, transfer.kind, transfer.to, transfer.exhausted, transfer.residual, value
    )


def _transfer_exclusion(sheet: Sheet, source: int) -> Transfer:
    """Rule 50: every paper of the excluded candidate moves at the value it carries."""
    sheet.exclude(source)
    papers = sheet.papers
    papers.continuing[source] = False
    rows = papers.rows_on([source])
    amount = sheet.votes[source]
    got = papers.move(rows)
    sheet.votes[source] = 0
    return sheet.transfer(source, "elimination", got, amount)


__all__ = ["Papers", "ScottishRules", "Sheet", "count_scottish"]
