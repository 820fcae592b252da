"""RCTab's tabulation rules (the Universal RCV Tabulator, v2.0) as the method ``rctab``.

Every switch of an RCTab contest config's ``rules`` section has a switch here, named in
RCTab's own words and taking RCTab's values (``winner_mode=multiWinnerAllowOnlyOneWinnerPerRound``,
``overvote_rule=exhaustIfMultipleContinuing``, ``tiebreak_mode=previousRoundCountsThenRandom``
...). The count itself is :mod:`shortlist.methods.rctab_tabulator`; this module registers it,
runs the passes of a multi-pass IRV count and turns RCTab's round tallies into a
:class:`~shortlist.methods.result.Result`.

A round of the result reads like a round of RCTab's detailed report: ``tally`` is the round's
tally (winners of earlier rounds at their locked-in value), ``transfers`` what each candidate
elected or eliminated in the round passed on in the next one (``residual`` the residual
surplus), and ``extra`` the ballots by status (``overvotes``, ``skippedRankings``,
``exhaustedChoices``, ``repeatedRankings``, ``didNotRankAnyCandidates``,
``finalRoundSurplus``), the active ballots (``activeBallots``, locked-in votes included) and
the running residual surplus. ``exhausted`` counts every inactive ballot but the blank ones,
plus the final-round surplus, so that tally + exhausted + residual is every ranked ballot.

Vote values are RCTab's fixed-point decimals. Each value in the result is a :class:`Fixed`: an
exact :class:`~fractions.Fraction` that also remembers how many decimal places RCTab shows it
with (``14866`` and ``14866.0000`` are the same number, printed differently).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation, localcontext
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.rctab_tabulator import (
    EXHAUSTED,
    FINAL_ROUND_SURPLUS,
    RESIDUAL,
    STATUS_KEYS,
    UNCOUNTED,
    ZERO,
    RoundTally,
    Tabulation,
    View,
)
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Transfer
from shortlist.methods.rules import Rules, switch

WINNER_MODES = (
    "singleWinnerMajority",
    "multiWinnerAllowOnlyOneWinnerPerRound",
    "multiWinnerAllowMultipleWinnersPerRound",
    "bottomsUp",
    "bottomsUpUsingPercentageThreshold",
    "multiPassIrv",
)
TIEBREAK_MODES = (
    "random",
    "stopCountingAndAsk",
    "previousRoundCountsThenRandom",
    "previousRoundCountsThenAsk",
    "useCandidateOrder",
    "generatePermutation",
)
OVERVOTE_RULES = ("alwaysSkipToNextRank", "exhaustImmediately", "exhaustIfMultipleContinuing")
UNDECLARED_WRITE_INS = "Undeclared Write-ins"

EXACT = Context(prec=4000, traps=[InvalidOperation, DivisionByZero, Inexact])
"""Decimal arithmetic that never rounds unnoticed: every rounding RCTab does is explicit."""


class Fixed(Fraction):
    """An exact vote value that remembers RCTab's number of decimal places (its scale)."""

    __slots__ = ("places",)
    places: int

    @classmethod
    def of(cls, value: Decimal) -> Fixed:
        if cls is Fixed:  # a report repeats the same few values (by precinct, by round)
            return _fixed(str(value))
        return cls._of(value)

    @classmethod
    def _of(cls, value: Decimal) -> Fixed:
        out = cls(value)
        exponent = value.as_tuple().exponent
        out.places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return out

    def text(self) -> str:
        """The value as RCTab prints it (``BigDecimal.toString``)."""
        return str(self.decimal())

    def decimal(self) -> Decimal:
        with localcontext(EXACT):
            return (
                Decimal(self.numerator) / Decimal(self.denominator)
                if self.places == 0
                else (
                    (Decimal(self.numerator) / Decimal(self.denominator)).quantize(
                        Decimal(1).scaleb(-self.places)
                    )
                )
            )


