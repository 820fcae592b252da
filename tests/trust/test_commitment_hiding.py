"""A commitment published at the count must not let anyone confirm a guess of the results
before the announcement. Without a secret salt in the committed document, a small round's
results can be found by trying every possible count: the round's identity, rules and slate are
in the edition, and the number of ballots is on the board published at close."""

from __future__ import annotations

from itertools import product

from shortlist.trust.body import BodyKey
from shortlist.trust.canonical import digest
from shortlist.trust.commitment import (
    Commitment,
    Openings,
    RoundIdentity,
    results_document,
    salted_digest,
)

KEY = BodyKey.generate()
WHO = RoundIdentity("e", "jury", "Jury Prize", "final", "Final", "plurality", {}, {}, ("p", "q"))


def _result(p: int, q: int) -> dict[str, object]:
    winners = ["p"] if p > q else ["q"]
    return {"winners": winners, "rounds": [{"tally": {"p": str(p), "q": str(q)}}]}


def _document(p: int, q: int, winner: str) -> dict[str, object]:
    marks = [["p"]] * p + [["q"]] * q
    return results_document(WHO, marks, [winner], _result(p, q), Openings.fresh())


def test_every_guess_of_a_small_rounds_results_fails_against_its_commitment() -> None:
    ballots = 5  # public: the board's length
    committed = Commitment.sign(_document(2, 3, "q"), KEY)
    confirmed = [
        (p, winner)
        for p, winner in product(range(ballots + 1), ("p", "q"))
        if digest(_document(p, ballots - p, winner)) == committed.digest
    ]
    assert confirmed == []


def test_the_revealed_document_still_checks_against_its_commitment() -> None:
    document = _document(2, 3, "q")
    assert Commitment.sign(document, KEY).problems(document, KEY.public) == []
    again = _document(2, 3, "q")
    assert digest(again) != digest(document)  # each count's commitment has its own salt


def test_the_digests_open_with_their_own_salts_only() -> None:
    openings = Openings.fresh()
    marks = [["q"], ["q"], ["p"]]
    document = results_document(WHO, marks, ["q"], _result(1, 2), openings)
    assert salted_digest(openings.result_salt, _result(1, 2)) == document["result_sha256"]
    assert salted_digest(openings.ballots_salt, marks) == document["ballots_sha256"]
    assert salted_digest(str(document["salt"]), _result(1, 2)) != document["result_sha256"]
    assert salted_digest(openings.ballots_salt, marks[::-1]) != document["ballots_sha256"]
