"""The pure ballot rules: marks, gates, recusal, electorates, the round lifecycle."""

from __future__ import annotations

import pytest

from shortlist.domain.errors import BallotRefused, LifecycleError
from shortlist.domain.lifecycle import RoundStatus, check_step
from shortlist.domain.model import (
    BallotKind,
    BallotSpec,
    Credit,
    Electorate,
    ElectorateKind,
    Entry,
    Gate,
    GateKind,
    Member,
    MemberStatus,
)
from shortlist.domain.voting import check_gate, check_marks, recused_entries

SLATE = ("a", "b", "c", "d")


def test_rank_ballots() -> None:
    spec = BallotSpec(BallotKind.RANK, max_ranks=3)
    assert check_marks(spec, SLATE, (), ["b", "a"]) == ["b", "a"]
    for marks, reason in [
        (["a", "b", "c", "d"], "too many ranks"),
        (["a", "a"], "more than once"),
        (["z"], "not on this round's slate"),
        ([], "marks no entry"),
    ]:
        with pytest.raises(BallotRefused, match=reason):
            check_marks(spec, SLATE, (), marks)
    with pytest.raises(BallotRefused, match="recusal"):
        check_marks(spec, SLATE, ("b",), ["a", "b"])


def test_score_single_and_approval_ballots() -> None:
    score = BallotSpec(BallotKind.SCORE, min_score=6, max_score=10)
    assert check_marks(score, SLATE, (), {"a": 6, "c": 10}) == {"a": 6, "c": 10}
    with pytest.raises(BallotRefused, match=r"outside 6\.\.10"):
        check_marks(score, SLATE, (), {"a": 5})
    with pytest.raises(BallotRefused, match="whole number"):
        check_marks(score, SLATE, (), {"a": True})
    with pytest.raises(BallotRefused, match="exactly one"):
        check_marks(BallotSpec(BallotKind.SINGLE), SLATE, (), ["a", "b"])
    with pytest.raises(BallotRefused, match="too many approvals"):
        check_marks(BallotSpec(BallotKind.APPROVAL, max_choices=2), SLATE, (), ["a", "b", "c"])


def test_gates() -> None:
    check_gate(Gate(GateKind.MIN_VIEWED, 2), SLATE, {"a", "b", "zz"}, False)
    with pytest.raises(BallotRefused, match="watched 1"):
        check_gate(Gate(GateKind.MIN_VIEWED, 2), SLATE, {"a", "zz"}, False)
    with pytest.raises(BallotRefused, match="3 of the 4"):
        check_gate(Gate(GateKind.VIEWED_ALL), SLATE, {"a"}, False)
    with pytest.raises(BallotRefused, match="attest"):
        check_gate(Gate(GateKind.ATTEST), SLATE, set(SLATE), False)
    check_gate(Gate(GateKind.ATTEST), SLATE, set(), True)


def test_recusal_follows_credits() -> None:
    slate = [Entry("a", "A", (Credit("Ann", "director", "m1"),)), Entry("b", "B")]
    assert recused_entries("m1", slate) == ("a",)
    assert recused_entries("m2", slate) == ()


def test_electorates() -> None:
    members = [
        Member("1", "A", MemberStatus.ACTIVE, frozenset({"x"})),
        Member("2", "B", MemberStatus.LIFE, frozenset({"y"})),
        Member("3", "C", MemberStatus.EMERITUS, frozenset({"x"})),
        Member("4", "D", MemberStatus.ASSOCIATE, frozenset({"x"})),
        Member("5", "E", MemberStatus.ACTIVE, frozenset({"x", "y"})),
    ]
    assert Electorate().pool(members) == ["1", "2", "5"]
    assert Electorate(ElectorateKind.BRANCHES, ("x",)).pool(members) == ["1", "5"]
    opt_in = Electorate(ElectorateKind.OPT_IN)
    assert opt_in.pool(members, frozenset({"2", "3"})) == ["2"]
    committee = Electorate(ElectorateKind.COMMITTEE, (), size=2, seed=7)
    drawn = committee.pool(members)
    assert len(drawn) == 2 and set(drawn) <= {"1", "2", "5"}
    assert committee.pool(members) == drawn


def test_lifecycle_steps() -> None:
    check_step("r", RoundStatus.DRAFT, RoundStatus.OPEN)
    with pytest.raises(LifecycleError, match="cannot count round r: it is open"):
        check_step("r", RoundStatus.OPEN, RoundStatus.COUNTED)
    with pytest.raises(LifecycleError, match="cannot open round r: it is announced"):
        check_step("r", RoundStatus.ANNOUNCED, RoundStatus.OPEN)
