"""An edition for the members' web tests: one round of each ballot kind, a viewing gate, an
attestation, a recusal, a branch-only round, a round that locks on submit; windows in Los Angeles.

Every round is open from 2025-03-01 09:00 to 2025-03-03 17:00 UTC (``OPEN_AT`` is inside).
"""

from __future__ import annotations

from datetime import UTC, datetime

from shortlist.domain.edition_file import read_edition
from shortlist.domain.model import Edition, Member, MemberStatus

KEY = "member-awards"
OPEN_AT = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
CLOSED_AT = datetime(2025, 3, 3, 17, 0, tzinfo=UTC)
ROUNDS = (
    ("picture", "final"),  # rank up to 3; m02 is credited on "river"
    ("song", "final"),  # scores 0..5, attest gate
    ("documentary", "final"),  # single choice, docs branch only, watch 1 first
    ("short", "final"),  # approval up to 2, locks on submit
)

WINDOW = 'opens = "2025-03-01T09:00 UTC"\n  closes = "2025-03-03T17:00 UTC"\n'


def _category(key: str, name: str, titles: list[str], round_lines: str) -> str:
    entries = "".join(
        f'  [[categories.entries]]\n  key = "{t.split()[-1].lower()}"\n  title = "{t}"\n'
        + (
            '  credits = [{ person = "Member Two", role = "director", member = "m02" }]\n'
            if t == "A River"
            else '  credits = [{ person = "Ana Reyes", role = "director" }]\n'
        )
        for t in titles
    )
    return (
        f'[[categories]]\nkey = "{key}"\nname = "{name}"\n{entries}'
        f'  [[categories.rounds]]\n  key = "final"\n  name = "Final vote"\n  {WINDOW}'
        f'  method = "irv"\n{round_lines}\n'
    )


TEXT = (
    f'[edition]\nkey = "{KEY}"\nname = "Member Awards"\nbody = "Test Guild"\n'
    'timezone = "America/Los_Angeles"\n\n'
    '[[branches]]\ncode = "actors"\nname = "Actors"\n\n'
    '[[branches]]\ncode = "docs"\nname = "Documentary"\n\n'
    + _category(
        "picture", "Best Picture", ["The Pinewood", "Quartz", "A River", "Salt", "Tide"],
        '  ballot = { kind = "rank", max_ranks = 3 }\n',
    )
    + _category(
        "song", "Best Song", ["Alpha", "Bravo", "Charlie"],
        '  ballot = { kind = "score", min_score = 0, max_score = 5 }\n  gate = "attest"\n',
    )
    + _category(
        "documentary", "Best Documentary", ["Harbour", "Ice"],
        '  ballot = { kind = "single" }\n  electorate = { branches = ["docs"] }\n'
        "  gate = { min_viewed = 1 }\n",
    )
    + _category(
        "short", "Best Short", ["Uno", "Dos", "Tres"],
        '  ballot = { kind = "approval", max_choices = 2 }\n  revision = "lock-on-submit"\n',
    )
)  # fmt: skip


def edition() -> Edition:
    return read_edition("member-awards.toml", text=TEXT)


def roll() -> list[Member]:
    actors = [
        Member(f"m{i:02d}", f"Member {i}", MemberStatus.ACTIVE, frozenset({"actors"}),
               f"m{i:02d}@example.test")
        for i in range(1, 5)
    ]  # fmt: skip
    return [
        *actors,
        Member("m05", "Member 5", MemberStatus.ACTIVE, frozenset({"docs"}), "m05@example.test"),
    ]
