"""The 95th-Awards scenario, end to end through the services, with simulated votes.

:func:`run` loads ``examples/academy-95.toml`` with a seeded roll of 9,500 voting members and
generated films, then follows the Academy's calendar on a simulated clock: preliminary voting
(12-15 Dec 2022) to shortlists of 15, nominations voting (12-17 Jan 2023) to 5 nominees (10 for
Best Picture), final voting (2-7 Mar 2023) to the winners. Members record what they watched,
attest, receive ballots and cast (a few revise, a few are refused) through the same services the
CLI and the web use. Every round is sealed before it opens with an election key split among
three simulated custodians, any two of whom unseal it after the clock closes it (a different
pair each stage); rounds are then counted by the registered methods, announced at their embargo
instants and advanced. A :class:`Reporter` is told each step.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import BallotRefused
from shortlist.domain.model import BallotKind, BallotSpec, Edition, GateKind, Member
from shortlist.domain.times import parse_instant
from shortlist.service import demo_data, editions, rounds, sealing, voting
from shortlist.service.clock import SimulatedClock
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database, UnitOfWork
from shortlist.store.records import RoundRecord
from shortlist.trust.keys import CustodianSecret

EDITION_FILE = Path(__file__).parents[3] / "examples" / "academy-95.toml"
WE_CRY_TOGETHER = "we-cry-together"
LA = "America/Los_Angeles"

#: Share of each round's electorate that votes in the simulation, by round key and category.
TURNOUT = {
    ("preliminary", "live-action-short"): 0.45,
    ("preliminary", "animated-short"): 0.5,
    ("nominations", "live-action-short"): 0.35,
    ("nominations", "animated-short"): 0.4,
    ("nominations", "directing"): 0.45,
    ("nominations", "best-picture"): 0.3,
    ("final", "live-action-short"): 0.15,
    ("final", "animated-short"): 0.15,
    ("final", "directing"): 0.2,
    ("final", "best-picture"): 0.4,
}
REVISE = 0.05


class Progress(Protocol):
    def advance(self, steps: int = 1) -> None: ...


class Reporter(Protocol):
    def stage(self, title: str, when: datetime) -> None: ...
    def line(self, text: str) -> None: ...
    def progress(self, label: str, total: int) -> AbstractContextManager[Progress]: ...


@dataclass
class Summary:
    """What the demo produced (for the caller and the tests)."""

    members: int = 0
    ballots: int = 0
    revisions: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    we_cry_together: list[str] = field(default_factory=list)


class Scenario:
    def __init__(self, database: Database, reporter: Reporter, seed: int) -> None:
        self.db = database
        self.report = reporter
        self.rng = random.Random(seed)
        self.seed = seed
        self.summary = Summary()
        self.clock = SimulatedClock(parse_instant(f"2022-11-01T10:00 {LA}"))
        self.members: list[Member] = []
        self.edition: Edition | None = None
        self.appeal: dict[tuple[str, str], float] = {}
        #: The firm's three partners, simulated: fresh keys, held in memory for this run only.
        self.custodians: tuple[CustodianSecret, ...] = sealing.simulated_custodians()
        self.stages = 0

    # -- set-up -------------------------------------------------------------------------------

    def load(self) -> None:
        self.members = demo_data.roll(self.seed)
        base = read_edition(EDITION_FILE, self.members)
        self.edition = demo_data.with_generated_films(base, self.members, self.seed)
        for category in self.edition.categories:
            for entry in category.entries:
                bonus = 0.6 if entry.key == WE_CRY_TOGETHER or not entry.key.endswith("-fic") else 0
                self.appeal[category.key, entry.key] = self.rng.gauss(bonus, 1.0)
        self.report.stage("Setting up the 95th Academy Awards", self.clock.now())
        with self.db.unit_of_work() as uow:
            loaded = editions.load_edition(uow, self.edition, self.members, self.clock, "demo")
        voting_members = sum(m.status.votes for m in self.members)
        self.summary.members = voting_members
        self.report.line(
            f"{loaded.members:,} members ({voting_members:,} voting, in 18 branches), "
            f"{loaded.categories} categories, {loaded.entries} entries, {loaded.rounds} rounds"
        )
        shorts = self.edition.category("live-action-short")
        assert shorts is not None
        self.report.line(
            f"Live Action Short Film: {len(shorts.entries)} qualified films, among them We Cry "
            "Together (dir. Kendrick Lamar, Dave Free, Jake Schreier; with Kendrick Lamar and "
            "Taylour Paige); the others are generated fictional titles"
        )
        self.report.line("[bold]Every vote in this demo is simulated.[/bold]")

    # -- a stage: open, vote, close, count, announce, advance -------------------------------------

    def stage(self, key: str, title: str) -> None:
        refs = self._refs(key)
        with self.db.unit_of_work() as uow:
            opens = rounds.find(uow, refs[0]).spec.window.opens
            self.clock.set(opens)
            self.report.stage(title, opens)
            for ref in refs:
                sealing.seal_simulated(uow, ref, self.clock, "demo", 2, self.custodians)
            names = ", ".join(c.name for c in self.custodians)
            self.report.line(f"  {len(refs)} rounds sealed; custodians {names} (any two unseal)")
            records = [rounds.open_round(uow, ref, self.clock, "demo") for ref in refs]
        for record in records:
            self._vote(record)
        self._refusals(records[0])
        self._close_count_announce(refs)

    def _refs(self, key: str) -> list[RoundRef]:
        assert self.edition is not None
        return [
            RoundRef(self.edition.key, c.key, key)
            for c in self.edition.categories
            if any(r.key == key for r in c.rounds)
        ]

    def _vote(self, record: RoundRecord) -> None:
        ref = RoundRef(record.edition, record.category, record.spec.key)
        with self.db.unit_of_work() as uow:
            electorate = uow.rounds.electorate(record.id)
            share = TURNOUT.get((record.spec.key, record.category), 0.3)
            voters = self.rng.sample(electorate, round(len(electorate) * share))
            window = record.spec.window
            span = (window.closes - window.opens).total_seconds()
            with self.report.progress(f"  {record.category_name}", len(voters)) as bar:
                for i, member in enumerate(voters):
                    moment = window.opens + timedelta(seconds=span * (i + 1) / (len(voters) + 2))
                    self.clock.set(moment)
                    self._one_voter(uow, ref, record, member)
                    bar.advance()

    def _one_voter(self, uow: UnitOfWork, ref: RoundRef, record: RoundRecord, member: str) -> None:
        slate = list(record.slate or ())
        gate = record.spec.gate
        watched = slate
        if gate.kind is GateKind.MIN_VIEWED:
            watched = self.rng.sample(slate, min(len(slate), self.rng.randint(gate.n - 2, 24)))
        if gate.kind in (GateKind.MIN_VIEWED, GateKind.VIEWED_ALL):
            voting.record_viewing(uow, ref.edition, ref.category, member, watched, self.clock)
        if gate.kind is GateKind.ATTEST:
            voting.attest(uow, ref, member, self.clock)
        try:
            paper = voting.issue_ballot(uow, ref, member, self.clock)
        except BallotRefused as exc:
            self._refused(exc)
            return
        choices = [k for k in watched if k not in paper.recused]
        self._cast(uow, ref, member, self._marks(ref.category, choices, paper.spec))
        if self.rng.random() < REVISE:
            self._cast(uow, ref, member, self._marks(ref.category, choices, paper.spec))
            self.summary.revisions += 1

    def _marks(self, category: str, choices: Sequence[str], spec: BallotSpec) -> list[str]:
        """A simulated voter's ranking: appeal plus taste; a single choice is the top one."""
        ranked = sorted(choices, key=lambda k: -(self.appeal[category, k] + self.rng.gauss(0, 1.2)))
        if spec.kind is BallotKind.RANK:
            return ranked[: self.rng.randint(1, spec.max_ranks)]
        return ranked[:1]

    def _cast(self, uow: UnitOfWork, ref: RoundRef, member: str, marks: list[str]) -> None:
        try:
            voting.cast(uow, ref, member, marks, self.clock)
            self.summary.ballots += 1
        except BallotRefused as exc:
            self._refused(exc)

    def _refused(self, exc: BallotRefused) -> None:
        reason = str(exc).split(":")[0]
        self.summary.refusals[reason] = self.summary.refusals.get(reason, 0) + 1

    def _refusals(self, record: RoundRecord) -> None:
        """Show ballots the services refuse: an ineligible voter's, a recusal, a late one."""
        ref = RoundRef(record.edition, record.category, record.spec.key)
        first = (record.slate or ("?",))[0]
        with self.db.unit_of_work() as uow:
            electorate = uow.rounds.electorate(record.id)
            inside = set(electorate)
            attempts = []
            outsider = next((m.number for m in self.members if m.number not in inside), None)
            if outsider is not None:
                attempts.append(("a member outside the electorate", outsider, first))
            slate = set(record.slate or ())
            credited = [
                (member, entry)
                for member, entry in uow.editions.credited(record.category_id)
                if member in inside and entry in slate
            ]
            if credited:
                member, entry = credited[0]
                self._meet_gate(uow, ref, record, member)
                attempts.append(("a member ranking a film they are credited on", member, entry))
            for what, member, entry in attempts:
                self._show_refusal(uow, ref, what, member, entry)
            voting_time = self.clock.now()
            self.clock.set(record.spec.window.closes + timedelta(minutes=5))
            self._show_refusal(
                uow, ref, "a ballot five minutes after the window closed", electorate[0], first
            )
            self.clock.set(voting_time)

    def _meet_gate(self, uow: UnitOfWork, ref: RoundRef, record: RoundRecord, member: str) -> None:
        """Watch and attest as the round's gate asks (so only the recusal can refuse)."""
        if record.spec.gate.kind is GateKind.ATTEST:
            voting.attest(uow, ref, member, self.clock)
        elif record.spec.gate.kind is not GateKind.NONE:
            slate = list(record.slate or ())
            voting.record_viewing(uow, ref.edition, ref.category, member, slate, self.clock)

    def _show_refusal(
        self, uow: UnitOfWork, ref: RoundRef, what: str, member: str, entry: str
    ) -> None:
        try:
            voting.cast(uow, ref, member, [entry], self.clock)
        except BallotRefused as exc:
            self.report.line(f"  refused, {what}: {exc}")
        else:  # pragma: no cover - the scenario picks ballots the rules refuse
            raise AssertionError(f"the demo expected a refusal: {what}")

    def _close_count_announce(self, refs: list[RoundRef]) -> None:
        with self.db.unit_of_work() as uow:
            closes = max(rounds.find(uow, ref).spec.window.closes for ref in refs)
            self.clock.set(closes)
            rounds.close_due(uow, refs[0].edition, self.clock, "clock")
            for row in rounds.turnout(uow, refs[0].edition):
                if any(row.round == str(ref) for ref in refs):
                    self.report.line(
                        f"  turnout {row.round}: {row.voted:,} of {row.electorate:,} "
                        f"({row.share:.0%})"
                    )
            pair = self._unsealing_pair()
            for ref in refs:
                sealing.unseal_with(uow, ref, pair, self.clock, "accountants")
                rounds.count_round(uow, ref, self.clock, "accountants")
            self.report.line(f"  unsealed by {' and '.join(c.name for c in pair)}, then counted")
            embargo = rounds.find(uow, refs[0]).spec.publication.embargo or closes
            self.clock.set(embargo)
            self.report.stage("Announcement", embargo)
            for ref in refs:
                self._announce(uow, ref)

    def _unsealing_pair(self) -> tuple[CustodianSecret, ...]:
        """Two of the three custodians, a different pair at each stage."""
        left_out = self.stages % len(self.custodians)
        self.stages += 1
        return tuple(c for i, c in enumerate(self.custodians) if i != left_out)[:2]

    def _announce(self, uow: UnitOfWork, ref: RoundRef) -> None:
        published = rounds.announce_round(uow, ref, self.clock, "academy")
        record = rounds.find(uow, ref)
        self.summary.outcomes[str(ref)] = published.keys
        label = {"preliminary": "shortlist", "nominations": "nominees", "final": "winner"}[
            ref.round
        ]
        if ref.round == "final" and len(published.titles) > 1:
            label = "winners (a tie)"
        self.report.line(
            f"[bold]{published.category}[/bold], {label}: " + "; ".join(published.titles)
        )
        if ref.category == "live-action-short" and WE_CRY_TOGETHER in (record.slate or ()):
            went_on = WE_CRY_TOGETHER in published.keys
            verdict = "advanced" if went_on else "did not advance"
            self.summary.we_cry_together.append(f"{ref.round}: {verdict}")
            self.report.line(f"  We Cry Together {verdict} ({published.round_name})")
        if ref.round == "final" and ref.category == "best-picture":
            self._best_picture_rounds(uow, ref)
        if ref.round != "final":
            rounds.advance(uow, ref, self.clock, "academy")

    def _best_picture_rounds(self, uow: UnitOfWork, ref: RoundRef) -> None:
        result = rounds.find(uow, ref).result or {}
        count = len(result.get("rounds", []))
        self.report.line(f"  (the instant-runoff count took {count} rounds; never published)")


def run(database: Database, reporter: Reporter, seed: int = 95) -> Summary:
    """Run the whole scenario on an empty, migrated ``database``."""
    scenario = Scenario(database, reporter, seed)
    scenario.load()
    scenario.stage("preliminary", "Preliminary voting: to shortlists of 15")
    scenario.stage("nominations", "Nominations voting: the preferential count (§3.1)")
    scenario.stage("final", "Final voting: plurality, Best Picture by instant runoff")
    return scenario.summary


def steps(summary: Summary) -> Iterator[str]:
    """A closing summary, line by line."""
    yield f"{summary.ballots:,} ballots cast ({summary.revisions:,} revised) by simulated members"
    for reason, n in sorted(summary.refusals.items()):
        yield f"{n:,} refused: {reason}"
