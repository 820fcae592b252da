"""A ballot's (rank, name) pairs as the readers find them, into marks per rank."""

from __future__ import annotations

from typing import Any

from shortlist.errors import BallotFileError
from shortlist.formats.rctab.cvr.records import Marks


class Rankings:
    """Collects (rank, name) pairs in file order; ``ranks()`` orders them by rank.

    Names at one rank keep their file order (RCTab sorts the pairs stably by rank). A rank
    that is not a positive whole number is an error naming the file and line.
    """

    __slots__ = ("by_rank", "line", "where")

    def __init__(self, where: str, line: int | None) -> None:
        self.where = where
        self.line = line
        self.by_rank: dict[int, list[str]] = {}

    def add(self, rank: Any, name: str) -> None:
        try:
            number = int(rank)
        except (TypeError, ValueError):
            number = 0
        if number < 1 or isinstance(rank, float | bool):
            raise BallotFileError(
                f"rank {rank!r} is not a positive whole number",
                path=self.where,
                line=self.line,
                field="Rank",
            )
        self.by_rank.setdefault(number, []).append(name)

    def ranks(self) -> tuple[Marks, ...]:
        if not self.by_rank:
            return ()
        top = max(self.by_rank)
        return tuple(tuple(self.by_rank.get(r, ())) for r in range(1, top + 1))


def ranks_of(pairs: list[tuple[Any, str]], where: str, line: int | None) -> tuple[Marks, ...]:
    """Marks per rank from (rank, name) pairs in file order: :class:`Rankings` in one call."""
    if not pairs:
        return ()
    by_rank: dict[int, list[str]] = {}
    for rank, name in pairs:
        if type(rank) is not int or rank < 1:
            rankings = Rankings(where, line)
            rankings.add(rank, name)  # a whole number in a string, or an error
            rank = next(iter(rankings.by_rank))
        by_rank.setdefault(rank, []).append(name)
    top = max(by_rank)
    return tuple(tuple(by_rank[r]) if r in by_rank else () for r in range(1, top + 1))
