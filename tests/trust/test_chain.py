"""The audit log's hash chain: any change, deletion, insertion or reordering is caught."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from shortlist.trust.body import BodyKey
from shortlist.trust.chain import (
    GENESIS,
    LogEntry,
    SealedEntry,
    chain_problems,
    head_of,
    seal_entry,
)

KEY = BodyKey.generate()


def _chain(n: int, key: BodyKey = KEY) -> list[SealedEntry]:
    chain: list[SealedEntry] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        entry = LogEntry(
            seq, f"2025-01-0{seq}T09:00:00.000000Z", "admin", "round.open", f"e/c/r{seq}",
            "", {"n": seq},
        )  # fmt: skip
        chain.append(seal_entry(entry, prev, key))
        prev = chain[-1].hash
    return chain


def test_an_untouched_chain_checks() -> None:
    chain = _chain(5)
    assert chain_problems(chain, KEY.public, head_of(chain)) == []


def _altered(chain: list[SealedEntry]) -> list[SealedEntry]:
    victim = chain[2]
    entry = dataclasses.replace(victim.entry, reason="changed afterwards")
    return [*chain[:2], dataclasses.replace(victim, entry=entry), *chain[3:]]


def _resealed_with_another_key(chain: list[SealedEntry]) -> list[SealedEntry]:
    other = BodyKey.generate()
    return _chain(len(chain), other)


Tampering = Callable[[list[SealedEntry]], list[SealedEntry]]

TAMPERINGS: dict[str, Tampering] = {
    "changed": _altered,
    "deleted": lambda c: c[:1] + c[2:],
    "inserted": lambda c: [*c[:2], c[1], *c[2:]],
    "reordered": lambda c: [c[0], c[2], c[1], *c[3:]],
    "re-signed by another key": _resealed_with_another_key,
    "cut short": lambda c: c[:-1],
}


@pytest.mark.parametrize("how", TAMPERINGS)
def test_any_tampering_is_caught(how: str) -> None:
    chain = _chain(5)
    head = head_of(chain)
    tampered = TAMPERINGS[how](chain)
    assert chain_problems(tampered, KEY.public, head)


def test_entries_round_trip_through_json() -> None:
    chain = _chain(3)
    again = [SealedEntry.from_json(s.to_json()) for s in chain]
    assert again == chain
