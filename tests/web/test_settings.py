"""Settings: production refuses to start without a secret key, an https origin and PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shortlist.cli.main import cli
from shortlist.web.app import create_app
from shortlist.web.settings import UnsafeSettings, WebSettings

SAFE = {
    "mode": "production",
    "secret_key": "s" * 40,
    "public_origin": "https://awards.example.org",
    "database": "postgresql://awards@db/awards",
}


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"secret_key": ""}, "SHORTLIST_SECRET_KEY"),
        ({"secret_key": "short"}, "SHORTLIST_SECRET_KEY"),
        ({"public_origin": "http://awards.example.org"}, "SHORTLIST_PUBLIC_ORIGIN"),
        ({"database": "sqlite:///awards.db"}, "SHORTLIST_DATABASE"),
        ({"database": "awards.db"}, "SHORTLIST_DATABASE"),
    ],
)
def test_production_refuses_each_unsafe_setting(change: dict[str, str], named: str) -> None:
    with pytest.raises(UnsafeSettings) as refused:
        create_app(WebSettings(**{**SAFE, **change}))
    assert len(refused.value.errors) == 1 and named in refused.value.errors[0]


def test_production_names_every_fault_at_once() -> None:
    settings = WebSettings(mode="production", database="sqlite:///x.db")
    with pytest.raises(UnsafeSettings) as refused:
        settings.check()
    assert len(refused.value.errors) == 3


def test_safe_production_settings_are_accepted() -> None:
    assert WebSettings(**SAFE).check().secret_key == SAFE["secret_key"]


def test_settings_come_from_shortlist_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHORTLIST_MODE", "production")
    monkeypatch.setenv("SHORTLIST_PUBLIC_ORIGIN", "https://a.example")
    monkeypatch.setenv("SHORTLIST_CASTS_PER_MINUTE", "7")
    settings = WebSettings()
    assert (settings.mode, settings.public_origin, settings.casts_per_minute) == (
        "production", "https://a.example", 7,
    )  # fmt: skip


def test_dev_gets_a_random_secret_key_when_none_is_set() -> None:
    first, second = WebSettings().check(), WebSettings().check()
    assert len(first.secret_key) >= 32 and first.secret_key != second.secret_key


def test_serve_refuses_unsafe_production_settings_before_starting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHORTLIST_MODE", "production")
    monkeypatch.delenv("SHORTLIST_SECRET_KEY", raising=False)
    monkeypatch.setenv("SHORTLIST_DATABASE", "restored after the test")  # serve --db sets it
    result = CliRunner().invoke(cli, ["serve", "--db", "sqlite:///x.db"])
    assert result.exit_code != 0
    assert isinstance(result.exception, UnsafeSettings)
    assert "SHORTLIST_SECRET_KEY" in str(result.exception)
