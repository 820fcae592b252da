"""Counting a ballot file for ``shortlist tabulate``, without click.

``shortlist tabulate FILE ...`` is parsed here directly when its arguments are plain
(:mod:`shortlist.cli.tabulate_quick`), so that counting a file does not wait for click to be
imported; :mod:`shortlist.cli.tabulate` (the click command) calls the same functions.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, TextIO

from shortlist.errors import CountError, RulesError
from shortlist.formats.paths import suffix

#: A file name, as click gives it (a ``pathlib.Path``) or as the quick path does (a ``str``).
FileName = str | os.PathLike[str]

FORMATS = ("table", "json", "html", "rctab-json", "rctab-csv", "rctab-summary-csv")
INPUT_FORMATS = ("csv", "blt", "preflib", "scores")


def parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    errors = []
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            errors.append(f"--set {item!r}: expected KEY=VALUE")
            continue
        out[key.strip()] = value.strip()
    if errors:
        raise RulesError("; ".join(errors), errors=tuple(errors))
    return out


def count_file(
    path: FileName,
    method: str | None,
    seats: int | None,
    switches: dict[str, str],
    input_format: str | None,
) -> Any:
    from shortlist.cli.progress import read_with_progress
    from shortlist.methods import registry

    given: dict[str, Any] = dict(switches)
    if seats is not None:
        given.setdefault("seats", seats)
    chosen = registry.get(method) if method else None
    if chosen is not None:
        chosen.rules(given)  # unknown method or bad switches fail before the file is read
    if (
        input_format == "scores"
        or suffix(path).lower() in (".cat", ".starvote")
        or (chosen is not None and chosen.ballots == "scores")
    ):
        from shortlist.formats.scores import read_scores

        scored = read_scores(os.fspath(path))
        default = "star" if suffix(path).lower() == ".starvote" else "score-sum"
        spec = chosen or registry.get(default)
        return spec.count(scored, spec.rules(given))
    keep_freed_memory()
    ballots = read_with_progress(path, input_format)
    wanted = given.get("seats", ballots.seats)
    spec = chosen or registry.get("stv-wigm" if int(wanted or 1) > 1 else "irv")
    values = dict(given)
    if "seats" not in values and ballots.seats is not None and not spec.rules_type.single_winner:
        values["seats"] = ballots.seats
    fields = {f.name for f in spec.rules_type.switches()}
    if ballots.tie_order and "tie_order" in fields and "tie_order" not in values:
        values["tie_order"] = ballots.tie_order
        # a BLT [tie] line is Droop's: the candidate listed first is picked in every tie
        if "tie_order_style" in fields and "tie_order_style" not in values:
            values["tie_order_style"] = "droop"
    rules = spec.rules(values)
    if ballots.profile.total_weight == 0:
        raise CountError(f"{path}: the file holds no ballots")
    return spec.count(ballots.profile, rules)


def keep_freed_memory() -> None:
    """Let glibc keep freed blocks for the next arrays instead of mapping fresh memory each time.

    Reading a big ballot file allocates many short-lived arrays; by default glibc gives every
    block over 128 KiB back to the system and maps a fresh one for the next, which costs a page
    fault per 4 KiB touched (reading 10^6 ballots: ~80,000 faults, a third of the time). A
    command ends soon, so keeping the memory costs nothing. One arena for every thread, so
    that the count reuses the memory the reader threads freed (a fault costs some 4 µs on a
    virtual machine). Linux with glibc only.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-3, 256 << 20)  # M_MMAP_THRESHOLD: blocks below this come from the heap
    mallopt(-1, 512 << 20)  # M_TRIM_THRESHOLD: keep this much freed memory at the heap's top
    mallopt(-2, 64 << 20)  # M_TOP_PAD: grow the heap in big steps
    mallopt(-8, 1)  # M_ARENA_MAX


def emit(result: Any, output_format: str, output: FileName | None, path: FileName) -> None:
    if output_format == "html":
        from shortlist.formats.report import page

        text = page(result, title=f"Results: {os.path.basename(path)}")
        with open_out(output) as out:
            out.write(text)
        return
    if output_format == "json":
        import json  # not before: the ballot file is read meanwhile

        text = json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
        with open_out(output) as out:
            out.write(text)
        return
    from shortlist.cli.render import render_result

    with open_out(output) as out:
        render_result(result, out)


class open_out:
    """Standard output, or a file written atomically (nothing is left behind on failure)."""

    def __init__(self, path: FileName | None) -> None:
        self.path = None if path is None else os.fspath(path)
        self.tmp: str | None = None
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        folder, name = os.path.split(self.path)
        self.tmp = os.path.join(folder, f".{name}.partial")
        self.handle = open(self.tmp, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.handle is None or self.tmp is None or self.path is None:
            return
        self.handle.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
