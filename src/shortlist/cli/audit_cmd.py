"""`shortlist audit verify|show`: the signed, hash-chained log of every administrative act."""

from __future__ import annotations

import click
from rich.table import Table

from shortlist.cli.edition import at_option, clock, console, db_option, open_database, settings
from shortlist.service.record import audit_problems
from shortlist.trust.canonical import VerificationError


@click.group("audit")
def audit() -> None:
    """The audit log: every administrative act, hash-chained and signed by the body."""


@audit.command("verify")
@db_option
@at_option
def verify_cmd(database: str | None, at: str | None) -> None:
    """Check the database's audit log against the body's key file: any entry changed, deleted,
    inserted or reordered fails."""
    with open_database(settings(database)).unit_of_work() as uow:
        entries, problems = audit_problems(uow, clock(at).now())
    if problems:
        for problem in problems:
            console.print(f"[red]{problem}[/red]")
        raise VerificationError(f"the audit log does not check: {len(problems)} problems")
    console.print(f"the audit log checks: {entries} entries, chained and signed")


@audit.command("show")
@click.option("--target", default="", help="Only entries whose target starts with this.")
@db_option
def show_cmd(target: str, database: str | None) -> None:
    """List the log's entries (who, when, what, on what, why)."""
    with open_database(settings(database)).unit_of_work() as uow:
        entries = uow.audit.entries(target)
    table = Table(title="audit log")
    for column in ("#", "at", "actor", "action", "target", "reason"):
        table.add_column(column)
    for e in entries:
        table.add_row(str(e.id), e.at.isoformat(), e.actor, e.action, e.target, e.reason)
    console.print(table)
