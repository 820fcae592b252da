"""A round's life in the signed log: the board before unsealing, the commitment before the
announcement, each step once."""

from __future__ import annotations

import pytest

from shortlist.trust.body import BodyKey
from shortlist.trust.chain import GENESIS, LogEntry, SealedEntry, seal_entry
from shortlist.trust.record_check import LIFE, life_order_problems

KEY = BodyKey.generate()
ROUND = "e/c/final"


def _log(actions: list[str]) -> list[SealedEntry]:
    log: list[SealedEntry] = []
    for seq, action in enumerate(actions, start=1):
        entry = LogEntry(seq, "2025-01-01T00:00:00.000000Z", "admin", action, ROUND, "", None)
        log.append(seal_entry(entry, log[-1].hash if log else GENESIS, KEY))
    return log


def test_the_life_in_order_checks() -> None:
    assert life_order_problems(_log([*LIFE[:2], "round.close", *LIFE[2:]]), ROUND) == []


@pytest.mark.parametrize(
    ("actions", "problem"),
    [
        ([*LIFE[:2], "round.unseal", "round.board", *LIFE[4:]], "round.unseal comes before"),
        ([*LIFE[:4], "round.announce", "round.commit"], "round.announce comes before"),
        ([*LIFE[:2], *LIFE[3:]], "round.board is in the log 0 times"),
        ([*LIFE, "round.commit"], "round.commit is in the log 2 times"),
    ],
    ids=["unsealed before the board", "announced before committed", "no board", "two commits"],
)
def test_a_life_out_of_order_is_caught(actions: list[str], problem: str) -> None:
    problems = life_order_problems(_log(actions), ROUND)
    assert any(problem in p for p in problems), problems
