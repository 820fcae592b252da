"""Counts of score and approval ballots: approval, score-sum, score-average, rrv, star,
committee-additions.

A score ballot gives some candidates a score on the declared scale and leaves the others
unscored ("not seen"), which is not the same as the lowest score. Sums count an unscored
candidate as 0; averages are over the voters who scored the candidate.

* ``approval``: the most approvals win; ``seats = K`` elects the top K, or with
  ``proportional`` one seat a round by sequential proportional approval (each ballot weighs
  1 / (1 + approved candidates already elected)).
* ``score-sum``: the highest total score.
* ``score-average`` (ACADEMY.md §3.3): the highest average score among the candidates scored by
  at least ``min_scorers`` voters with an average of at least ``floor``; the top K advance.
  A tie at the cut: include all tied (``cut_tie = all``) or prefer more scorers, then the tie
  policy (``more-scorers``).
* ``rrv`` (re-weighted range voting, §3.3): one seat a round to the highest weighted total,
  each ballot weighing 1 / (1 + (its scores of the elected) / the top of the scale).
* ``star`` (score then automatic runoff): the two highest totals meet in a runoff won by the
  one scored higher on more ballots (an unscored candidate is below any score); a runoff tie
  goes to the higher total, then the tie policy.
* ``committee-additions`` (§3.3): the general vote (ballot group 0) picks ``seats -
  committee_seats`` by score average; a committee (group 1) adds ``committee_seats`` more from
  the rest by its own score average. The additions are in round 2, marked confidential.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from shortlist.errors import CountError
from shortlist.methods.numbers import ZERO
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak
from shortlist.methods.rules import Rules, switch
from shortlist.methods.scored import (
    ScoreProfile,
    TopRules,
    as_scores,
    check_seats,
    choose_top,
    rules_dict,
)

Tally = dict[int, Fraction]


def _values(profile: ScoreProfile) -> npt.NDArray[np.int64]:
    """Scores with unscored cells as 0."""
    out: npt.NDArray[np.int64] = np.where(profile.scored(), profile.scores, 0).astype(np.int64)
    return out


def _result(
    method: str,
    profile: ScoreProfile,
    rules: Rules,
    rounds: list[Round],
    tied: tuple[int, ...] = (),
    notes: tuple[str, ...] = (),
) -> Result:
    names = profile.candidates
    return Result(
        method=method,
        rules=rules_dict(rules),
        candidates=names,
        winners=tuple(n for r in rounds for n in r.elected),
        rounds=tuple(rounds),
        tied_winners=tuple(names[c] for c in tied),
        notes=notes,
    )


def _top_round(
    profile: ScoreProfile, rules: TopRules, tally: Tally, extra: dict[str, Fraction] | None = None
) -> tuple[Round, tuple[int, ...]]:
    names = profile.candidates
    check_seats(profile.n_candidates, rules.seats)
    chosen = choose_top(tally, rules.seats, rules, names, tie_at_cut=rules.tie_at_cut)
    rnd = Round(
        number=1,
        tally={names[c]: v for c, v in tally.items()},
        elected=tuple(names[c] for c in chosen.winners),
        tiebreaks=chosen.tiebreaks,
        extra=extra or {},
    )
    return rnd, chosen.tied


# -- approval and score-sum ------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRules(TopRules):
    proportional: bool = switch(
        False,
        "Fill seats one a round by sequential proportional approval (a ballot weighs 1 / (1 + "
        "its approved candidates already elected)); a tie for a seat goes by the tie policy.",
    )


@register(
    "approval",
    ApprovalRules,
    "Approval voting: most approvals (proportional: seq. PAV).",
    ballots="scores",
)
def count_approval(profile: ScoreProfile, rules: ApprovalRules) -> Result:
    profile = as_scores(profile, "approval")
    if profile.kind == "score" and profile.scale != (0, 1):
        raise CountError("approval counts approval ballots (scale 0 to 1), not scores")
    if rules.proportional:
        rounds = reweighted_rounds(profile, rules, top=1)
        return _result("approval", profile, rules, rounds)
    tally = _sums(profile)
    rnd, tied = _top_round(profile, rules, tally)
    return _result("approval", profile, rules, [rnd], tied)


def _sums(profile: ScoreProfile) -> Tally:
    totals = profile.weights @ _values(profile)
    return {c: Fraction(int(totals[c])) for c in range(profile.n_candidates)}


@register("score-sum", TopRules, "Score voting: the highest total score.", ballots="scores")
def count_score_sum(profile: ScoreProfile, rules: TopRules) -> Result:
    profile = as_scores(profile, "score-sum")
    rnd, tied = _top_round(profile, rules, _sums(profile))
    return _result("score-sum", profile, rules, [rnd], tied)


# -- re-weighted range voting ----------------------------------------------------------------


@register(
    "rrv",
    Rules,
    "Re-weighted range voting: one seat a round, ballots re-weighted.",
    ballots="scores",
)
def count_rrv(profile: ScoreProfile, rules: Rules) -> Result:
    profile = as_scores(profile, "rrv")
    return _result("rrv", profile, rules, reweighted_rounds(profile, rules, profile.scale[1]))


def reweighted_rounds(profile: ScoreProfile, rules: Rules, top: int) -> list[Round]:
    """Seats one a round; a ballot weighs 1 / (1 + (its scores of the elected) / ``top``).

    A tie for a seat is broken by the tie policy (earlier rounds' tallies first).
    """
    names = profile.candidates
    check_seats(profile.n_candidates, rules.seats)
    values = _values(profile)
    elected: list[int] = []
    history: list[Tally] = []
    rounds: list[Round] = []
    while len(elected) < rules.seats:
        given = values[:, elected].sum(axis=1) if elected else np.zeros(profile.n_rows, np.int64)
        # weight w / (1 + g / top) = w * top / (top + g): group rows by their denominator
        tally = {c: ZERO for c in range(profile.n_candidates) if c not in elected}
        for g in np.unique(given).tolist():
            rows = given == g
            sums = profile.weights[rows] @ values[rows]
            for c in tally:
                tally[c] += Fraction(int(sums[c]) * top, top + g)
        chosen = choose_top(tally, 1, rules, names, history=history)
        elected.append(chosen.winners[0])
        history.append(tally)
        rounds.append(
            Round(
                number=len(rounds) + 1,
                tally={names[c]: v for c, v in tally.items()},
                elected=(names[chosen.winners[0]],),
                tiebreaks=chosen.tiebreaks,
            )
        )
    return rounds


# -- score average ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreAverageRules(TopRules):
    min_scorers: int = switch(1, "Fewest voters who must score a candidate for it to advance.")
    floor: Fraction | None = switch(
        None, "Lowest average a candidate may have to advance (e.g. 7.5); none: no floor."
    )
    cut_tie: str = switch(
        "all",
        "Candidates tied on average at the cut: include them all, or prefer more scorers "
        "(then the tie policy).",
        ("all", "more-scorers"),
    )


def averages(profile: ScoreProfile) -> tuple[Tally, Tally]:
    """Each candidate's average score (0 if nobody scored it) and its number of scorers."""
    scorers = profile.weights @ profile.scored().astype(np.int64)
    totals = profile.weights @ _values(profile)
    avg = {
        c: Fraction(int(totals[c]), int(scorers[c])) if scorers[c] else ZERO
        for c in range(profile.n_candidates)
    }
    return avg, {c: Fraction(int(scorers[c])) for c in range(profile.n_candidates)}


def average_round(
    profile: ScoreProfile,
    rules: ScoreAverageRules,
    seats: int,
    standing: list[int],
    number: int = 1,
) -> tuple[Round, tuple[int, ...]]:
    """One count by average over ``standing``: the round and the tie at the cut."""
    names = profile.candidates
    avg, scorers = averages(profile)
    ok = [
        c
        for c in standing
        if scorers[c] >= rules.min_scorers
        and scorers[c] > 0
        and (rules.floor is None or avg[c] >= rules.floor)
    ]
    out = [c for c in standing if c not in ok]
    chosen = choose_top({c: avg[c] for c in ok}, seats, rules, names, tie_at_cut="all")
    winners, breaks, tied = list(chosen.winners), chosen.tiebreaks, chosen.tied
    if tied and len(winners) > seats and rules.cut_tie == "more-scorers":
        sure = [c for c in winners if c not in tied]
        second = choose_top(
            {c: scorers[c] for c in tied},
            seats - len(sure),
            rules,
            names,
            tie_at_cut=rules.tie_at_cut,
        )
        winners = sure + list(second.winners)
        breaks = (
            Tiebreak(
                "elect",
                tuple(names[c] for c in tied),
                tuple(names[c] for c in second.winners),
                "more-scorers",
            ),
            *second.tiebreaks,
        )
    extra = {f"scorers:{names[c]}": scorers[c] for c in standing}
    rnd = Round(
        number=number,
        tally={names[c]: avg[c] for c in standing},
        threshold=rules.floor,
        elected=tuple(names[c] for c in winners),
        eliminated=tuple(names[c] for c in out),
        tiebreaks=breaks,
        extra=extra,
        note=_shortfall(len(winners), seats, out),
    )
    return rnd, tied


def _shortfall(elected: int, seats: int, out: list[int]) -> str:
    note = "eliminated: fewer scorers than min_scorers or an average under the floor" if out else ""
    if elected < seats:
        note += ("; " if note else "") + f"only {elected} of {seats} places filled"
    return note


@register(
    "score-average",
    ScoreAverageRules,
    "Score average: top K by average score (§3.3).",
    ballots="scores",
)
def count_score_average(profile: ScoreProfile, rules: ScoreAverageRules) -> Result:
    profile = as_scores(profile, "score-average")
    check_seats(profile.n_candidates, rules.seats)
    rnd, tied = average_round(profile, rules, rules.seats, list(range(profile.n_candidates)))
    return _result("score-average", profile, rules, [rnd], tied)


# -- committee additions ---------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeRules(ScoreAverageRules):
    committee_seats: int = switch(
        0, "Places the committee (ballot group 1) adds after the general vote (group 0)."
    )

    def problems(self) -> list[str]:
        out = super().problems()
        if not 0 <= self.committee_seats <= self.seats:
            out.append("switch committee_seats: must be between 0 and seats")
        return out


CONFIDENTIAL = "confidential: round 2 holds the committee's additions; never publish which"


@register(
    "committee-additions",
    CommitteeRules,
    "A general vote picks K1, a committee adds K2 (§3.3).",
    ballots="scores",
)
def count_committee_additions(profile: ScoreProfile, rules: CommitteeRules) -> Result:
    profile = as_scores(profile, "committee-additions")
    check_seats(profile.n_candidates, rules.seats)
    general = profile.select(profile.groups == 0)
    committee = profile.select(profile.groups == 1)
    first, tied = average_round(
        general, rules, rules.seats - rules.committee_seats, list(range(profile.n_candidates))
    )
    names = profile.candidates
    picked = {names.index(n) for n in first.elected}
    rest = [c for c in range(profile.n_candidates) if c not in picked]
    rounds = [first]
    if rules.committee_seats:
        if committee.n_rows == 0:
            raise CountError("committee-additions: no committee ballots (group 1)")
        second, _ = average_round(committee, rules, rules.committee_seats, rest, number=2)
        rounds.append(
            Round(
                number=2,
                tally=second.tally,
                elected=second.elected,
                eliminated=second.eliminated,
                tiebreaks=second.tiebreaks,
                extra=second.extra,
                note=CONFIDENTIAL,
            )
        )
    return _result("committee-additions", profile, rules, rounds, tied, notes=(CONFIDENTIAL,))


# -- star ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarRules(TopRules):
    single_winner = True


@register(
    "star",
    StarRules,
    "STAR: score, then an automatic runoff between the top two.",
    ballots="scores",
)
def count_star(profile: ScoreProfile, rules: StarRules) -> Result:
    profile = as_scores(profile, "star")
    names = profile.candidates
    check_seats(profile.n_candidates, 1)
    sums = _sums(profile)
    if profile.n_candidates == 1:
        rnd = Round(number=1, tally={names[0]: sums[0]}, elected=(names[0],))
        return _result("star", profile, rules, [rnd])
    finalists = choose_top(sums, 2, rules, names)
    first = Round(
        number=1,
        tally={names[c]: v for c, v in sums.items()},
        tiebreaks=finalists.tiebreaks,
        note="the two highest totals go to the runoff: "
        + ", ".join(names[c] for c in finalists.winners),
    )
    a, b = finalists.winners
    ranked = np.where(profile.scored(), profile.scores, profile.scale[0] - 1).astype(np.int64)
    prefer = {
        a: Fraction(int(profile.weights[ranked[:, a] > ranked[:, b]].sum())),
        b: Fraction(int(profile.weights[ranked[:, b] > ranked[:, a]].sum())),
    }
    chosen = choose_top(prefer, 1, rules, names, history=[sums])
    second = Round(
        number=2,
        tally={names[c]: v for c, v in prefer.items()},
        elected=(names[chosen.winners[0]],),
        tiebreaks=chosen.tiebreaks,
        exhausted=Fraction(profile.total_weight) - prefer[a] - prefer[b],
        note="runoff: ballots scoring one finalist above the other (exhausted: no preference)",
    )
    return _result("star", profile, rules, [first, second], chosen.tied)
