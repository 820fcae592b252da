"""Re-running a round's count from its published ballots, with no database: the ballots become
the profile the round's method reads, and the counting engine counts them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shortlist.domain.model import BallotKind, BallotSpec
from shortlist.methods import registry
from shortlist.methods.ballots import Profile
from shortlist.methods.result import Result
from shortlist.methods.scored import ScoreProfile


def ballots_of(spec: BallotSpec, slate: Sequence[str], marks: list[Any]) -> Profile | ScoreProfile:
    """The profile of a round's ballots: ranked for rank ballots, scored for the others."""
    if spec.kind is BallotKind.RANK:
        return Profile.from_rankings(marks, candidates=slate)
    if spec.kind is BallotKind.SINGLE:
        return ScoreProfile.from_scores(
            [{m[0]: 1} for m in marks], candidates=slate, scale=(0, 1), kind="choice"
        ).grouped()
    if spec.kind is BallotKind.APPROVAL:
        return ScoreProfile.from_approvals(marks, candidates=slate).grouped()
    return ScoreProfile.from_scores(
        marks, candidates=slate, scale=(spec.min_score, spec.max_score), kind="score"
    ).grouped()


def recount(
    method: str, rules: dict[str, Any], spec: BallotSpec, slate: Sequence[str], marks: list[Any]
) -> Result:
    """Count ``marks`` by ``method`` with ``rules`` (the engine's registry does the counting)."""
    return registry.get(method).count(ballots_of(spec, slate, marks), rules)


def outcome_of(result: Result) -> tuple[str, ...]:
    """Who goes on: the winners, then any who tied with them (co-winners)."""
    extra = tuple(w for w in result.tied_winners if w not in result.winners)
    return tuple(result.winners) + extra
