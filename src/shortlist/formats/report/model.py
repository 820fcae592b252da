"""A count as a results page reads it: built from a ``shortlist-result/1`` document.

The page never counts: it reads the document a count wrote (``Result.to_json()``, also what the
awards store keeps) and arranges it for people: the outcome first, then every round with its
tallies, threshold, exhausted votes, the transfers made at its end and the ties it broke.
Candidates are shown by their names (entry titles in an awards edition) through ``names``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shortlist.formats.report.numbers import ZERO_VOTES, Votes
from shortlist.methods.result import FORMAT, Result


@dataclass(frozen=True)
class Movement:
    """Votes moved at the end of a round: from ``source`` to ``to`` (a candidate, or
    ``None`` with ``label`` "Exhausted" / "Lost to rounding")."""

    source: str
    kind: str
    to: str | None
    label: str
    votes: Votes
    value: Votes | None


@dataclass(frozen=True)
class Tie:
    round: int
    purpose: str
    tied: tuple[str, ...]
    chosen: tuple[str, ...]
    rule: str
    seed: int | None
    detail: str


@dataclass(frozen=True)
class CountRound:
    number: int
    tally: tuple[tuple[str, Votes], ...]
    threshold: Votes | None
    elected: tuple[str, ...]
    eliminated: tuple[str, ...]
    exhausted: Votes
    residual: Votes
    movements: tuple[Movement, ...]
    ties: tuple[Tie, ...]
    note: str

    def votes_of(self, candidate: str) -> Votes | None:
        return dict(self.tally).get(candidate)

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source for m in self.movements))


@dataclass(frozen=True)
class Count:
    """Everything a results page shows about one count."""

    method: str
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    tied_winners: tuple[str, ...]
    rounds: tuple[CountRound, ...]
    notes: tuple[str, ...]
    names: Mapping[str, str]

    def name(self, candidate: str) -> str:
        return self.names.get(candidate, candidate)

    @property
    def has_threshold(self) -> bool:
        return any(r.threshold is not None for r in self.rounds)

    @property
    def has_residual(self) -> bool:
        return any(r.residual for r in self.rounds)

    @property
    def has_transfers(self) -> bool:
        return any(r.movements for r in self.rounds)

    @property
    def ties(self) -> tuple[Tie, ...]:
        return tuple(t for r in self.rounds for t in r.ties)

    def order(self) -> list[str]:
        """Winners in order of election, then the others by how long they lasted."""
        last_seen: dict[str, int] = {}
        for rnd in self.rounds:
            for name, _ in rnd.tally:
                last_seen[name] = rnd.number
        rest = sorted(
            (c for c in self.candidates if c not in self.winners and c in last_seen),
            key=lambda c: (-last_seen[c], self.name(c).casefold()),
        )
        return [*(w for w in self.winners if w in last_seen), *rest]


def read_count(result: Result | Mapping[str, Any], names: Mapping[str, str] | None = None) -> Count:
    """The :class:`Count` of a :class:`Result` or of its ``shortlist-result/1`` document."""
    doc = result.to_json() if isinstance(result, Result) else result
    if doc.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document (format: {doc.get('format')!r})")
    return Count(
        method=str(doc["method"]),
        candidates=tuple(doc["candidates"]),
        winners=tuple(doc["winners"]),
        tied_winners=tuple(doc.get("tied_winners", ())),
        rounds=tuple(_round(r) for r in doc["rounds"]),
        notes=tuple(doc.get("notes", ())),
        names=dict(names or {}),
    )


def _round(doc: Mapping[str, Any]) -> CountRound:
    number = int(doc["round"])
    threshold = doc.get("threshold")
    return CountRound(
        number=number,
        tally=tuple((k, Votes.of(v)) for k, v in doc["tally"].items()),
        threshold=None if threshold is None else Votes.of(threshold),
        elected=tuple(doc.get("elected", ())),
        eliminated=tuple(doc.get("eliminated", ())),
        exhausted=Votes.of(doc.get("exhausted", "0")),
        residual=Votes.of(doc.get("residual", "0")),
        movements=tuple(m for t in doc.get("transfers", ()) for m in _movements(t)),
        ties=tuple(_tie(number, t) for t in doc.get("tiebreaks", ())),
        note=str(doc.get("note", "")),
    )


def _movements(doc: Mapping[str, Any]) -> list[Movement]:
    source, kind = str(doc["from"]), str(doc["kind"])
    value = None if doc.get("value") is None else Votes.of(doc["value"])
    out = [Movement(source, kind, to, to, Votes.of(v), value) for to, v in doc["to"].items()]
    for key, label in (("exhausted", "Exhausted"), ("residual", "Lost to rounding")):
        votes = Votes.of(doc.get(key, "0"))
        if votes:
            out.append(Movement(source, kind, None, label, votes, value))
    return [m for m in out if m.votes]


def _tie(number: int, doc: Mapping[str, Any]) -> Tie:
    seed = doc.get("seed")
    return Tie(
        number,
        str(doc["purpose"]),
        tuple(doc["tied"]),
        tuple(doc["chosen"]),
        str(doc["rule"]),
        None if seed is None else int(seed),
        str(doc.get("detail", "")),
    )


def moved(movements: Sequence[Movement]) -> Votes:
    """The total of ``movements``."""
    total = ZERO_VOTES
    for m in movements:
        total = total + m.votes
    return total
