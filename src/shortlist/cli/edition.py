"""`shortlist edition check|load|show`, and what the awards commands share (store, clock)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from shortlist.config import Settings
from shortlist.domain.edition_file import read_edition
from shortlist.domain.errors import EditionError, Problem
from shortlist.domain.model import Edition, Member
from shortlist.domain.roll import read_roll
from shortlist.domain.times import parse_instant
from shortlist.errors import InputError
from shortlist.service import editions, rounds
from shortlist.service.clock import Clock, SimulatedClock, SystemClock
from shortlist.store.database import Database

F = TypeVar("F", bound=Callable[..., Any])

#: Output for people; piped output is 120 columns wide so tables are not squeezed.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)


def db_option(fn: F) -> F:
    """``--db URL``: the store (default: $SHORTLIST_DATABASE, else ./shortlist.db)."""
    return click.option(
        "--db",
        "database",
        metavar="URL",
        help="SQLite file or URL, or postgresql://... (default: $SHORTLIST_DATABASE or "
        "shortlist.db).",
    )(fn)


def actor_option(fn: F) -> F:
    return click.option(
        "--as", "actor", metavar="NAME", help="Who is acting, for the audit log (default: you)."
    )(fn)


def at_option(fn: F) -> F:
    """``--at INSTANT``: act at another instant (rehearsals); refused in production."""
    return click.option(
        "--at",
        "at",
        metavar="INSTANT",
        callback=_refuse_in_production,
        help="Act as if it were this instant, e.g. '2022-12-15T17:00 America/Los_Angeles' "
        "(rehearsals and tests; the audit log records that instant). Refused when "
        "SHORTLIST_MODE=production.",
    )(fn)


def _refuse_in_production(
    context: click.Context, parameter: click.Parameter, value: str | None
) -> str | None:
    """Checked before the command runs, so a refused ``--at`` changes nothing (exit 2)."""
    if value and Settings.from_env().production:
        raise click.BadParameter(
            "acting at another instant is for rehearsals and is refused when "
            "SHORTLIST_MODE=production; run without --at to act now",
            context,
            parameter,
        )
    return value


def settings(database: str | None = None, actor: str | None = None) -> Settings:
    return Settings.from_env(database=database, actor=actor)


def open_database(config: Settings) -> Database:
    """The store, migrated to the newest schema."""
    db = Database(config.database, body_key=config.body_key or None)
    db.migrate()
    return db


def clock(at: str | None) -> Clock:
    if not at:
        return SystemClock()
    try:
        moment: datetime = parse_instant(at)
    except ValueError as exc:
        raise InputError(f"--at: {exc}") from None
    return SimulatedClock(moment)


def _read(file: str, members: str | None) -> tuple[Edition, list[Member] | None]:
    """The edition and roll, every problem of both reported together."""
    problems: list[Problem] = []
    roll = None
    if members:
        try:
            roll = read_roll(members)
        except EditionError as exc:
            problems += exc.problems
    try:
        edition = read_edition(file, roll)
    except EditionError as exc:
        raise EditionError([*exc.problems, *problems]) from None
    if problems:
        raise EditionError(problems)
    if roll is not None:
        codes = {b.code for b in edition.branches}
        bad = [
            Problem(members or "", "branches", f"member {m.number}: unknown branch {b!r}")
            for m in roll
            for b in sorted(m.branches - codes)
        ]
        if bad:
            raise EditionError(bad)
    return edition, roll


@click.group("edition")
def edition() -> None:
    """Check, load and show awards editions (a TOML file and a members CSV)."""


@edition.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--members", type=click.Path(exists=True, dir_okay=False), help="Members CSV.")
def check(file: str, members: str | None) -> None:
    """Check an edition FILE (and its --members roll); list every problem at once."""
    found, roll = _read(file, members)
    rounds = sum(len(c.rounds) for c in found.categories)
    entries = sum(len(c.entries) for c in found.categories)
    roll_text = f", {len(roll)} members" if roll is not None else ""
    console.print(
        f"[green]ok[/green] {file}: {found.name} ({found.key}), {len(found.categories)} "
        f"categories, {entries} entries, {rounds} rounds{roll_text}"
    )


@edition.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--members", required=True, type=click.Path(exists=True, dir_okay=False))
@db_option
@actor_option
@at_option
def load(file: str, members: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Check and store an edition FILE with its --members roll (every round starts in draft)."""
    found, roll = _read(file, members)
    config = settings(database, actor)
    db = open_database(config)
    with db.unit_of_work() as uow:
        loaded = editions.load_edition(uow, found, roll or [], clock(at), config.actor)
    console.print(
        f"loaded {loaded.edition}: {loaded.categories} categories, {loaded.entries} entries, "
        f"{loaded.rounds} rounds, {loaded.members} members"
    )


@edition.command("show")
@click.argument("key")
@db_option
def show(key: str, database: str | None) -> None:
    """Show edition KEY: every round, its window and its state."""
    db = open_database(settings(database))
    with db.unit_of_work() as uow:
        table = rounds_table(rounds.turnout(uow, key), title=key)
    console.print(table)


def rounds_table(rows: list[rounds.Turnout], title: str) -> Table:
    table = Table(title=title)
    table.add_column("round", no_wrap=True)
    table.add_column("status")
    table.add_column("window", no_wrap=True)
    table.add_column("electorate", justify="right")
    table.add_column("voted", justify="right")
    for row in rows:
        window = f"{row.opens:%Y-%m-%d %H:%M} to {row.closes:%Y-%m-%d %H:%M %Z}"
        table.add_row(
            row.round.split("/", 1)[1], row.status.value, window, f"{row.electorate:,}",
            f"{row.voted:,}",
        )  # fmt: skip
    return table
