"""Docs that cannot drift: the CLI and methods references are generated and must be current."""

from __future__ import annotations

from pathlib import Path

from shortlist.cli.docs import cli_reference, methods_reference
from shortlist.methods import registry

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == cli_reference(), "run: .venv/bin/python -m shortlist.cli.docs"


def test_methods_reference_is_current_and_lists_every_method():
    current = (ROOT / "docs" / "methods.md").read_text(encoding="utf-8")
    assert current == methods_reference(), "run: .venv/bin/python -m shortlist.cli.docs"
    for method in registry.all_methods():
        assert f"## `{method.name}`" in current


def test_readme_names_the_two_setup_commands_and_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head
    from shortlist.cli.main import COMMANDS

    for name in COMMANDS:
        assert f"shortlist {name}" in readme or f"`{name}`" in readme, name
