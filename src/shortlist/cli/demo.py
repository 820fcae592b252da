"""`shortlist demo`: the 95th Academy Awards, end to end, with simulated votes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shortlist.cli.edition import console
from shortlist.domain.times import human
from shortlist.service import access, accounts
from shortlist.service import demo as scenario
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import SystemClock
from shortlist.store.database import Database, UnitOfWork, normalise_url

DEMO_EDITION = "academy-95"


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
@click.option("--host", default="127.0.0.1", show_default=True, help="Serve on this address.")
@click.option("--port", default=8000, show_default=True, type=int, help="Serve on this port.")
def demo(database: str, seed: int, no_serve: bool, host: str, port: int) -> None:
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
        serve_demo(database, host, port)


def serve_demo(database: str, host: str, port: int) -> None:
    """Serve the demo edition, after printing how to sign in as an administrator and a member."""
    from shortlist.cli.serve import run
    from shortlist.web.settings import WebSettings

    origin = f"http://{host}:{port}"
    settings = WebSettings(database=normalise_url(database), public_origin=origin).check()
    db = Database(settings.database)
    try:
        with db.unit_of_work() as uow:
            made, link = _demo_access(uow, origin)
    finally:
        db.dispose()
    console.print()
    console.rule("[bold]The demo, served[/bold]", align="left")
    console.print(f"Open {origin}/ (Ctrl-C stops the server).")
    console.print(
        f"As an administrator: {origin}/admin/sign-in, name [bold]{made.name}[/bold], password "
        f"[bold]{made.password}[/bold], then the 6-digit code of TOTP secret "
        f"[bold]{made.totp_secret}[/bold] (add it to an authenticator app, or run "
        f".venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{made.totp_secret}').now())\")."
    )
    console.print(f"As a member (a one-time link, valid 72 hours): {link}")
    os.environ.update(
        SHORTLIST_DATABASE=settings.database,
        SHORTLIST_PUBLIC_ORIGIN=origin,
        SHORTLIST_SECRET_KEY=settings.secret_key,
    )
    run(settings, host, port, workers=1, migrate=False)


def _demo_access(uow: UnitOfWork, origin: str) -> tuple[NewAdministrator, str]:
    """An owner account for the demo and a sign-in link for a voting member."""
    clock = SystemClock()
    made = accounts.add_administrator(uow, "admin", "owner", clock, "demo")
    edition = DEMO_EDITION
    member = next(m for m in uow.editions.members(uow.editions.id_of(edition)) if m.status.votes)
    return made, access.sign_in_link(uow, edition, member.number, clock, origin)
