"""A ballot as an HTML form carries it, without JavaScript.

A ranking is built one press at a time: every press of "Add", "Move up", "Move down" or "Remove"
is a submit button (``name="action"``, ``value="add:KEY"``...) that sends the ranking so far (the
hidden field ``order``, entry keys separated by commas) and gets the page back with the change
made. Nothing is recorded until "Cast your vote". Scores come as ``score-KEY`` fields, a single
choice as ``choice``, approvals as repeated ``approve`` fields. The summary page carries the same
fields hidden, so the cast is checked by the same rules whatever the browser sends back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shortlist.domain.errors import BallotRefused
from shortlist.domain.model import BallotKind, BallotSpec, Entry
from shortlist.domain.voting import Marks, check_marks

ACTIONS = ("add", "up", "down", "remove")


@dataclass(frozen=True)
class FormFields:
    """The ballot fields of a submitted form: single values, and the repeated ``approve``."""

    values: Mapping[str, str]
    approve: tuple[str, ...] = ()


def order_of(fields: FormFields) -> list[str]:
    """The ranking so far, from the hidden ``order`` field."""
    return [k for k in (fields.values.get("order") or "").split(",") if k]


def apply_action(order: list[str], action: str, max_ranks: int) -> list[str]:
    """The ranking after one press (``add:KEY``, ``up:KEY``, ``down:KEY``, ``remove:KEY``)."""
    verb, _, key = action.partition(":")
    if verb not in ACTIONS or not key:
        raise BallotRefused(f"unknown ballot action {action!r}")
    order = list(order)
    if verb == "add":
        if key in order:
            raise BallotRefused(f"{key!r} is already ranked")
        if len(order) >= max_ranks:
            raise BallotRefused(f"you have ranked {max_ranks} entries, the most allowed")
        order.append(key)
        return order
    if key not in order:
        raise BallotRefused(f"{key!r} is not in your ranking")
    at = order.index(key)
    if verb == "remove":
        order.pop(at)
    elif verb == "up" and at > 0:
        order[at - 1], order[at] = order[at], order[at - 1]
    elif verb == "down" and at < len(order) - 1:
        order[at + 1], order[at] = order[at], order[at + 1]
    return order


def instructions(spec: BallotSpec) -> str:
    return {
        BallotKind.RANK: f"Rank up to {spec.max_ranks} entries, your favourite first: press "
        '"Rank" beside each entry in the order you prefer them. Nothing is recorded until you '
        "review and cast your vote.",
        BallotKind.SCORE: f"Give a score from {spec.min_score} to {spec.max_score} to each entry "
        "you want to score.",
        BallotKind.SINGLE: "Choose one entry.",
        BallotKind.APPROVAL: "Mark every entry you approve of"
        + (f" (at most {spec.max_choices})." if spec.max_choices else "."),
    }[spec.kind]


def marks_of(spec: BallotSpec, fields: FormFields) -> Marks:
    """The marks the form's fields give, by ballot kind (not yet checked against the slate)."""
    if spec.kind is BallotKind.RANK:
        return order_of(fields)
    if spec.kind is BallotKind.SINGLE:
        choice = fields.values.get("choice", "")
        return [choice] if choice else []
    if spec.kind is BallotKind.APPROVAL:
        return list(fields.approve)
    scores: dict[str, int] = {}
    for name, value in fields.values.items():
        if not name.startswith("score-") or value == "":
            continue
        try:
            scores[name.removeprefix("score-")] = int(value)
        except ValueError:
            raise BallotRefused(
                f"the score of {name.removeprefix('score-')!r} must be a whole number"
            ) from None
    return scores


def checked(
    spec: BallotSpec, slate: Sequence[Entry], recused: frozenset[str], marks: Marks
) -> Marks:
    """The marks if the round's rules accept them; :class:`BallotRefused` saying why not."""
    return check_marks(spec, frozenset(e.key for e in slate), recused, marks)


@dataclass(frozen=True)
class SummaryLine:
    position: int
    entry: Entry
    score: int | None = None


def summary(spec: BallotSpec, slate: Sequence[Entry], marks: Marks) -> list[SummaryLine]:
    """The marked entries as the summary lists them: in rank order, by score (highest first,
    then ballot order), or in ballot order for a choice or approvals."""
    by_key = {e.key: e for e in slate}
    if isinstance(marks, Mapping):
        ordered = sorted(marks, key=lambda k: (-marks[k], [e.key for e in slate].index(k)))
        return [SummaryLine(i + 1, by_key[k], marks[k]) for i, k in enumerate(ordered)]
    if spec.kind is BallotKind.RANK:
        return [SummaryLine(i + 1, by_key[k]) for i, k in enumerate(marks)]
    chosen = set(marks)
    return [SummaryLine(i + 1, e) for i, e in enumerate(e for e in slate if e.key in chosen)]


def hidden_fields(spec: BallotSpec, marks: Marks) -> list[tuple[str, str]]:
    """The (name, value) pairs that carry ``marks`` through the summary page."""
    if isinstance(marks, Mapping):
        return [(f"score-{k}", str(v)) for k, v in marks.items()]
    if spec.kind is BallotKind.RANK:
        return [("order", ",".join(marks))]
    if spec.kind is BallotKind.SINGLE:
        return [("choice", k) for k in marks]
    return [("approve", k) for k in marks]
