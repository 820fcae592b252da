"""A small edition for the service tests: directors and actors, two categories.

``picture`` chains nominations (directors, a viewing gate, a recusal on ``r``) into a final
that locks on submit; ``directing`` is one IRV round over the entries of ACADEMY.md §3.4.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from shortlist.domain.model import Member, MemberStatus

UTC = ZoneInfo("UTC")

EDITION = """
[edition]
key = "test-awards"
name = "Test Awards"
body = "Test Academy"
timezone = "UTC"

[[branches]]
code = "directors"
name = "Directors"

[[branches]]
code = "actors"
name = "Actors"

[[categories]]
key = "picture"
name = "Best Picture"

  [[categories.entries]]
  key = "p"
  title = "The Pinewood"
  [[categories.entries]]
  key = "q"
  title = "Quartz"
  [[categories.entries]]
  key = "r"
  title = "A River"
  credits = [{ person = "Dana Two", role = "director", member = "d02" }]
  [[categories.entries]]
  key = "s"
  title = "Salt"
  [[categories.entries]]
  key = "t"
  title = "Tide"

  [[categories.rounds]]
  key = "nominations"
  opens = "2025-01-10T09:00 UTC"
  closes = "2025-01-12T17:00 UTC"
  electorate = { branches = ["directors"] }
  gate = { min_viewed = 2 }
  ballot = { kind = "rank", max_ranks = 3 }
  method = "irv"
  publication = { mode = "alphabetical", embargo = "2025-01-15T12:00 UTC" }

  [[categories.rounds]]
  key = "final"
  slate = "previous"
  opens = "2025-02-01T09:00 UTC"
  closes = "2025-02-03T17:00 UTC"
  ballot = { kind = "rank", max_ranks = 5 }
  method = "irv"
  revision = "lock-on-submit"
  publication = { mode = "full", embargo = "2025-02-05T12:00 UTC" }

[[categories]]
key = "directing"
name = "Directing"

  [[categories.entries]]
  key = "p"
  title = "P"
  [[categories.entries]]
  key = "q"
  title = "Q"
  [[categories.entries]]
  key = "r"
  title = "R"
  [[categories.entries]]
  key = "s"
  title = "S"
  [[categories.entries]]
  key = "t"
  title = "T"

  [[categories.rounds]]
  key = "final"
  opens = "2025-02-01T09:00 UTC"
  closes = "2025-02-03T17:00 UTC"
  gate = "attest"
  ballot = { kind = "rank", max_ranks = 5 }
  method = "irv"
  publication = { mode = "full", embargo = "2025-02-05T12:00 UTC" }
"""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def roll() -> list[Member]:
    directors = [
        Member(f"d{i:02d}", f"Director {i}", MemberStatus.ACTIVE, frozenset({"directors"}))
        for i in range(1, 11)
    ]
    voters = [
        Member(f"v{i:03d}", f"Voter {i}", MemberStatus.LIFE, frozenset({"actors"}))
        for i in range(1, 101)
    ]
    return [
        *directors,
        *voters,
        Member("a01", "Actor One", MemberStatus.ACTIVE, frozenset({"actors"})),
        Member("e01", "Emeritus One", MemberStatus.EMERITUS, frozenset({"directors"})),
    ]
