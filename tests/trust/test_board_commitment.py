"""The bulletin board's fingerprint and the commitment to results."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shortlist.trust.board import Board
from shortlist.trust.body import BodyKey
from shortlist.trust.commitment import Commitment, Openings, RoundIdentity, results_document

KEY = BodyKey.generate()
trackers = st.lists(
    st.binary(min_size=1, max_size=8).map(lambda b: hashlib.sha256(b).hexdigest()),
    unique=True,
    max_size=12,
)


@given(trackers)
def test_the_board_does_not_depend_on_cast_order(found: list[str]) -> None:
    assert Board.of("e/c/r", found) == Board.of("e/c/r", list(reversed(found)))


@given(trackers, st.data())
def test_a_tracker_dropped_or_added_changes_the_fingerprint(
    found: list[str], data: st.DataObject
) -> None:
    board = Board.of("e/c/r", found)
    assert all(board.holds(t) for t in found)
    extra = hashlib.sha256(b"another ballot").hexdigest()
    if extra not in found:
        assert Board.of("e/c/r", [*found, extra]).fingerprint != board.fingerprint
    if found:
        dropped = data.draw(st.sampled_from(found))
        assert not Board.of("e/c/r", [t for t in found if t != dropped]).holds(dropped)
        assert Board.of("e/c/r", [t for t in found if t != dropped]).fingerprint != (
            board.fingerprint
        )


def test_the_same_trackers_on_another_round_give_another_fingerprint() -> None:
    assert Board.of("e/c/r", ["ab"]).fingerprint != Board.of("e/d/r", ["ab"]).fingerprint


def _document(category: str, outcome: list[str]) -> dict[str, object]:
    who = RoundIdentity(
        "e", category, category.title(), "final", "Final", "irv", {}, {}, ("p", "q")
    )
    result = {"winners": outcome, "rounds": [{"tally": {"p": "3", "q": "2"}}]}
    marks = [["p"]] * 3 + [["q"]] * 2
    return results_document(who, marks, outcome, result, Openings.fresh())


def test_a_commitment_checks_its_own_results() -> None:
    document = _document("picture", ["p"])
    assert Commitment.sign(document, KEY).problems(document, KEY.public) == []


@pytest.mark.parametrize(
    "other",
    [_document("picture", ["q"]), _document("directing", ["p"])],
    ids=["another outcome", "another category's results"],
)
def test_a_commitment_refuses_other_results(other: dict[str, object]) -> None:
    commitment = Commitment.sign(_document("picture", ["p"]), KEY)
    assert commitment.problems(other, KEY.public)


def test_a_commitment_signed_by_another_key_is_refused() -> None:
    document = _document("picture", ["p"])
    commitment = Commitment.sign(document, BodyKey.generate())
    assert commitment.problems(document, KEY.public)
