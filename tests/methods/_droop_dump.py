"""Droop's reference dumps (``test/ref/dump/*.txt``, FORMATS.md §6) and how to compare a Result.

A dump has one TSV row per action of the count. The rows that carry numbers give the quota, the
rule's totals and each candidate's state and vote (and keep factor, for Meek and Warren). The
comparison reads, for each round of a shortlist Result, the Droop row that shows the same
moment of the count:

* WIGM: a shortlist round's tally is the count at the start of the round, i.e. Droop's last row
  of the previous round (``begin`` for the first); the closing round is Droop's ``end`` row.
* Meek and Warren: a shortlist round's tally is the count when the round's iteration stopped,
  i.e. Droop's first ``tie``/``defeat`` row of the round, or else its last ``elect`` row; the
  closing round is Droop's ``end`` row.

Values are compared as Droop displays them: rounded half up to the dump's display places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from shortlist.methods.result import Result, Round

NAME = re.compile(
    r"^(?P<blt>.+?)-(?P<rule>wigm-prf-batch|wigm-prf|wigm|meek-prf|meek|warren|cfer-batch|cfer"
    r"|mpls|qpq|scotland)(?:-o(?P<omega>\d+))?-(?P<arith>rational|fixed|guarded)"
    r"(?:-p(?P<p>\d+))?(?:-g(?P<g>\d+))?-d(?P<d>\d+)\.txt$"
)


@dataclass(frozen=True)
class RefName:
    """What a dump's file name says: election, rule and arithmetic."""

    blt: str
    rule: str
    omega: int | None
    arithmetic: str
    display: int

    @classmethod
    def parse(cls, filename: str) -> RefName:
        m = NAME.match(filename)
        if not m:
            raise ValueError(f"not a Droop dump name: {filename}")
        kind, p, g = m.group("arith"), m.group("p"), m.group("g")
        arith = {"rational": "exact", "fixed": f"fixed({p})", "guarded": f"guarded({p},{g})"}[kind]
        omega = int(m.group("omega")) if m.group("omega") else None
        return cls(m.group("blt"), m.group("rule"), omega, arith, int(m.group("d")))


@dataclass
class Row:
    round: str
    action: str
    quota: str
    totals: dict[str, str]
    states: dict[str, str] = field(default_factory=dict)
    votes: dict[str, str] = field(default_factory=dict)
    keep: dict[str, str] = field(default_factory=dict)


def read_dump(path: Path) -> list[Row]:
    """The rows of a dump that carry numbers, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    first_cand = next(i for i, h in enumerate(header) if h.endswith(".name"))
    per_cand = 4 if any(h.endswith(".kf") for h in header) else 3
    total_names = header[3:first_cand]
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        if len(cells) <= 3:
            continue
        totals = dict(zip(total_names, cells[3:first_cand], strict=True))
        row = Row(cells[0], cells[1], cells[2], totals)
        for k in range(first_cand, len(cells), per_cand):
            name, state = cells[k], cells[k + 1]
            row.states[name] = state
            if state != "W":
                row.votes[name] = cells[k + 2]
                if per_cand == 4:
                    row.keep[name] = cells[k + 3]
        rows.append(row)
    return rows


def shown(x: Fraction, places: int) -> str:
    """``x`` as Droop shows it: rounded half up to ``places`` decimals."""
    scaled = (x * 10**places + Fraction(1, 2)).__floor__()
    sign = "-" if scaled < 0 else ""
    q, r = divmod(abs(scaled), 10**places)
    return f"{sign}{q}.{r:0{places}d}" if places else f"{sign}{q}"


def wigm_moments(rows: list[Row]) -> list[Row]:
    """Droop rows matching each shortlist WIGM round: start of each round, then the end."""
    last: dict[str, Row] = {}
    for row in rows:
        last[row.round] = row
    rounds = sorted(int(r) for r in last if r != "X")
    # the last Droop round's closing row is the same moment as the end row
    return [last[str(r)] for r in rounds[:-1]] + [last["X"]]


def meek_moments(rows: list[Row]) -> list[Row]:
    """Droop rows matching each shortlist Meek/Warren round: iteration ends, then the end."""
    by_round: dict[str, list[Row]] = {}
    for row in rows:
        by_round.setdefault(row.round, []).append(row)
    out = []
    for r in sorted(int(k) for k in by_round if k not in ("0", "X")):
        group = by_round[str(r)]
        stop = next((row for row in group if row.action in ("tie", "defeat")), None)
        out.append(stop or [row for row in group if row.action == "elect"][-1])
    return [*out, by_round["X"][-1]]


def compare(result: Result, moments: list[Row], places: int, meek: bool) -> list[str]:
    """Every difference between ``result`` and the Droop rows (empty when all match)."""
    if len(result.rounds) != len(moments):
        return [f"{len(result.rounds)} rounds, Droop has {len(moments)}"]
    problems: list[str] = []
    elected: set[str] = set()
    defeated: set[str] = set()
    for rnd, row in zip(result.rounds, moments, strict=True):
        where = f"round {rnd.number} (Droop {row.round} {row.action})"
        final = row.round == "X"
        # a WIGM row shows the start of the round; a Meek row shows its iteration's elections
        shown_elected = elected | set(rnd.elected) if (meek or final) else elected
        shown_defeated = defeated | set(rnd.eliminated) if final else defeated
        defeating = set(rnd.eliminated) if (meek and not final) else set()
        if meek and rnd.number == len(result.rounds) - 1:
            # Droop defeats the remaining hopefuls within its last round; shortlist closes with
            # a round of its own
            defeating |= set(result.rounds[-1].eliminated)
        problems += _states(where, row, shown_elected, shown_defeated, defeating)
        if rnd.threshold is not None and shown(rnd.threshold, places) != row.quota:
            problems.append(f"{where}: quota {shown(rnd.threshold, places)} != {row.quota}")
        for name, vote in row.votes.items():
            mine = shown(rnd.tally.get(name, Fraction(0)), places)
            if mine != vote:
                problems.append(f"{where}: {name} has {mine}, Droop {vote}")
        problems += _totals(where, rnd, row, places, meek)
        if meek:
            problems += _keep(where, rnd, row, places)
        elected |= set(rnd.elected)
        defeated |= set(rnd.eliminated)
    return problems


def _states(
    where: str, row: Row, elected: set[str], defeated: set[str], defeating: set[str]
) -> list[str]:
    out = []
    for name, state in row.states.items():
        mine = "E" if name in elected else "D" if name in defeated else "H"
        theirs = "E" if state == "e" else state
        if theirs == "W" or (name in defeating and theirs in "HD"):
            continue
        if mine != theirs:
            out.append(f"{where}: {name} is {mine}, Droop {theirs}")
    return out


def _totals(where: str, rnd: Round, row: Row, places: int, meek: bool) -> list[str]:
    if meek:
        theirs = row.totals.get("Residual")
        mine = shown(rnd.exhausted + rnd.residual, places)
    else:
        theirs = row.totals.get("Non-Transferable")
        mine = shown(rnd.exhausted, places)
    if theirs is not None and mine != theirs:
        return [f"{where}: non-transferable {mine} != {theirs}"]
    return []


def _keep(where: str, rnd: Round, row: Row, places: int) -> list[str]:
    out = []
    for name, kf in row.keep.items():
        mine = shown(rnd.extra.get(f"keep:{name}", Fraction(0)), places)
        if mine != kf:
            out.append(f"{where}: keep factor of {name} {mine} != {kf}")
    return out
