"""A small private BLT reader for the STV tests, until ``shortlist.formats.read_ballots`` lands.

Reads the Droop dialect (FORMATS.md §1): withdrawn ``-k`` ids, ``[tie]``, ``[nick]``,
``[withdrawn]`` and ``[droop ...]`` options, ``a=b`` equal ranks, ``#`` and ``/* */`` comments, a
BOM, and ballot lines without their closing ``0`` (loomio's ers97.blt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shortlist.methods.ballots import Profile


@dataclass(frozen=True)
class BltElection:
    profile: Profile
    seats: int
    title: str
    #: candidate names in Droop's tie-break order (the first is picked in any tie)
    tie_order: tuple[str, ...]


def _lines(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = []
    for line in text.splitlines():
        tokens = re.findall(r'"[^"]*"|\[|\]|[^\s\[\]"]+', line)
        if tokens and tokens[0].startswith("#"):
            continue
        cut = next((i for i, t in enumerate(tokens) if t.startswith("#")), len(tokens))
        out.append(tokens[:cut])
    return [t for t in out if t]


def read_blt(path: Path) -> BltElection:
    lines = _lines(path.read_text(encoding="utf-8"))
    n_cand, seats = int(lines[0][0]), int(lines[0][1])
    rest = lines[0][2:]
    i = 1
    withdrawn: set[int] = set()
    tie: list[int] = []
    nick: dict[str, int] = {}
    # options and withdrawn ids
    while True:
        tokens = rest or lines[i]
        if tokens[0] == "[":
            name, items = tokens[1], tokens[2 : tokens.index("]")]
            if name == "tie":
                tie = [_cid(t, nick) for t in items]
            elif name == "nick":
                nick = {t: k + 1 for k, t in enumerate(items)}
            elif name == "withdrawn":
                withdrawn |= {_cid(t, nick) for t in items}
        elif tokens[0].startswith("-"):
            withdrawn |= {-int(t) for t in tokens}
        else:
            break
        if rest:
            rest = []
        else:
            i += 1
    rankings: list[list[list[int]]] = []
    weights: list[int] = []
    while lines[i] != ["0"]:
        tokens = lines[i]
        i += 1
        count = 1 if tokens[0].startswith("(") else int(tokens[0])
        marks = tokens[1:]
        if marks and marks[-1] == "0":
            marks = marks[:-1]
        ranking = [[_cid(c, nick) for c in m.split("=")] for m in marks]
        ranking = [[c for c in rank if c not in withdrawn] for rank in ranking]
        ranking = [rank for rank in ranking if rank]
        if ranking and count:
            rankings.append(ranking)
            weights.append(count)
    i += 1
    names = [lines[i + k][0].strip('"') for k in range(n_cand)]
    title = " ".join(lines[i + n_cand]).strip('"') if len(lines) > i + n_cand else ""
    ballots = [[[names[c - 1] for c in rank] for rank in r] for r in rankings]
    profile = Profile.from_rankings(
        ballots,
        candidates=names,
        weights=weights,
        withdrawn=[names[c - 1] for c in sorted(withdrawn)],
    )
    order = tie or list(range(1, n_cand + 1))
    return BltElection(profile, seats, title, tuple(names[c - 1] for c in order))


def _cid(token: str, nick: dict[str, int]) -> int:
    return nick[token] if token in nick else int(token)
