"""``shortlist tabulate``: count a ballot file (or an RCTab contest config) and show the rounds."""

from __future__ import annotations

from pathlib import Path

import click

from shortlist.cli.tabulate_run import (
    FORMATS,
    INPUT_FORMATS,
    count_file,
    emit,
    keep_freed_memory,
    open_out,
    parse_sets,
)


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
    type=click.Choice(INPUT_FORMATS),
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
    switches = parse_sets(sets)
    if path.suffix.lower() == ".json":
        _tabulate_rctab(path, method, seats, switches, output_format, output, output_dir)
        return
    if output_format.startswith("rctab") or output_dir is not None:
        raise click.UsageError(
            "--format rctab-* and --output-dir need an RCTab contest config (.json)"
        )
    result = count_file(path, method, seats, switches, input_format)
    emit(result, output_format, output, path)


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

    keep_freed_memory()  # reading cast-vote records makes arrays of megabytes, read after read
    contest = rctab.load_contest(path)
    result = rctab.count_contest(contest)
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        for written in rctab.write_reports(contest, result, output_dir):
            click.echo(f"wrote {written}", err=True)
    if output_format.startswith("rctab"):
        with open_out(output) as out:
            rctab.write_report(contest, result, output_format, out)
        return
    emit(result, output_format, output, path)
