"""`shortlist record export` and `shortlist verify`: the public record of announced rounds, and
its check by anyone, with no database."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from shortlist.cli.edition import at_option, clock, console, db_option, open_database, settings
from shortlist.service import record as record_service
from shortlist.service.refs import RoundRef
from shortlist.trust.errors import VerificationError
from shortlist.trust.record_check import Check, check_record


@click.group("record")
def record() -> None:
    """Publish the record of announced rounds, for anyone to check with `shortlist verify`."""


@record.command("export")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--edition", help="The edition (needed when the database holds several).")
@click.option(
    "--round", "rounds", multiple=True, metavar="EDITION/CATEGORY/ROUND",
    help="Only these rounds (each must be announced); default: every announced round.",
)  # fmt: skip
@click.option(
    "--min-ballots", default=record_service.MIN_BALLOTS, show_default=True, type=click.IntRange(1),
    help="Rounds with fewer ballots publish their outcome and commitment only, no ballots.",
)  # fmt: skip
@db_option
@at_option
def export(
    directory: Path,
    edition: str | None,
    rounds: tuple[str, ...],
    min_ballots: int,
    database: str | None,
    at: str | None,
) -> None:
    """Write the record of every announced round into DIR (which must be empty or new)."""
    if directory.exists() and any(directory.iterdir()):
        raise click.UsageError(f"{directory} is not empty; give a new or empty directory")
    with open_database(settings(database)).unit_of_work() as uow:
        files, chosen = record_service.export_record(
            uow, edition, clock(at).now(), min_ballots=min_ballots,
            only=[RoundRef.parse(r) for r in rounds],
        )  # fmt: skip
    for path, data in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    console.print(f"wrote {len(files)} files for {len(chosen)} announced rounds to {directory}")
    console.print(f"check it with: shortlist verify {directory}")


def read_record(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory``, by its ``/``-separated path relative to it."""
    if not directory.is_dir():
        raise click.UsageError(f"{directory} is not a directory")
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def checks_table(checks: list[Check]) -> Table:
    table = Table(title="what was checked")
    table.add_column("round")
    table.add_column("check")
    table.add_column("result")
    for check in checks:
        verdict = (
            "[green]ok[/green]" if check.ok else "[red]" + "; ".join(check.problems) + "[/red]"
        )
        table.add_row(check.subject, check.what, verdict)
    return table


@click.command("verify")
@click.argument(
    "directory", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--body-key", "body_key", metavar="FINGERPRINT",
    help="The body key's fingerprint as you know it (from a card or the body's site); "
    "its first characters are enough.",
)  # fmt: skip
def verify(directory: Path, body_key: str | None) -> None:
    """Check a published record: every file's hash, the signatures, the audit chain, each
    round's board and commitment, and a recount of its ballots by the counting engine."""
    checks = check_record(read_record(directory), body_key)
    console.print(checks_table(checks))
    failed = [c for c in checks if not c.ok]
    if failed:
        first = failed[0]
        raise VerificationError(
            f"{len(failed)} of {len(checks)} checks failed; first: {first.subject}: "
            f"{first.problems[0]}"
        )
    console.print(f"all {len(checks)} checks passed")
