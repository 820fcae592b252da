"""`shortlist round open|close|count|announce|advance|status`, `shortlist turnout` and
`shortlist members import`: thin commands over the services."""

from __future__ import annotations

import click
from rich.table import Table

from shortlist.cli.edition import (
    actor_option,
    at_option,
    clock,
    console,
    db_option,
    open_database,
    rounds_table,
    settings,
)
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.roll import read_roll
from shortlist.domain.times import human
from shortlist.service import editions, rounds
from shortlist.service.refs import RoundRef

ROUND = click.argument("ref", metavar="EDITION/CATEGORY/ROUND")


@click.group("round")
def round_group() -> None:
    """Run a round: open, close, count, announce, advance its outcome; show its status."""


@round_group.command("open")
@ROUND
@db_option
@actor_option
@at_option
def open_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Open a round inside its window: check the slate, snapshot the electorate."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.open_round(uow, RoundRef.parse(ref), clock(at), config.actor)
        voters = uow.rounds.electorate_size(record.id)
    console.print(
        f"opened {record.label}: {len(record.slate or ())} entries, {voters} eligible voters, "
        f"closes {human(record.spec.window.closes)}"
    )


@round_group.command("close")
@ROUND
@click.option("--reason", default="", help="Why the round closes before its window ends.")
@db_option
@actor_option
@at_option
def close_cmd(
    ref: str, reason: str, database: str | None, actor: str | None, at: str | None
) -> None:
    """Close a round (early only with --reason); the ballots' link to members is destroyed."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.close_round(uow, RoundRef.parse(ref), clock(at), config.actor, reason)
        boxed = uow.ballots.count(record.id)
    console.print(f"closed {record.label}: {boxed} ballots in the box, sealed until counted")


@round_group.command("count")
@ROUND
@db_option
@actor_option
@at_option
def count_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Count a closed round by its method; the result stays sealed until it is announced."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.count_round(uow, RoundRef.parse(ref), clock(at), config.actor)
    embargo = record.spec.publication.embargo
    until = f" until {human(embargo)}" if embargo else ""
    console.print(f"counted {record.label}; the result is sealed{until} (announce to publish)")


@round_group.command("announce")
@ROUND
@db_option
@actor_option
@at_option
def announce_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Publish a counted round's outcome (never before its embargo)."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        published = rounds.announce_round(uow, RoundRef.parse(ref), clock(at), config.actor)
    show_announcement(published)


def show_announcement(published: rounds.Announcement) -> None:
    order = "in alphabetical order" if published.mode.value == "alphabetical" else "in order"
    console.print(f"[bold]{published.category}[/bold], {published.round_name} ({order}):")
    for title in published.titles:
        console.print(f"  {title}")
    if published.result is not None:
        console.print(rounds_detail(published.result))


def rounds_detail(result: dict[str, object]) -> Table:
    """The count round by round (for rounds published in full)."""
    table = Table(title="the count, round by round")
    table.add_column("round", justify="right")
    table.add_column("tally")
    table.add_column("elected")
    table.add_column("eliminated")
    for r in result.get("rounds", []):  # type: ignore[attr-defined]
        tally = ", ".join(f"{k} {v}" for k, v in r["tally"].items())
        table.add_row(str(r["round"]), tally, ", ".join(r["elected"]), ", ".join(r["eliminated"]))
    return table


@round_group.command("advance")
@ROUND
@db_option
@actor_option
@at_option
def advance_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Make an announced round's outcome the slate of the next round in its chain."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        following = rounds.advance(uow, RoundRef.parse(ref), clock(at), config.actor)
    console.print(f"{following.label} will ballot {len(following.slate or ())} entries")


@round_group.command("status")
@ROUND
@db_option
def status_cmd(ref: str, database: str | None) -> None:
    """A round's state, window, electorate and turnout (never a tally before close)."""
    with open_database(settings(database)).unit_of_work() as uow:
        round_ref = RoundRef.parse(ref)
        record = rounds.find(uow, round_ref)
        published = (
            rounds.announcement(uow, round_ref) if record.status is RoundStatus.ANNOUNCED else None
        )
        row = next(t for t in rounds.turnout(uow, round_ref.edition) if t.round == str(round_ref))
    console.print(f"[bold]{round_ref}[/bold] ({record.category_name}, {record.spec.name})")
    console.print(f"  status:     {record.status.value}")
    console.print(f"  window:     {human(row.opens)} to {human(row.closes)}")
    console.print(f"  method:     {record.spec.method}, {record.spec.ballot.kind.value} ballots")
    console.print(f"  electorate: {row.electorate:,}; voted: {row.voted:,}")
    if record.close_reason:
        console.print(f"closed early: {record.close_reason}")
    if published is not None:
        show_announcement(published)


@click.command("turnout")
@click.argument("edition")
@db_option
def turnout(edition: str, database: str | None) -> None:
    """Turnout of every round of EDITION: eligible voters and ballots cast (never what)."""
    with open_database(settings(database)).unit_of_work() as uow:
        rows = rounds.turnout(uow, edition)
    console.print(rounds_table(rows, title=f"turnout, {edition}"))


@click.group("members")
def members() -> None:
    """Manage an edition's member roll."""


@members.command("import")
@click.argument("edition")
@click.argument("csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
@click.option("--reason", default="", help="Why the roll changes (for the audit log).")
@db_option
@actor_option
@at_option
def import_members(
    edition: str,
    csv_file: str,
    reason: str,
    database: str | None,
    actor: str | None,
    at: str | None,
) -> None:
    """Add or replace members of EDITION from a CSV (number,name,status,branches[,email])."""
    config = settings(database, actor)
    roll = read_roll(csv_file)
    with open_database(config).unit_of_work() as uow:
        added, updated = editions.import_members(
            uow, edition, roll, clock(at), config.actor, reason
        )
    console.print(f"{edition}: {added} members added, {updated} updated")
