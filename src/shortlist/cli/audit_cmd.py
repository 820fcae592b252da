"""`shortlist audit verify|show`: the signed, hash-chained log of every administrative act."""

from __future__ import annotations

import click
from rich.table import Table

from shortlist.cli.edition import at_option, clock, console, db_option, open_database, settings
from shortlist.errors import InputError
from shortlist.service.record import audit_problems
from shortlist.trust.chain import Head
from shortlist.trust.errors import VerificationError


@click.group("audit")
def audit() -> None:
    """The audit log: every administrative act, hash-chained and signed by the body."""


def _head(text: str | None) -> Head | None:
    if not text:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise InputError(f"--head {text!r}: give it as SEQ:HASH, as `audit verify` printed it")
    return Head(int(seq), digest.lower())


@audit.command("verify")
@click.option(
    "--head", "head", metavar="SEQ:HASH",
    help="A head printed (and published) earlier: entries cut off after it are caught too.",
)  # fmt: skip
@db_option
@at_option
def verify_cmd(head: str | None, database: str | None, at: str | None) -> None:
    """Check the database's audit log against the body's key file: any entry changed, deleted,
    inserted or reordered fails (exit 5)."""
    with open_database(settings(database)).unit_of_work() as uow:
        now_head, problems = audit_problems(uow, clock(at).now(), _head(head))
    if problems:
        for problem in problems:
            console.print(f"[red]{problem}[/red]")
        raise VerificationError(f"the audit log does not check: {len(problems)} problems")
    console.print(f"the audit log checks: {now_head.seq} entries, chained and signed")
    console.print(f"head {now_head.seq}:{now_head.hash} (publish it; check later with --head)")


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
