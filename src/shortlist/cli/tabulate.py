"""``shortlist tabulate``: count a ballot file (or an RCTab contest config) and show the rounds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from shortlist.errors import CountError, RulesError

FORMATS = ("table", "json", "html", "rctab-json", "rctab-csv", "rctab-summary-csv")


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
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


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-m",
    "--method",
    metavar="NAME",
    help="Counting method (see `shortlist methods`). Default: irv for one seat, stv-wigm for more.",
)
@click.option(
    "-s",
    "--seats",
    type=int,
    help="Seats to fill. Default: the number a BLT file gives, else 1.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set one of the method's switches (repeatable), e.g. --set quota_mode=fixed.",
)
@click.option(
    "--input-format",
    type=click.Choice(["csv", "blt", "preflib", "scores"]),
    help="Ballot file format. Default: guessed from the extension, then the content; "
    "'scores' reads score, approval or single-choice CSV (a header naming the candidates), "
    "as do methods that count scores, PrefLib .cat and starvote-format (.starvote) files.",
)
@click.option(
    "-f",
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: rounds for people; json: the shortlist-result/1 document; "
    "html: one self-contained results page (outcome, rounds, charts; use -o); "
    "rctab-json / rctab-csv / rctab-summary-csv: RCTab's reports (RCTab contest configs only).",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="RCTab contest configs: write every report RCTab writes (each pass, precinct and "
    "batch) into this directory, under RCTab's file names.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output (written only when the count succeeds).",
)
def tabulate(
    path: Path,
    method: str | None,
    seats: int | None,
    sets: tuple[str, ...],
    input_format: str | None,
    output_format: str,
    output: Path | None,
    output_dir: Path | None,
) -> None:
    """Count the ballots in PATH and show every round.

    PATH is a ballot file (CSV with one ballot per row and candidates in rank order; BLT;
    PrefLib .soc/.soi/.toc/.toi) or an RCTab contest configuration (*.json), which brings its own
    rules and cast-vote records.

    \b
    Examples:
      shortlist tabulate ballots.csv
      shortlist tabulate ward8.blt --method stv-scottish
      shortlist tabulate ballots.blt --method academy-nominations --seats 5 --set quota_mode=fixed
      shortlist tabulate contest_config.json --format rctab-json -o report.json
      shortlist tabulate ward8.blt --method stv-scottish --format html -o ward8.html

    Arithmetic is exact: the JSON output gives every number as an exact decimal string, or as
    a fraction ("220/21") when it has no finite decimal form.
    """
    switches = _parse_sets(sets)
    if path.suffix.lower() == ".json":
        _tabulate_rctab(path, method, seats, switches, output_format, output, output_dir)
        return
    if output_format.startswith("rctab") or output_dir is not None:
        raise click.UsageError(
            "--format rctab-* and --output-dir need an RCTab contest config (.json)"
        )
    result = _count_file(path, method, seats, switches, input_format)
    _emit(result, output_format, output, path)


def _count_file(
    path: Path,
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
        or path.suffix.lower() in (".cat", ".starvote")
        or (chosen is not None and chosen.ballots == "scores")
    ):
        from shortlist.formats.scores import read_scores

        scored = read_scores(path)
        default = "star" if path.suffix.lower() == ".starvote" else "score-sum"
        spec = chosen or registry.get(default)
        return spec.count(scored, spec.rules(given))
    _keep_freed_memory()
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


def _keep_freed_memory() -> None:
    """Let glibc keep freed blocks for the next arrays instead of mapping fresh memory each time.

    Reading a big ballot file allocates many short-lived arrays; by default glibc gives every
    block over 128 KiB back to the system and maps a fresh one for the next, which costs a page
    fault per 4 KiB touched (reading 10^6 ballots: ~80,000 faults, a third of the time). A
    command ends soon, so keeping the memory costs nothing. Linux with glibc only.
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


def _tabulate_rctab(
    path: Path,
    method: str | None,
    seats: int | None,
    switches: dict[str, str],
    output_format: str,
    output: Path | None,
    output_dir: Path | None,
) -> None:
    if method or seats or switches:
        raise click.UsageError(
            "an RCTab contest config carries its own rules: "
            "--method, --seats and --set do not apply"
        )
    from shortlist.formats import rctab

    contest = rctab.load_contest(path)
    result = rctab.count_contest(contest)
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        for written in rctab.write_reports(contest, result, output_dir):
            click.echo(f"wrote {written}", err=True)
    if output_format.startswith("rctab"):
        with _open_out(output) as out:
            rctab.write_report(contest, result, output_format, out)
        return
    _emit(result, output_format, output, path)


def _emit(result: Any, output_format: str, output: Path | None, path: Path) -> None:
    if output_format == "html":
        from shortlist.formats.report import page

        text = page(result, title=f"Results: {path.name}")
        with _open_out(output) as out:
            out.write(text)
        return
    if output_format == "json":
        text = json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
        with _open_out(output) as out:
            out.write(text)
        return
    from shortlist.cli.render import render_result

    with _open_out(output) as out:
        render_result(result, out)


class _open_out:
    """Standard output, or a file written atomically (nothing is left behind on failure)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.tmp: Path | None = None
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.tmp = self.path.with_name(f".{self.path.name}.partial")
        self.handle = self.tmp.open("w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.handle is None or self.tmp is None or self.path is None:
            return
        self.handle.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
