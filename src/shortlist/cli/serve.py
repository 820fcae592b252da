"""``shortlist serve``: the web app under Uvicorn."""

from __future__ import annotations

import os
import secrets

import click

from shortlist.web.settings import WebSettings


@click.command()
@click.option("--db", "database", help="The database (SQLite path or URL, postgresql://...).")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="The port to listen on.")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes."
)
@click.option("--migrate/--no-migrate", default=True, help="Bring the database schema up to date.")
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="Log a line per request (off under heavy load: it costs the workers time).",
)
def serve(
    database: str | None, host: str, port: int, workers: int, migrate: bool, access_log: bool
) -> None:
    """Serve the web app and the REST API (/api/v1, documented at /api/v1/docs).

    Settings come from SHORTLIST_* variables (SHORTLIST_MODE=production refuses to start without
    SHORTLIST_SECRET_KEY, an https SHORTLIST_PUBLIC_ORIGIN and a PostgreSQL SHORTLIST_DATABASE).
    """
    if database:
        os.environ["SHORTLIST_DATABASE"] = database
    settings = WebSettings().check()  # refuse unsafe settings before any worker starts
    # every worker must sign sessions with the same key, so a dev key is chosen here, once
    os.environ.setdefault("SHORTLIST_SECRET_KEY", settings.secret_key)
    run(settings, host, port, workers, migrate, access_log)


def run(
    settings: WebSettings,
    host: str,
    port: int,
    workers: int,
    migrate: bool,
    access_log: bool = True,
) -> None:
    import uvicorn

    from shortlist.store.database import Database

    if migrate:
        db = Database(settings.database)
        db.migrate()
        db.dispose()
    click.echo(f"shortlist: serving on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(
        "shortlist.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
        access_log=access_log,
    )


def new_secret() -> str:
    return secrets.token_urlsafe(32)