@dataclass(frozen=True)
class RctabRules(Rules):
    """Switches of an RCTab contest (its config's ``rules``), in RCTab's words."""

    winner_mode: str = switch(
        "singleWinnerMajority", "winnerElectionMode: how winners are chosen.", WINNER_MODES
    )
    tiebreak_mode: str = switch(
        "useCandidateOrder", "tiebreakMode: how a tie is broken (lots use seed).", TIEBREAK_MODES
    )
    overvote_rule: str = switch(
        "alwaysSkipToNextRank", "overvoteRule: what a rank marked twice does.", OVERVOTE_RULES
    )
    places: int = switch(4, "decimalPlacesForVoteArithmetic: places of every vote value.")
    max_skipped_ranks: int | None = switch(
        None, "maxSkippedRanksAllowed: consecutive skipped ranks allowed (none: unlimited)."
    )
    max_rankings: int | None = switch(
        None, "maxRankingsAllowed: the most rankings a ballot may hold (none: max)."
    )
    non_integer_threshold: bool = switch(
        False, "nonIntegerWinningThreshold: Droop threshold to `places` decimals, not whole."
    )
    hare_quota: bool = switch(False, "hareQuota: votes / seats (rounded up), not Droop.")
    first_round_determines_threshold: bool = switch(
        False, "doesFirstRoundDetermineThreshold: keep round 1's threshold throughout."
    )
    batch_elimination: bool = switch(
        False, "batchElimination: drop at once all who cannot catch the next candidate."
    )
    cutoff_elimination: bool = switch(
        False, "cutoffElimination: drop at once all below the bottoms-up threshold."
    )
    continue_until_two: bool = switch(
        False, "continueUntilTwoCandidatesRemain: count on after a majority to the last two."
    )
    stop_after_round: int | None = switch(
        None, "stopTabulationEarlyAfterRound: the last round to count (none: no limit)."
    )
    exhaust_on_duplicate: bool = switch(
        False, "exhaustOnDuplicateCandidate: a candidate ranked twice exhausts the ballot."
    )
    percentage_threshold: str = switch(
        "", "multiSeatBottomsUpPercentageThreshold, as written (e.g. '25' or '12.5')."
    )
    undeclared_write_ins: str = switch(
        UNDECLARED_WRITE_INS, "Name of the undeclared write-ins pseudo-candidate."
    )

    def problems(self) -> list[str]:
        out = [p for p in super().problems() if not p.startswith("switch seats")]
        if self.seats < 0:
            out.append(f"switch seats: must be at least 0, not {self.seats}")
        if not 1 <= self.places <= 20:
            out.append(f"switch places: must be from 1 to 20, not {self.places}")
        if self.winner_mode == "bottomsUpUsingPercentageThreshold":
            try:
                self.percentage()
            except (ArithmeticError, ValueError):
                out.append("switch percentage_threshold: a number from 1 to 100 is needed")
        return out

    def percentage(self) -> Decimal:
        """The bottoms-up threshold as a fraction of the vote (``'25'`` -> ``0.25``)."""
        text = self.percentage_threshold.strip()
        if not text:
            raise ValueError("no percentage threshold")
        return Decimal(text).scaleb(-2)

    def has_write_ins(self, names: Sequence[str]) -> bool:
        return self.undeclared_write_ins in names

    def permutation(self, names: Sequence[str], declared: Sequence[int]) -> list[int]:
        """Candidates in tie-break order, favoured first (``tie_order``, else declared order)."""
        if not self.tie_order:
            return list(declared)
        index = {n: i for i, n in enumerate(names)}
        return [index[n] for n in self.tie_order if n in index]


@dataclass(frozen=True)
class RctabResult(Result):
    """A finished RCTab count: the :class:`Result`, its passes and its slices.

    ``passes`` holds one result per pass of a multi-pass IRV count (one pass otherwise);
    ``slices[k]`` maps ``"precinct"``/``"batch"`` to a result per slice of pass ``k``.
    """

    passes: tuple[Result, ...] = ()
    slices: tuple[Mapping[str, Mapping[str, Result]], ...] = ()


@dataclass(frozen=True)
class Slices:
    """How to split the count: for each kind, the slice of every profile row (-1: none)."""

    kind: str
    labels: npt.NDArray[np.int32]
    names: tuple[str, ...] = field(default=())


@register("rctab", RctabRules, "RCTab (Universal RCV Tabulator) rules, report for report.")
def count_rctab(profile: Profile, rules: RctabRules) -> Result:
    return tabulate(profile, rules)


@functools.lru_cache(maxsize=1 << 16)
def _fixed(text: str) -> Fixed:
    """:meth:`Fixed.of` the decimal written ``text`` (its digits and scale), made once: a
    :class:`Fixed` never changes, so equal values can share one."""
    return Fixed._of(Decimal(text))


def tabulate(profile: Profile, rules: RctabRules, slices: Sequence[Slices] = ()) -> RctabResult:
    """Count ``profile`` as RCTab does; with ``slices``, also tally each precinct/batch."""
    with localcontext(EXACT):
        if rules.winner_mode == "multiPassIrv":
            runs = _multi_pass(profile, rules, slices)
        else:
            tab = Tabulation(profile, rules, profile.withdrawn, rules.seats, _views(slices))
            tab.run()
            runs = [tab]
        passes = [_result(t, rules) for t in runs]
        sliced = [_slice_results(t, rules) for t in runs]
    winners = tuple(w for p in passes for w in p.winners)
    rounds = tuple(r for p in passes for r in p.rounds) if len(passes) > 1 else passes[0].rounds
    notes = tuple(
        f"pass {k + 1} of {len(passes)} elected {', '.join(p.winners)}"
        for k, p in enumerate(passes)
    )
    return RctabResult(
        method="rctab",
        rules=rules.as_dict(),
        candidates=profile.candidates,
        winners=winners,
        rounds=rounds,
        notes=notes if len(passes) > 1 else (),
        passes=tuple(passes),
        slices=tuple(sliced),
    )


