"""`shortlist admin add|token`: administrators' accounts for the web app."""

from __future__ import annotations

import click

from shortlist.cli.edition import db_option, open_database, settings
from shortlist.service import accounts
from shortlist.service.clock import SystemClock


@click.group("admin")
def admin() -> None:
    """Administrators of the web app: add an account, issue an API token."""


@admin.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="administrator",
    show_default=True,
    help="owner (also manages accounts), administrator (runs rounds), observer (reads only).",
)
@db_option
def add(name: str, role: str, database: str | None) -> None:
    """Add the administrator NAME; print their password and TOTP secret (shown only once)."""
    config = settings(database)
    db = open_database(config)
    with db.unit_of_work() as uow:
        made = accounts.add_administrator(uow, name, role, SystemClock(), config.actor)
    db.dispose()
    click.echo(f"administrator {made.name} ({made.role}) added. Shown once, keep them safe:")
    click.echo(f"  password:    {made.password}")
    click.echo(f"  TOTP secret: {made.totp_secret}")
    click.echo(f"  TOTP URI:    {made.provisioning_uri}")


@admin.command("token")
@click.argument("name")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366))
@db_option
def token(name: str, days: int, database: str | None) -> None:
    """Print a bearer token for the REST API acting as administrator NAME (shown only once)."""
    config = settings(database)
    db = open_database(config)
    with db.unit_of_work() as uow:
        value = accounts.issue_api_token(uow, name, SystemClock(), config.actor, days)
    db.dispose()
    click.echo(value)
