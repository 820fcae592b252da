"""`shortlist demo`: the 95th Academy Awards, end to end, with simulated votes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shortlist.cli.edition import console
from shortlist.domain.times import human
from shortlist.service import demo as scenario
from shortlist.store.database import Database, normalise_url


class ConsoleReporter:
    """Prints each stage, line and progress bar of the scenario."""

    def stage(self, title: str, when: datetime) -> None:
        console.print()
        console.rule(f"[bold]{title}[/bold]  [dim]{human(when)}[/dim]", align="left")

    def line(self, text: str) -> None:
        console.print(text)

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[scenario.Progress]:
        columns = (
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(),
        )  # fmt: skip
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task(label, total=total)

            class Step:
                def advance(self, steps: int = 1) -> None:
                    bar.advance(task, steps)

            yield Step()


def _fresh(database: str) -> Database:
    """The demo's database, rebuilt: a SQLite file at that path is replaced."""
    url = normalise_url(database)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = Database(url, durable=False)
    db.migrate()
    return db


@click.command("demo")
@click.option(
    "--db",
    "database",
    default="demo.db",
    show_default=True,
    metavar="PATH",
    help="Where to build the demo (a SQLite file is replaced; or postgresql://...).",
)
@click.option("--seed", default=95, show_default=True, help="Seed of the simulated roll and votes.")
@click.option("--no-serve", is_flag=True, help="Run the scenario and stop (do not serve it).")
def demo(database: str, seed: int, no_serve: bool) -> None:
    """Run the 95th Academy Awards (2022 films) end to end with ~9,500 simulated members.

    Preliminary voting (12-15 Dec 2022) to shortlists of 15, nominations voting (12-17 Jan
    2023) to 5 nominees, final voting (2-7 Mar 2023) to the winners, all through the services
    on a simulated clock. Every vote is simulated.
    """
    started = time.perf_counter()
    db = _fresh(database)
    try:
        summary = scenario.run(db, ConsoleReporter(), seed)
    finally:
        db.dispose()
    console.print()
    for line in scenario.steps(summary):
        console.print(line)
    console.print(
        f"The demo is in {database} (took {time.perf_counter() - started:.0f} s). "
        f"Try: shortlist turnout academy-95 --db {database}"
    )
    if not no_serve:
        console.print("The web app is not part of this build yet: nothing to serve.")
