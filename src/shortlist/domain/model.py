"""An awards edition as plain, immutable data.

Vocabulary: an *edition* (the 95th Academy Awards) of a *body* has *branches* and *members*;
*categories* hold *entries* with *credits*; each category runs a chain of *rounds*
(preliminary -> nominations -> final). A round draws its *slate* from the category's entries,
from the previous round's outcome or from a committee's picks; it has an *electorate*, a viewing
*gate*, a *ballot* kind, a counting *method* with its *rules*, a *window*, a *revision* policy
and a *publication* policy.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class MemberStatus(StrEnum):
    ACTIVE = "active"
    LIFE = "life"
    EMERITUS = "emeritus"
    ASSOCIATE = "associate"

    @property
    def votes(self) -> bool:
        """Only active and life members vote (ACADEMY.md §2)."""
        return self in (MemberStatus.ACTIVE, MemberStatus.LIFE)


@dataclass(frozen=True)
class Branch:
    code: str
    name: str


@dataclass(frozen=True)
class Member:
    """A member of the body for this edition: number, name, status and branches this year;
    ``timezone`` (an IANA name, or "") is where their windows are shown when the roll gives one."""

    number: str
    name: str
    status: MemberStatus
    branches: frozenset[str] = frozenset()
    email: str = ""
    timezone: str = ""


@dataclass(frozen=True)
class Credit:
    """A person credited on an entry, in a role (director, producer, cast...).

    ``member`` is the member number when the person belongs to the body (for recusal).
    """

    person: str
    role: str
    member: str | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    credits: tuple[Credit, ...] = ()

    def credited_members(self) -> frozenset[str]:
        return frozenset(c.member for c in self.credits if c.member)


class SlateSource(StrEnum):
    ENTRIES = "entries"
    PREVIOUS = "previous"
    COMMITTEE = "committee"


@dataclass(frozen=True)
class Slate:
    """Where a round's slate comes from; ``picks`` are a committee's choices."""

    source: SlateSource = SlateSource.ENTRIES
    picks: tuple[str, ...] = ()


class ElectorateKind(StrEnum):
    ALL_ACTIVE = "all-active"
    BRANCHES = "branches"
    OPT_IN = "opt-in"
    COMMITTEE = "committee"


@dataclass(frozen=True)
class Electorate:
    """Who may vote: all voting members, some branches, those who opted in, or a drawn committee.

    A committee is drawn by lot (``seed``) of ``size`` from the voting members of ``branches``
    (or of all branches when none are named).
    """

    kind: ElectorateKind = ElectorateKind.ALL_ACTIVE
    branches: tuple[str, ...] = ()
    size: int = 0
    seed: int = 0

    def pool(self, members: list[Member], opted_in: frozenset[str] = frozenset()) -> list[str]:
        """The member numbers who may vote, sorted."""
        voting = [m for m in members if m.status.votes]
        if self.branches:
            wanted = set(self.branches)
            voting = [m for m in voting if m.branches & wanted]
        if self.kind is ElectorateKind.OPT_IN:
            voting = [m for m in voting if m.number in opted_in]
        numbers = sorted(m.number for m in voting)
        if self.kind is ElectorateKind.COMMITTEE:
            size = min(self.size, len(numbers))
            numbers = sorted(random.Random(self.seed).sample(numbers, size))
        return numbers


class GateKind(StrEnum):
    NONE = "none"
    MIN_VIEWED = "min-viewed"
    VIEWED_ALL = "viewed-all"
    ATTEST = "attest"


@dataclass(frozen=True)
class Gate:
    """What a voter must have watched: nothing, at least ``n`` slate entries, all of them, or a
    self-attestation for the round."""

    kind: GateKind = GateKind.NONE
    n: int = 0

    def describe(self) -> str:
        if self.kind is GateKind.MIN_VIEWED:
            return f"watched at least {self.n} of the entries"
        return {
            GateKind.NONE: "no viewing requirement",
            GateKind.VIEWED_ALL: "watched every entry",
            GateKind.ATTEST: "attested to have watched the entries",
        }[self.kind]


class BallotKind(StrEnum):
    RANK = "rank"
    SCORE = "score"
    SINGLE = "single"
    APPROVAL = "approval"


@dataclass(frozen=True)
class BallotSpec:
    """The ballot: rank up to ``max_ranks``; score on ``min_score..max_score``; pick one; approve
    up to ``max_choices`` (0: any number)."""

    kind: BallotKind = BallotKind.RANK
    max_ranks: int = 5
    min_score: int = 0
    max_score: int = 10
    max_choices: int = 0


class Revision(StrEnum):
    UNTIL_CLOSE = "until-close"
    LOCK_ON_SUBMIT = "lock-on-submit"


class PublicationMode(StrEnum):
    ALPHABETICAL = "alphabetical"
    FULL = "full"


@dataclass(frozen=True)
class Publication:
    """How a round's outcome is published: alphabetically without counts, or the full rounds;
    never before ``embargo``."""

    mode: PublicationMode = PublicationMode.ALPHABETICAL
    embargo: datetime | None = None


@dataclass(frozen=True)
class Window:
    opens: datetime
    closes: datetime

    def holds(self, moment: datetime) -> bool:
        return self.opens <= moment < self.closes


@dataclass(frozen=True)
class RoundSpec:
    """One round of a category's chain, as declared."""

    key: str
    name: str
    window: Window
    method: str
    rules: Mapping[str, Any] = field(default_factory=dict)
    slate: Slate = Slate()
    electorate: Electorate = Electorate()
    gate: Gate = Gate()
    ballot: BallotSpec = BallotSpec()
    revision: Revision = Revision.UNTIL_CLOSE
    publication: Publication = Publication()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    entries: tuple[Entry, ...] = ()
    rounds: tuple[RoundSpec, ...] = ()

    def entry(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


@dataclass(frozen=True)
class Edition:
    """An edition of an awards body. ``category_quota``: most categories a member may vote in
    per stage (round key), ``None`` for no limit."""

    key: str
    name: str
    body: str
    timezone: str
    branches: tuple[Branch, ...] = ()
    categories: tuple[Category, ...] = ()
    category_quota: int | None = None

    def category(self, key: str) -> Category | None:
        return next((c for c in self.categories if c.key == key), None)
