"""Single transferable vote by keep factors: Meek's method (``stv-meek``) and Warren's method.

The order of operations is that of Droop's parametric Meek/Warren rule (jklundell/droop
``rules/meek.py``), whose reference counts the tests reproduce. Every candidate has a keep
factor: 1 while hopeful, 0 once defeated. Each round iterates:

1. distribute every ballot by the keep factors (see :mod:`stv_keep`);
2. the quota is the votes of the hopeful and elected candidates over ``seats + 1`` (plus the
   smallest unit under fixed arithmetic, where it must then be reached rather than exceeded);
3. every hopeful candidate with a quota is elected, and the round ends (with
   ``elect=when-converged``, candidates are elected only when the iteration ends, by step 4);
4. otherwise the round ends when the total surplus of the elected is at most ``10**-omega``, or
   stops falling, or (``defeat_batch=safe``) when there are sure losers, who are all defeated;
5. otherwise each elected candidate's keep factor becomes ``kf * quota / vote`` (each product
   and quotient rounded up) and the iteration goes on.

When a round ends without an election, the hopeful candidate with the fewest votes is defeated;
candidates within the total surplus of the fewest are tied with it. When the hopeful candidates
are no more than the seats left, a closing round elects them (or defeats the rest once every
seat is filled). Each round's ``extra`` holds every keep factor as ``keep:NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shortlist.errors import CountError
from shortlist.methods.ballots import Profile
from shortlist.methods.registry import register
from shortlist.methods.result import Result, Round, Tiebreak
from shortlist.methods.rules import switch
from shortlist.methods.stv_arithmetic import Raw
from shortlist.methods.stv_keep import KeepBallots, Split, meek_split, warren_split
from shortlist.methods.stv_losers import sure_losers
from shortlist.methods.stv_rules import STVRules, check_profile, lowest

#: Largest denominator (in bits) an exact keep factor may reach (about 2,400 digits).
MAX_EXACT_BITS = 8000


@dataclass(frozen=True)
class MeekRules(STVRules):
    """Switches of the Meek and Warren counts."""

    arithmetic: str = switch(
        "guarded(18,9)",
        "Vote arithmetic: guarded(p,g) (p+g places; values within half a unit of the p-th "
        "place are equal), exact (fractions: slow on large elections) or fixed(p).",
    )
    omega: int | None = switch(
        None,
        "An iteration ends when the total surplus is at most 10**-omega. Default: p/2 for "
        "guarded(p,g), 2p/3 for fixed(p), 10 for exact.",
    )
    defeat_batch: str = switch(
        "safe",
        "safe: when an iteration finds sure losers, defeat them all at once; none: one at a time.",
        ("safe", "none"),
    )

    equal_rank_gap: str = switch(
        "skip",
        "A rank of an equal-ranking ballot whose candidates have all left the count: skip it, "
        "or stop (the rest of the ballot is exhausted there, as Droop 0.14 does).",
        ("skip", "stop"),
    )

    elect: str = switch(
        "at-once",
        "When a hopeful candidate who reaches the quota is elected: at-once (the iteration "
        "stops there, as Droop does) or when-converged (the iteration runs on to its end "
        "first, as in the ERS97 reference count).",
        ("at-once", "when-converged"),
    )

    variant: str = switch(
        "droop",
        "droop: Droop's parametric rule; prf: the PR Foundation's reference Meek rule (keep "
        "values rounded up, the rest passed on; an iteration ends only when the surplus is "
        "below omega; no votes move after the last defeat).",
        ("droop", "prf"),
    )

    def problems(self) -> list[str]:
        out = super().problems()
        if self.omega is not None and self.omega < 1:
            out.append(f"switch omega: must be at least 1, not {self.omega}")
        return out

    def omega_places(self) -> int:
        if self.omega is not None:
            return self.omega
        reckoner = self.reckoner()
        if reckoner.kind == "guarded":
            return reckoner.precision // 2
        if reckoner.kind == "fixed":
            return reckoner.precision * 2 // 3
        return 10


@register(
    "stv-meek",
    MeekRules,
    "Single transferable vote, Meek's method: keep factors iterated to an omega (Droop's rule).",
)
def count_meek(profile: Profile, rules: MeekRules) -> Result:
    return _KeepCount(profile, rules, "stv-meek").run()


@register(
    "stv-warren",
    MeekRules,
    "Single transferable vote, Warren's method: each candidate keeps up to their keep factor.",
)
def count_warren(profile: Profile, rules: MeekRules) -> Result:
    return _KeepCount(profile, rules, "stv-warren").run()


class _KeepCount:
    """The state of one Meek or Warren count."""

    def __init__(self, profile: Profile, rules: MeekRules, method: str) -> None:
        check_profile(profile, rules.seats)
        self.rules, self.method = rules, method
        self.names = profile.candidates
        self.reckoner = r = rules.reckoner()
        self.prf = rules.variant == "prf"
        if method == "stv-warren":
            self.split: Split = warren_split(r)
        else:
            self.split = meek_split(r, keep_up=self.prf)
        self.ballots = KeepBallots(profile, stop_at_gap=rules.equal_rank_gap == "stop")
        if self.ballots.valid == 0:
            raise CountError("there are no valid ballots to count")
        self.omega = r.power_of_ten(rules.omega_places())
        _, self.defeat_breaker = rules.tie_breakers(self.names)
        gone = profile.withdrawn
        self.hopeful = [c for c in range(len(self.names)) if c not in gone]
        self.elected: list[int] = []
        self.defeated: list[int] = []
        self.keep: dict[int, Raw] = dict.fromkeys(self.hopeful, r.one)
        self.quota = self._quota(r.whole(self.ballots.valid))
        self.history: list[dict[int, Fraction]] = []
        self.rounds: list[Round] = []
        self.last_votes: dict[int, Raw] | None = None

    # -- quota --------------------------------------------------------------------------------

    def _quota(self, votes: Raw) -> Raw:
        r = self.reckoner
        quota = r.div_whole(votes, self.rules.seats + 1)
        return quota if r.decides_exactly else quota + r.epsilon

    def has_quota(self, vote: Raw) -> bool:
        r = self.reckoner
        return r.gt(vote, self.quota) if r.decides_exactly else r.ge(vote, self.quota)

    @property
    def seats_left(self) -> int:
        return self.rules.seats - len(self.elected)

    # -- the count ----------------------------------------------------------------------------

    def run(self) -> Result:
        while len(self.hopeful) > self.seats_left > 0:
            self._round()
        self._last_round()
        return Result(
            method=self.method,
            rules=self.rules.as_dict(),
            candidates=self.names,
            winners=tuple(self.names[c] for c in self.elected),
            rounds=tuple(self.rounds),
        )

    def _round(self) -> None:
        why, votes, exhausted, elected, batch, iterations = self._iterate()
        keep = dict(self.keep)
        losers: list[int] = []
        breaks: tuple[Tiebreak, ...] = ()
        if not elected:
            if batch:
                losers = sorted(batch)
            else:
                surplus = self._surplus(votes)
                loser, breaks = lowest(
                    self.hopeful, votes, self.reckoner, self.defeat_breaker, self.history, surplus
                )
                losers = [loser]
            self._defeat(losers)
        note = f"iteration {iterations} stopped: {why}"
        self._record(votes, exhausted, keep, elected, losers, breaks, note)

    def _iterate(self) -> tuple[str, dict[int, Raw], Raw, list[int], list[int], int]:
        """Iterate keep factors until an election, omega, a stable surplus or sure losers."""
        r = self.reckoner
        last_surplus = r.whole(self.ballots.valid)
        iterations = 0
        while True:
            iterations += 1
            votes, exhausted = self.ballots.distribute(self.keep, self.split, r)
            self.last_votes = votes
            self.quota = self._quota(r.total(votes.values()))
            at_once = self.rules.elect == "at-once"
            elected = self._elect(votes) if at_once else []
            surplus = self._surplus(votes)
            if elected:
                return "elected", votes, exhausted, elected, [], iterations
            why = self._stop(surplus, last_surplus)
            batch = self._sure_losers(votes, surplus) if not why else []
            if batch:
                why = "sure losers"
            if why and not at_once:
                elected = self._elect(votes)
                if elected:
                    return why, votes, exhausted, elected, [], iterations
            if why:
                return why, votes, exhausted, [], batch, iterations
            last_surplus = surplus
            for c in self.elected:
                scaled = r.mul(self.keep[c], self.quota, up=True)
                self.keep[c] = r.div(scaled, votes[c], up=True)
                self._check_size(self.keep[c])

    def _check_size(self, kf: Raw) -> None:
        """Exact keep factors can grow without bound: stop before the count becomes unusable."""
        if isinstance(kf, Fraction) and kf.denominator.bit_length() > MAX_EXACT_BITS:
            raise CountError(
                f"exact arithmetic: a keep factor needs more than {MAX_EXACT_BITS} bits; "
                "count with arithmetic=guarded(p,g) or fixed(p) (switch arithmetic)"
            )

    def _stop(self, surplus: Raw, last_surplus: Raw) -> str:
        """Why the iteration ends here ('' if it goes on)."""
        below = self.reckoner.lt if self.prf else self.reckoner.le
        if below(surplus, self.omega):
            return "omega"
        if self.reckoner.ge(surplus, last_surplus):
            return "stable"
        return ""

    def _elect(self, votes: dict[int, Raw]) -> list[int]:
        winners = [c for c in self.hopeful if self.has_quota(votes[c])]
        winners.sort(key=lambda c: (-self.reckoner.fraction(votes[c]), c))
        for c in winners:
            self.hopeful.remove(c)
            self.elected.append(c)
        return winners

    def _surplus(self, votes: dict[int, Raw]) -> Raw:
        surplus = self.reckoner.total(votes[c] - self.quota for c in self.elected)
        return max(surplus, self.reckoner.zero) if self.prf else surplus

    def _sure_losers(self, votes: dict[int, Raw], surplus: Raw) -> list[int]:
        if self.rules.defeat_batch != "safe":
            return []
        return sure_losers(self.hopeful, votes, surplus, self.seats_left, self.reckoner)

    def _defeat(self, losers: list[int]) -> None:
        for c in losers:
            self.hopeful.remove(c)
            self.defeated.append(c)
            del self.keep[c]

    def _last_round(self) -> None:
        """Elect the hopeful candidates if seats are left, or defeat them; then a last pass."""
        votes, _ = self.ballots.distribute(self.keep, self.split, self.reckoner)
        rest = sorted(self.hopeful, key=lambda c: (-self.reckoner.fraction(votes[c]), c))
        elected = rest[: max(self.seats_left, 0)]
        losers = rest[len(elected) :]
        self.elected += elected
        for c in elected:
            self.hopeful.remove(c)
        self._defeat(losers)
        votes, exhausted = self.ballots.distribute(self.keep, self.split, self.reckoner)
        if self.prf and self.last_votes is not None:
            # the reference rule moves no votes after the last iteration
            votes = {c: self.last_votes[c] for c in votes}
            exhausted = self.reckoner.zero
        self._record(votes, exhausted, dict(self.keep), elected, losers, (), "closing count")

    # -- records ------------------------------------------------------------------------------

    def _record(
        self,
        votes: dict[int, Raw],
        exhausted: Raw,
        keep: dict[int, Raw],
        elected: list[int],
        losers: list[int],
        breaks: tuple[Tiebreak, ...],
        note: str,
    ) -> None:
        f = self.reckoner.fraction
        tally = {c: f(v) for c, v in sorted(votes.items())}
        spent = f(exhausted)
        residual = Fraction(self.ballots.valid) - sum(tally.values(), Fraction(0)) - spent
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tally={self.names[c]: v for c, v in tally.items()},
                threshold=f(self.quota),
                elected=tuple(self.names[c] for c in elected),
                eliminated=tuple(self.names[c] for c in losers),
                exhausted=spent,
                residual=residual,
                tiebreaks=breaks,
                extra={f"keep:{self.names[c]}": f(k) for c, k in sorted(keep.items())},
                note=note,
            )
        )
        self.history.append(tally)
