"""A tiny line-oriented BLT reader for the Scottish and ERS97 tests.

Stands in until ``shortlist.formats`` has its BLT reader. It reads the canonical form and the
dialects of the test files: ``#`` comment lines, ``-k`` withdrawn lines, Droop's ``[tie ...]`` and
``[withdrawn ...]`` options, a ballot per line with an optional trailing ``0``, ``a=b`` equal
ranks, quoted or unquoted names and title.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shortlist.methods.ballots import Profile


@dataclass(frozen=True)
class Blt:
    profile: Profile
    seats: int
    title: str
    tie_order: tuple[str, ...]


def read_blt(path: Path) -> Blt:
    lines = [
        ln.strip()
        for ln in path.read_text(encoding="utf-8-sig").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    n, seats = (int(t) for t in lines[0].split()[:2])
    withdrawn: list[int] = []
    tie: list[int] = []
    rows: list[list[str | tuple[str, ...]]] = []
    weights: list[int] = []
    i = 1
    while lines[i] != "0":
        line = lines[i]
        i += 1
        if line.startswith("["):
            words = line.strip("[]").split()
            if words[0] == "tie":
                tie = [int(w) for w in words[1:]]
            elif words[0] == "withdrawn":
                withdrawn += [int(w) for w in words[1:]]
            continue
        if line.startswith("-"):
            withdrawn += [-int(w) for w in line.split()]
            continue
        tokens = line.split()
        if tokens[-1] == "0":
            tokens.pop()
        weights.append(int(tokens[0]))
        ranks: list[str | tuple[str, ...]] = []
        for tok in tokens[1:]:
            ids = tok.split("=")
            ranks.append(ids[0] if len(ids) == 1 else tuple(ids))
        rows.append(ranks)
    names = [lines[i + 1 + k].strip('"').replace('""', '"') for k in range(n)]
    title = lines[i + 1 + n].strip('"') if len(lines) > i + 1 + n else ""

    def name(cid: str) -> str:
        return names[int(cid) - 1]

    ballots = [
        [name(r) if isinstance(r, str) else tuple(name(x) for x in r) for r in row] for row in rows
    ]
    profile = Profile.from_rankings(
        ballots,
        candidates=names,
        weights=weights,
        withdrawn=[names[k - 1] for k in withdrawn],
    )
    return Blt(profile, seats, title, tuple(names[k - 1] for k in tie))
