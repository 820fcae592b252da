"""``shortlist convert``: cast-vote records to CDF JSON, RCTab's CVR CSV, or BLT."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shortlist.errors import BallotFileError

if TYPE_CHECKING:
    from shortlist.formats.rctab.convert import Conversion, Snapshots

PROVIDERS = ("ess", "dominion", "hart", "cdf", "clearBallot", "genericCsv", "unisyn")


def guess_provider(path: Path) -> str | None:
    """The provider a CVR path most likely comes from (None: say it with --provider)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        if (path / "ContestManifest.json").exists():
            return "dominion"
        return "hart"
    return {".xlsx": "ess", ".json": "cdf", ".xml": "cdf", ".zip": "hart"}.get(suffix)


def generated_now() -> str:
    """Now, as RCTab stamps its CDF files (``2025-01-21T04:25:22-05:00``, ``Z`` for UTC)."""
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    return stamp[:-6] + "Z" if stamp.endswith("+00:00") else stamp


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--to",
    "to",
    type=click.Choice(["cdf", "csv", "blt"]),
    required=True,
    help="cdf: NIST CDF cast-vote-record JSON; csv: RCTab's CVR CSV; blt: grouped ballots.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output (written only when all goes well).",
)
@click.option("--provider", type=click.Choice(PROVIDERS), help="Vendor of the CVR files.")
@click.option("--contest-id", help="The contest to read from multi-contest CVRs.")
@click.option("--first-vote-column", type=int, help="ES&S / generic CSV: column of rank 1.")
@click.option("--first-vote-row", type=int, default=2, show_default=True, help="ES&S: first row.")
@click.option("--id-column", type=int, help="ES&S / generic CSV: column of record ids.")
@click.option("--precinct-column", type=int, help="ES&S / generic CSV: column of precincts.")
@click.option("--batch-column", type=int, help="ES&S / generic CSV: column of batches.")
@click.option("--overvote-label", help="The word the CVRs use for an overvote.")
@click.option("--overvote-delimiter", help="ES&S: the delimiter between names in one cell.")
@click.option("--skipped-rank-label", help="The word the CVRs use for a skipped rank.")
@click.option("--write-in-label", help="The word (or id) the CVRs use for a write-in.")
@click.option("--max-rankings", type=int, help="Ranks to read (default: all).")
@click.option(
    "--rounds",
    is_flag=True,
    help="With a contest config and --to cdf: count the contest and add every round's "
    "interpreted snapshot of each record (what RCTab writes for generateCdfJson).",
)
@click.option("--contest-name", default="", help="Contest name written into CDF and BLT.")
@click.option("--jurisdiction", default="", help="Jurisdiction written into CDF.")
def convert(
    paths: tuple[Path, ...],
    to: str,
    output: Path | None,
    provider: str | None,
    contest_id: str | None,
    first_vote_column: int | None,
    first_vote_row: int,
    id_column: int | None,
    precinct_column: int | None,
    batch_column: int | None,
    overvote_label: str | None,
    overvote_delimiter: str | None,
    skipped_rank_label: str | None,
    write_in_label: str | None,
    max_rankings: int | None,
    rounds: bool,
    contest_name: str,
    jurisdiction: str,
) -> None:
    """Convert cast-vote records (CVRs) as RCTab does.

    PATHS is one RCTab contest config (*_config.json: its sources, candidates and
    maxRankingsAllowed are used), or CVR files and folders of one provider (ES&S .xlsx, Dominion
    export folder, Hart folder or .zip, CDF .json/.xml, Clear Ballot or generic .csv); without a
    config, candidates are the names found in the records.

    \b
    Examples:
      shortlist convert contest_config.json --to cdf -o cvr.json
      shortlist convert cvr.xlsx --to csv --first-vote-column 4 --overvote-label overvote
      shortlist convert export_folder --provider dominion --contest-id 7 --to blt
    """
    from shortlist.formats.rctab.config import is_rctab_config, read_config
    from shortlist.formats.rctab.convert import Conversion, tabulated_snapshots
    from shortlist.formats.rctab.cvr import CvrSource

    snapshots = None
    is_config = len(paths) == 1 and is_rctab_config(paths[0])
    if rounds and (not is_config or to != "cdf"):
        raise click.UsageError("--rounds needs one contest config and --to cdf")
    if is_config:
        conversion = Conversion.from_config(paths[0])
        if rounds:
            snapshots = tabulated_snapshots(read_config(paths[0]))
    else:
        sources = []
        for path in paths:
            chosen = provider or guess_provider(path)
            if chosen is None:
                raise click.UsageError(f"{path}: say which vendor wrote it with --provider")
            sources.append(
                CvrSource(
                    provider=chosen,
                    path=path.resolve(),
                    contest_id=contest_id,
                    first_vote_column=first_vote_column,
                    first_vote_row=first_vote_row,
                    id_column=id_column,
                    batch_column=batch_column,
                    precinct_column=precinct_column,
                    overvote_delimiter=overvote_delimiter,
                    overvote_label=overvote_label,
                    skipped_rank_label=skipped_rank_label,
                    undeclared_write_in_label=write_in_label,
                    display_path=str(path),
                )
            )
        conversion = Conversion(
            sources=tuple(sources),
            max_rankings=max_rankings,
            contest_name=contest_name,
            jurisdiction=jurisdiction,
        )
    _write(conversion, to, output, snapshots)


def _write(
    conversion: Conversion, to: str, output: Path | None, snapshots: Snapshots | None
) -> None:
    from shortlist.formats.rctab.convert import convert as run

    stamp = generated_now()
    if output is None:
        run(conversion, to, sys.stdout, generated=stamp, snapshots=snapshots)
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = run(conversion, to, out, generated=stamp, snapshots=snapshots)
        if count == 0:
            raise BallotFileError("no cast vote records were found: nothing written")
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    click.echo(f"shortlist: wrote {count} cast vote records to {output}", err=True)


__all__ = ["convert", "guess_provider"]