def _views(slices: Sequence[Slices]) -> list[View]:
    return [View(s.kind, s.labels, s.names) for s in slices]


def _multi_pass(profile: Profile, rules: RctabRules, slices: Sequence[Slices]) -> list[Tabulation]:
    runs: list[Tabulation] = []
    elected: set[int] = set()
    while len(runs) < rules.seats:
        tab = Tabulation(profile, rules, profile.withdrawn | elected, 1, _views(slices))
        tab.run()
        if len(tab.winner_round) != 1:
            raise CountError(
                f"pass {len(runs) + 1} of the multi-pass count elected "
                f"{len(tab.winner_round)} candidates, not one"
            )
        elected |= set(tab.winner_round)
        runs.append(tab)
    return runs


# -- results -----------------------------------------------------------------------------------


def _result(tab: Tabulation, rules: RctabRules) -> Result:
    rounds = tuple(
        _round(tab, rt, tab.transfers.get(rt.number + 1, {}), tab.residual[rt.number])
        for rt in tab.rounds
    )
    return Result(
        method="rctab",
        rules={**rules.as_dict(), "seats": tab.seats},
        candidates=tab.names,
        winners=tuple(tab.names[c] for c in tab.winner_round),
        rounds=rounds,
    )


def _slice_results(tab: Tabulation, rules: RctabRules) -> dict[str, dict[str, Result]]:
    out: dict[str, dict[str, Result]] = {}
    for view in tab.views:
        by_label: dict[str, Result] = {}
        for k, name in enumerate(view.names):
            rounds = tuple(
                _round(tab, rt, view.transfers.get(rt.number + 1, {}).get(k, {}), None)
                for rt in view.rounds.get(k, [])
            )
            by_label[name] = Result(
                method="rctab",
                rules={**rules.as_dict(), "seats": tab.seats, view.kind: name},
                candidates=tab.names,
                winners=tuple(tab.names[c] for c in tab.winner_round),
                rounds=rounds,
            )
        out[view.kind] = by_label
    return out


def _round(
    tab: Tabulation,
    rt: RoundTally,
    moves: Mapping[tuple[int, int | str], Decimal],
    residual: Decimal | None,
) -> Round:
    names = tab.names
    decisions = tab.decisions.get(rt.number, [])
    transfers = []
    for d in decisions:
        out = {t: v for (s, t), v in moves.items() if s == d.code and s != UNCOUNTED}
        if not out:
            continue
        transfers.append(
            Transfer(
                source=names[d.code],
                kind="surplus" if d.elected else "elimination",
                to={names[t]: Fixed.of(v) for t, v in out.items() if isinstance(t, int)},
                exhausted=Fixed.of(out.get(EXHAUSTED, ZERO)),
                residual=Fixed.of(out.get(RESIDUAL, ZERO)),
            )
        )
    extra: dict[str, Fraction] = {
        key: Fixed.of(rt.status[s]) for s, key in enumerate(STATUS_KEYS) if s > 0
    }
    extra["activeBallots"] = Fixed.of(rt.active_and_locked_in())
    extra["inactiveBallots"] = Fixed.of(rt.inactive_sum())
    if residual is not None:
        extra["residualSurplus"] = Fixed.of(residual)
    return Round(
        number=rt.number,
        tally={names[c]: Fixed.of(v) for c, v in rt.tally.items()},
        threshold=Fixed.of(rt.threshold),
        elected=tuple(names[d.code] for d in decisions if d.elected),
        eliminated=tuple(names[d.code] for d in decisions if not d.elected),
        transfers=tuple(transfers),
        exhausted=Fixed.of(rt.inactive_sum() - rt.status[1] + rt.status[FINAL_ROUND_SURPLUS]),
        residual=Fixed.of(residual if residual is not None else ZERO),
        tiebreaks=tuple(tab.tiebreaks.get(rt.number, [])),
        extra=extra,
    )


def tiebroken(round_: Round) -> frozenset[str]:
    """Candidates whose election or elimination in this round a tie-break decided."""
    return frozenset(c for t in round_.tiebreaks for c in t.chosen)


def final_round_surplus(round_: Round) -> Fraction:
    return round_.extra.get(STATUS_KEYS[FINAL_ROUND_SURPLUS], Fraction(0))
