"""`shortlist serve` migrates the database, then runs Uvicorn on the app factory with one key
shared by every worker; `shortlist admin add` makes an account."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from shortlist.cli.main import cli
from shortlist.store.database import Database
from shortlist.web.app import app_from_environment


def test_serve_migrates_and_starts_the_factory_with_a_shared_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setattr(
        uvicorn, "run", lambda target, **options: started.update(options, target=target)
    )
    monkeypatch.setenv("SHORTLIST_SECRET_KEY", "")  # restored after the test, whatever serve sets
    monkeypatch.delenv("SHORTLIST_SECRET_KEY")
    monkeypatch.delenv("SHORTLIST_MODE", raising=False)
    monkeypatch.setenv("SHORTLIST_DATABASE", "restored after the test")  # serve --db sets it
    path = tmp_path / "served.db"
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(path), "--port", "8123", "--workers", "3"]
    )
    assert result.exit_code == 0, result.output
    assert started["target"] == "shortlist.web.app:app_from_environment" and started["factory"]
    assert (started["port"], started["workers"], started["host"]) == (8123, 3, "127.0.0.1")
    assert started["access_log"]
    quiet = CliRunner().invoke(cli, ["serve", "--db", str(path), "--no-access-log"])
    assert quiet.exit_code == 0, quiet.output
    assert not started["access_log"]
    key = os.environ["SHORTLIST_SECRET_KEY"]
    assert len(key) >= 32  # chosen once, inherited by every worker
    assert app_from_environment().state.settings.secret_key == key
    database = Database(str(path))
    assert database.revision() == Database.newest()
    database.dispose()


def test_admin_add_prints_the_secrets_once_and_refuses_a_second_account_of_that_name(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'accounts.db'}"
    first = CliRunner().invoke(cli, ["admin", "add", "rosa", "--role", "observer", "--db", url])
    assert first.exit_code == 0, first.output
    assert "password:" in first.output and "otpauth://totp/shortlist:rosa" in first.output
    again = CliRunner().invoke(cli, ["admin", "add", "rosa", "--db", url])
    assert again.exit_code != 0 and "already exists" in str(again.exception)
