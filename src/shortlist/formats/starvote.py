"""The "starvote format" of the starvote package (Larry Hastings): score ballots as text.

A line-oriented format (``.starvote``), read here from its documentation:

* lines are stripped; empty lines and lines starting with ``#`` separate ballots and are
  otherwise ignored;
* ``[options]`` and ``[ballots]`` open the two sections (each at most once);
* in ``[options]``, ``name = value`` assignments: ``maximum score`` (the scale is 0 to it;
  default 5), ``seats``, ``method``, ``verbosity``, ``tiebreaker`` (a name, or a list opened by
  ``[`` and closed by a line ``]``). Only ``maximum score`` shapes the ballots; the others are
  checked and returned in :attr:`StarvoteFile.options` so the caller can apply them;
* in ``[ballots]``, a ballot is a run of ``Candidate = score`` lines; ``n ballots:`` repeats the
  next ballot ``n`` times. A candidate a ballot does not mention is unscored on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shortlist.errors import BallotFileError
from shortlist.methods.scored import ScoreProfile

DEFAULT_MAXIMUM = 5
OPTIONS = ("maximum score", "seats", "method", "verbosity", "tiebreaker")
_REPEAT = re.compile(r"^(\d+)\s+ballots?\s*:$", re.IGNORECASE)


@dataclass(frozen=True)
class StarvoteFile:
    """The ballots of a starvote-format file, and its options as written."""

    profile: ScoreProfile
    options: dict[str, str | list[str]] = field(default_factory=dict)


@dataclass
class _Reader:
    source: str
    options: dict[str, str | list[str]] = field(default_factory=dict)
    #: each ballot: candidate -> (score, line), and how many times it was cast
    ballots: list[tuple[dict[str, tuple[int, int]], int]] = field(default_factory=list)
    current: dict[str, tuple[int, int]] = field(default_factory=dict)
    repeat: int = 1
    list_name: str | None = None
    list_items: list[str] = field(default_factory=list)

    def fail(self, message: str, line: int, name: str | None = None) -> BallotFileError:
        return BallotFileError(message, path=self.source, line=line, field=name)

    def end_ballot(self) -> None:
        if self.current:
            self.ballots.append((self.current, self.repeat))
            self.current, self.repeat = {}, 1


def parse_starvote(text: str, source: str = "<starvote>") -> StarvoteFile:
    """Read starvote-format text; :class:`BallotFileError` names the line and field."""
    reader = _Reader(source)
    section: str | None = None
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if reader.list_name is not None:
            _list_line(reader, line)
            continue
        if not line or line.startswith("#"):
            reader.end_ballot()
            continue
        if line.startswith("[") and line.endswith("]"):
            reader.end_ballot()
            section = line[1:-1].strip().lower()
            if section not in ("options", "ballots") or section in seen:
                raise reader.fail(f"unexpected section {line!r}", number)
            seen.add(section)
        elif section == "options":
            _option(reader, line, number)
        elif section == "ballots":
            _ballot_line(reader, line, number)
        else:
            raise reader.fail("text before an [options] or [ballots] section", number)
    if reader.list_name is not None:
        raise reader.fail(f"the list of {reader.list_name!r} is never closed by ']'", number)
    if reader.repeat != 1 and not reader.current:
        raise reader.fail("'ballots:' repeats a ballot but none follows", number)
    reader.end_ballot()
    return StarvoteFile(_profile(reader), reader.options)


def _list_line(reader: _Reader, line: str) -> None:
    if line == "]":
        assert reader.list_name is not None
        reader.options[reader.list_name] = reader.list_items
        reader.list_name, reader.list_items = None, []
    elif line and not line.startswith("#"):
        reader.list_items.append(line)


def _option(reader: _Reader, line: str, number: int) -> None:
    name, sep, value = (part.strip() for part in line.partition("="))
    name = name.lower()
    if not sep or name not in OPTIONS:
        raise reader.fail(f"unknown option line {line!r}; options are {', '.join(OPTIONS)}", number)
    if name in reader.options:
        raise reader.fail(f"option {name!r} is given twice", number, name)
    if value == "[":
        reader.list_name = name
        return
    if name in ("maximum score", "seats", "verbosity") and not (
        value.isascii() and value.isdigit()
    ):
        raise reader.fail(f"{value!r} is not a whole number", number, name)
    reader.options[name] = value


def _ballot_line(reader: _Reader, line: str, number: int) -> None:
    repeat = _REPEAT.match(line)
    if repeat:
        if reader.current:
            raise reader.fail("'ballots:' must come before the ballot it repeats", number)
        reader.repeat = int(repeat.group(1))
        if reader.repeat < 1:
            raise reader.fail("a ballot must be repeated at least once", number)
        return
    name, sep, value = (part.strip() for part in line.partition("="))
    if not sep or not name:
        raise reader.fail(f"expected 'Candidate = score', not {line!r}", number)
    if not (value.isascii() and value.lstrip("-").isdigit()):
        raise reader.fail(f"{value!r} is not a whole-number score", number, name)
    if name in reader.current:
        raise reader.fail(f"{name!r} is scored twice on one ballot", number, name)
    reader.current[name] = (int(value), number)


def _profile(reader: _Reader) -> ScoreProfile:
    raw_max = reader.options.get("maximum score", str(DEFAULT_MAXIMUM))
    top = int(raw_max) if isinstance(raw_max, str) else DEFAULT_MAXIMUM
    candidates: list[str] = []
    for scores, _ in reader.ballots:
        for name, (value, line) in scores.items():
            if not 0 <= value <= top:
                raise reader.fail(f"score {value} is outside the scale 0 to {top}", line, name)
            if name not in candidates:
                candidates.append(name)
    if not reader.ballots:
        raise reader.fail("the file holds no ballots", 1)
    return ScoreProfile.from_scores(
        [{name: value for name, (value, _) in scores.items()} for scores, _ in reader.ballots],
        candidates=candidates,
        scale=(0, top),
        kind="score",
        weights=[repeat for _, repeat in reader.ballots],
    )
