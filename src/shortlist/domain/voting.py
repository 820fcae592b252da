"""The rules a ballot must pass, pure: slate, limits, duplicates, recusal and viewing gates.

A ballot's *marks* are, by ballot kind: a ranking (entry keys, first choice first), a single
choice (one key), an approval (a set of keys), or scores (``{key: score}``). Every check raises
:class:`BallotRefused` with a sentence a voter can act on; nothing here records anything.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from shortlist.domain.errors import BallotRefused
from shortlist.domain.model import BallotKind, BallotSpec, Entry, Gate, GateKind

Marks = Sequence[str] | Mapping[str, int]


@dataclass(frozen=True)
class BallotPaper:
    """What a member is shown: the slate (in ballot order), what they may not mark and why,
    the ballot's limits and the gate they passed."""

    round_id: int
    category: str
    round_key: str
    slate: tuple[Entry, ...]
    recused: tuple[str, ...]
    spec: BallotSpec
    gate: str
    voted: bool

    def instructions(self) -> str:
        spec = self.spec
        text = {
            BallotKind.RANK: f"Rank up to {spec.max_ranks} entries, your favourite first.",
            BallotKind.SCORE: f"Score the entries you watched from {spec.min_score} to "
            f"{spec.max_score}.",
            BallotKind.SINGLE: "Choose one entry.",
            BallotKind.APPROVAL: "Mark every entry you approve of"
            + (f" (at most {spec.max_choices})." if spec.max_choices else "."),
        }[spec.kind]
        if self.recused:
            text += (
                " You are credited on "
                + ", ".join(self.recused)
                + " and may not mark it (recusal)."
            )
        return text


def recused_entries(member: str, slate: Sequence[Entry]) -> tuple[str, ...]:
    """Keys of the slate entries on which ``member`` is credited."""
    return tuple(e.key for e in slate if member in e.credited_members())


def check_gate(
    gate: Gate, slate_keys: Collection[str], viewed: Collection[str], attested: bool
) -> None:
    """Refuse a voter who has not met the round's viewing gate."""
    seen = len(set(viewed) & set(slate_keys))
    if gate.kind is GateKind.MIN_VIEWED and seen < gate.n:
        raise BallotRefused(
            f"viewing requirement not met: watched {seen} of the entries, at least {gate.n} needed"
        )
    if gate.kind is GateKind.VIEWED_ALL and seen < len(slate_keys):
        missing = len(slate_keys) - seen
        raise BallotRefused(
            f"viewing requirement not met: {missing} of the {len(slate_keys)} entries not watched"
        )
    if gate.kind is GateKind.ATTEST and not attested:
        raise BallotRefused("viewing requirement not met: attest that you watched the entries")


def check_marks(
    spec: BallotSpec, slate_keys: Collection[str], recused: Collection[str], marks: Marks
) -> list[str] | dict[str, int]:
    """The marks in their stored form, or :class:`BallotRefused` saying what is wrong."""
    if spec.kind is BallotKind.SCORE:
        if not isinstance(marks, Mapping):
            raise BallotRefused("a score ballot gives each entry a score")
        return _check_scores(spec, slate_keys, recused, marks)
    if isinstance(marks, (Mapping, str)):
        raise BallotRefused(f"a {spec.kind.value} ballot lists entry keys")
    keys = list(marks)
    _check_keys(keys, slate_keys, recused)
    if spec.kind is BallotKind.RANK and len(keys) > spec.max_ranks:
        raise BallotRefused(f"too many ranks: {len(keys)} given, at most {spec.max_ranks}")
    if spec.kind is BallotKind.SINGLE and len(keys) != 1:
        raise BallotRefused(f"choose exactly one entry, not {len(keys)}")
    if spec.kind is BallotKind.APPROVAL and spec.max_choices and len(keys) > spec.max_choices:
        raise BallotRefused(f"too many approvals: {len(keys)} given, at most {spec.max_choices}")
    return keys


def _check_keys(keys: list[str], slate_keys: Collection[str], recused: Collection[str]) -> None:
    if not keys:
        raise BallotRefused("the ballot marks no entry")
    seen: set[str] = set()
    for key in keys:
        if key not in slate_keys:
            raise BallotRefused(f"{key!r} is not on this round's slate")
        if key in seen:
            raise BallotRefused(f"{key!r} is marked more than once")
        if key in recused:
            raise BallotRefused(f"recusal: you are credited on {key!r} and may not mark it")
        seen.add(key)


def _check_scores(
    spec: BallotSpec,
    slate_keys: Collection[str],
    recused: Collection[str],
    marks: Mapping[str, int],
) -> dict[str, int]:
    _check_keys(list(marks), slate_keys, recused)
    out: dict[str, int] = {}
    for key, score in marks.items():
        if isinstance(score, bool) or not isinstance(score, int):
            raise BallotRefused(f"the score of {key!r} must be a whole number")
        if not spec.min_score <= score <= spec.max_score:
            raise BallotRefused(
                f"the score of {key!r} is {score}, outside {spec.min_score}..{spec.max_score}"
            )
        out[key] = score
    return out
