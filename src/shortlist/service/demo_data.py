"""Simulated data for the 95th-Awards demo: a seeded member roll and generated fictional films.

Everything here is drawn from ``random.Random(seed)``: the same seed gives the same roll, the
same films and (in :mod:`shortlist.service.demo`) the same votes.
"""

from __future__ import annotations

import random
from dataclasses import replace

from shortlist.domain.model import Category, Credit, Edition, Entry, Member, MemberStatus

#: Share of the voting members in each branch (roughly the Academy's proportions).
BRANCH_SHARES = {
    "actors": 14.0, "casting": 1.5, "cinematographers": 3.0, "costume": 1.5, "directors": 6.0,
    "documentary": 6.0, "executives": 6.0, "film-editors": 3.5, "makeup": 2.0, "marketing": 5.5,
    "music": 3.5, "production-design": 4.0, "producers": 6.5, "shorts": 9.0, "sound": 5.5,
    "vfx": 5.0, "writers": 5.0, "at-large": 3.0,
}  # fmt: skip

FIRST = [
    "Ada",
    "Alma",
    "Ana",
    "Ben",
    "Bea",
    "Cal",
    "Cleo",
    "Dev",
    "Dina",
    "Eli",
    "Emi",
    "Finn",
    "Flo",
    "Gus",
    "Gia",
    "Hal",
    "Hana",
    "Ivo",
    "Iris",
    "Jay",
    "Jun",
    "Kai",
    "Kira",
    "Leo",
    "Lina",
    "Max",
    "Mia",
    "Nils",
    "Nora",
    "Oli",
    "Omar",
    "Pia",
    "Quin",
    "Rafa",
    "Rosa",
    "Sami",
    "Sol",
    "Teo",
    "Tess",
    "Uma",
    "Vic",
    "Vera",
    "Wes",
    "Wren",
    "Xan",
    "Yara",
    "Zeb",
    "Zoe",
]
LAST = [
    "Abara",
    "Berg",
    "Costa",
    "Dahl",
    "Eze",
    "Fischer",
    "Garza",
    "Haddad",
    "Ito",
    "Jansen",
    "Kowal",
    "Lund",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Park",
    "Quist",
    "Rossi",
    "Sato",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weiss",
    "Xu",
    "Yilmaz",
    "Zamora",
    "Brandt",
    "Cruz",
    "Duarte",
    "Ekman",
]
WORDS_A = [
    "Silent",
    "Paper",
    "Iron",
    "Blue",
    "Last",
    "Little",
    "Hollow",
    "Quiet",
    "Northern",
    "Burning",
    "Glass",
    "Salt",
    "Winter",
    "Golden",
    "Broken",
    "Distant",
    "Wild",
    "Open",
    "Hidden",
    "Long",
    "Bright",
    "Empty",
    "Narrow",
    "Velvet",
]
WORDS_B = [
    "Harbour",
    "Bridge",
    "Orchard",
    "Signal",
    "River",
    "Kitchen",
    "Lantern",
    "Garden",
    "Station",
    "Mountain",
    "Letter",
    "Window",
    "Ferry",
    "Horizon",
    "Field",
    "Choir",
    "Tide",
    "Engine",
    "Meadow",
    "Tower",
    "Border",
    "Island",
    "Ladder",
    "Mirror",
]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def roll(seed: int, voting: int = 9_500, others: int = 500) -> list[Member]:
    """``voting`` active or life members in branches, plus ``others`` emeritus or associate."""
    rng = random.Random(seed)
    codes, weights = list(BRANCH_SHARES), list(BRANCH_SHARES.values())
    members = []
    for i in range(1, voting + others + 1):
        if i <= voting:
            status = MemberStatus.LIFE if rng.random() < 0.12 else MemberStatus.ACTIVE
            branches = frozenset(rng.choices(codes, weights))
        else:
            status = rng.choice((MemberStatus.EMERITUS, MemberStatus.ASSOCIATE))
            branches = (
                frozenset()
                if status is MemberStatus.ASSOCIATE
                else frozenset(rng.choices(codes, weights))
            )
        members.append(Member(f"M{i:05d}", person(rng), status, branches))
    return members


def _title(rng: random.Random, used: set[str]) -> str:
    while True:
        title = f"The {rng.choice(WORDS_A)} {rng.choice(WORDS_B)}"
        if rng.random() < 0.4:
            title = f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)}"
        if title not in used:
            used.add(title)
            return title


def _key(title: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")


def fictional_films(
    rng: random.Random, count: int, taken: set[str], filmmakers: list[Member]
) -> list[Entry]:
    """``count`` generated films; about one in six credits a member (who must recuse)."""
    films = []
    used = set(taken)
    for _ in range(count):
        title = _title(rng, used)
        credits = [Credit(person(rng), "director"), Credit(person(rng), "producer")]
        if rng.random() < 0.17:
            member = rng.choice(filmmakers)
            credits[rng.randrange(2)] = Credit(member.name, credits[0].role, member.number)
        credits.append(Credit(person(rng), "cast"))
        films.append(Entry(_key(title) + "-fic", title, tuple(credits)))
    return films


def with_generated_films(edition: Edition, members: list[Member], seed: int) -> Edition:
    """The edition with fictional films added: 200 live-action shorts, 80 animated shorts."""
    rng = random.Random(seed + 1)
    filmmakers = [m for m in members if m.branches & {"shorts", "directors", "producers"}]
    wanted = {"live-action-short": 200, "animated-short": 80}
    categories = []
    for category in edition.categories:
        extra = wanted.get(category.key, 0) - len(category.entries)
        if extra > 0:
            taken = {e.title for e in category.entries}
            films = fictional_films(rng, extra, taken, filmmakers)
            category = replace(category, entries=category.entries + tuple(films))
        categories.append(category)
    return replace(edition, categories=tuple[Category, ...](categories))
