"""A small edition for the browser tests, loaded through the services, with windows around now.

``picture/final`` (six films, rank up to five, instant runoff, full publication) is opened by the
seed so members can vote at once; ``documentary/final`` stays in draft for the administrator to
open from the browser. Members have e-mail addresses at ``example.test``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shortlist.domain.edition_file import read_edition
from shortlist.domain.model import Member, MemberStatus

EDITION_KEY = "browser-awards"
PICTURE = ("picture", "final")
DOCUMENTARY = ("documentary", "final")

FILMS = (
    ("pinewood", "The Pinewood", "Ana Reyes"),
    ("quartz", "Quartz", "Bo Lindqvist"),
    ("river", "A River Runs Dry", "Chidi Okafor"),
    ("salt", "Salt of the Earth", "Dara Kim"),
    ("tide", "Tide", "Eli Novak"),
    ("umbra", "Umbra", "Fen Marsh"),
)
DOCUMENTARIES = (
    ("harbour", "Harbour Lights", "Gil Moreau"),
    ("ice", "Ice Road", "Hana Sato"),
    ("jade", "Jade Mountain", "Ivo Petrov"),
    ("kiln", "Kiln", "Jo Adeyemi"),
)


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M UTC")


def _entries(films: tuple[tuple[str, str, str], ...]) -> str:
    return "".join(
        f'  [[categories.entries]]\n  key = "{key}"\n  title = "{title}"\n'
        f'  credits = [{{ person = "{person}", role = "director" }}]\n'
        for key, title, person in films
    )


def _round(opens: datetime, closes: datetime) -> str:
    return (
        '  [[categories.rounds]]\n  key = "final"\n  name = "Final vote"\n'
        f'  opens = "{_instant(opens)}"\n  closes = "{_instant(closes)}"\n'
        '  ballot = { kind = "rank", max_ranks = 5 }\n  method = "irv"\n'
        '  publication = { mode = "full" }\n'
    )


def edition_text(now: datetime) -> str:
    """The edition document, its windows open from an hour before ``now`` for two days."""
    opens, closes = now - timedelta(hours=1), now + timedelta(days=2)
    return (
        f'[edition]\nkey = "{EDITION_KEY}"\nname = "Browser Awards 2026"\n'
        'body = "Browser Test Academy"\ntimezone = "Europe/London"\n\n'
        '[[branches]]\ncode = "members"\nname = "Members"\n\n'
        '[[categories]]\nkey = "picture"\nname = "Best Picture"\n'
        + _entries(FILMS)
        + _round(opens, closes)
        + '\n[[categories]]\nkey = "documentary"\nname = "Best Documentary"\n'
        + _entries(DOCUMENTARIES)
        + _round(opens, closes)
    )


def roll(size: int = 12) -> list[Member]:
    return [
        Member(
            f"m{i:03d}",
            f"Member {i}",
            MemberStatus.ACTIVE,
            frozenset({"members"}),
            f"member{i}@example.test",
        )
        for i in range(1, size + 1)
    ]


@dataclass(frozen=True)
class Seeded:
    edition: str
    members: tuple[Member, ...]

    @property
    def voter(self) -> Member:
        return self.members[0]


def edition(now: datetime):  # type: ignore[no-untyped-def]
    return read_edition("browser-awards.toml", text=edition_text(now))
