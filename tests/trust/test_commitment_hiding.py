"""A commitment published at the count must not let anyone confirm a guess of the results
before the announcement. Without a secret salt in the committed document, a small round's
results can be found by trying every possible count: the round's identity, rules and slate are
in the edition, and the number of ballots is on the board published at close."""

from __future__ import annotations

from itertools import product

from shortlist.trust.body import BodyKey
from shortlist.trust.canonical import digest
from shortlist.trust.commitment import Commitment, RoundIdentity, results_document

KEY = BodyKey.generate()
WHO = RoundIdentity("e", "jury", "Jury Prize", "final", "Final", "plurality", {}, {}, ("p", "q"))


def _result(p: int, q: int) -> dict[str, object]:
    winners = ["p"] if p > q else ["q"]
    return {"winners": winners, "rounds": [{"tally": {"p": str(p), "q": str(q)}}]}


def test_every_guess_of_a_small_rounds_results_fails_against_its_commitment() -> None:
    ballots = 5  # public: the board's length
    committed = Commitment.sign(results_document(WHO, ballots, ["q"], _result(2, 3)), KEY)
    confirmed = [
        (p, winner)
        for p, winner in product(range(ballots + 1), ("p", "q"))
        if digest(results_document(WHO, ballots, [winner], _result(p, ballots - p)))
        == committed.digest
    ]
    assert confirmed == []


def test_the_revealed_document_still_checks_against_its_commitment() -> None:
    document = results_document(WHO, 5, ["q"], _result(2, 3))
    assert Commitment.sign(document, KEY).problems(document, KEY.public) == []
    again = results_document(WHO, 5, ["q"], _result(2, 3))
    assert digest(again) != digest(document)  # each count's commitment has its own salt
