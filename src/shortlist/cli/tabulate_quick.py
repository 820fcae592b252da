"""``shortlist tabulate FILE [options]`` read without click, when its arguments are plain.

Importing click costs about 0.03 s, a tenth of counting a million ballots. A command line made
only of a ballot file that exists and options given as ``--name VALUE`` (or ``-n VALUE``), each
once, is parsed here and counted by the very functions the click command calls
(:mod:`shortlist.cli.tabulate_run`). Anything else (help, ``--name=VALUE``, a repeated option, a
value that looks like an option, a missing or unreadable file, an RCTab contest config, a
malformed number) returns ``None`` and goes to click, which parses it or says what is wrong.
So a command line means the same on both paths.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from shortlist.cli.tabulate_run import (
    FORMATS,
    INPUT_FORMATS,
    count_file,
    emit,
    keep_freed_memory,
    parse_sets,
)
from shortlist.formats import prefetch
from shortlist.formats.paths import suffix

#: Each option taken here, by every name it has, and its canonical name.
_OPTIONS = {
    "-m": "method",
    "--method": "method",
    "-s": "seats",
    "--seats": "seats",
    "--set": "set",
    "--input-format": "input_format",
    "-f": "format",
    "--format": "format",
    "-o": "output",
    "--output": "output",
}
_DIGITS = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Plain:
    """A plain ``tabulate`` command line, parsed."""

    path: str
    method: str | None = None
    seats: int | None = None
    sets: tuple[str, ...] = ()
    input_format: str | None = None
    output_format: str = "table"
    output: str | None = None


def parse(args: list[str]) -> Plain | None:
    """The command line after ``tabulate``, or ``None`` when click must read it."""
    if "_SHORTLIST_COMPLETE" in os.environ:
        return None  # click's shell completion
    paths: list[str] = []
    given: dict[str, str] = {}
    sets: list[str] = []
    words = iter(args)
    for word in words:
        if not word.startswith("-"):
            paths.append(word)
            continue
        name = _OPTIONS.get(word)
        value = next(words, None)
        if name is None or value is None or value.startswith("-"):
            return None
        if name == "set":
            sets.append(value)
        elif name in given:
            return None
        else:
            given[name] = value
    if len(paths) != 1 or not _plain_file(paths[0]):
        return None
    return _checked(paths[0], given, tuple(sets))


def _checked(path: str, given: dict[str, str], sets: tuple[str, ...]) -> Plain | None:
    output_format = given.get("format", "table")
    input_format = given.get("input_format")
    seats = given.get("seats")
    output = given.get("output")
    if (
        suffix(path).lower() == ".json"
        or output_format not in FORMATS
        or output_format.startswith("rctab")
        or (input_format is not None and input_format not in INPUT_FORMATS)
        or (seats is not None and not _DIGITS.fullmatch(seats))
        or (output is not None and not _writable(output))
    ):
        return None
    return Plain(
        path=path,
        method=given.get("method"),
        seats=None if seats is None else int(seats),
        sets=sets,
        input_format=input_format,
        output_format=output_format,
        output=output,
    )


def _plain_file(name: str) -> bool:
    """What click's ``Path(exists=True, dir_okay=False)`` accepts without a word."""
    return os.path.isfile(name) and os.access(name, os.R_OK)


def _writable(name: str) -> bool:
    """What click's ``Path(dir_okay=False, writable=True)`` accepts without a word."""
    if not name or not os.path.exists(name):
        return bool(name)
    return not os.path.isdir(name) and os.access(name, os.W_OK)


def run(args: list[str]) -> bool:
    """Count as ``shortlist tabulate`` would if the command line is plain; ``False`` if not
    (nothing done). Errors are raised as the click command raises them."""
    plain = parse(args)
    if plain is None:
        return False
    if plain.input_format in (None, "csv") and suffix(plain.path).lower() == ".csv":
        from shortlist.cli.progress import shows_bar

        if not shows_bar(plain.path):
            keep_freed_memory()
            # read and grouped on a second thread while numpy and the counting modules load
            prefetch.start(plain.path, "csv", count=True)
    switches = parse_sets(plain.sets)
    result = count_file(plain.path, plain.method, plain.seats, switches, plain.input_format)
    emit(result, plain.output_format, plain.output, plain.path)
    return True
