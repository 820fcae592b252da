"""Running the CLI in-process for tests: exit code, standard output and standard error."""

from __future__ import annotations

import pytest

from shortlist.cli.main import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``shortlist ARGS`` through click (``main``): its exit code, output and errors."""
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
