"""The ``shortlist`` command: thin commands over the services and the counting core.

Errors become exit codes here and only here: a :class:`~shortlist.errors.ShortlistError`
prints one line (``shortlist: error: ...``) and exits with its ``exit_code``; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

# numpy's OpenBLAS starts a thread per core when numpy is imported (~0.05 s); counting uses
# integers only, which numpy adds and multiplies without BLAS. Set before numpy is imported;
# a setting of the user's stands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
if "tabulate" in sys.argv[1:3]:
    # imports alone make the cycle collector run some fifty times (~0.05 s); counting a file
    # makes few objects. Collect a hundred times less often (cycles are still collected).
    gc.set_threshold(100_000, 50, 100)
    # the file is read on two threads while this one loads modules; each numpy step of the
    # readers waits for the GIL between steps, up to the switch interval (5 ms by default)
    sys.setswitchinterval(0.0005)

from shortlist.errors import RulesError, ShortlistError

#: Every command, as "module:object", imported only when it runs (or when help lists it), so that
#: counting a file never loads the database layers.
COMMANDS = {
    "tabulate": "shortlist.cli.tabulate:tabulate",
    "methods": "shortlist.cli.methods_cmd:methods",
    "compare": "shortlist.cli.compare:compare",
    "convert": "shortlist.cli.convert:convert",
    "edition": "shortlist.cli.edition:edition",
    "round": "shortlist.cli.round_cmd:round_group",
    "turnout": "shortlist.cli.round_cmd:turnout",
    "members": "shortlist.cli.round_cmd:members",
    "demo": "shortlist.cli.demo:demo",
    "custodian": "shortlist.cli.custodian:custodian",
    "serve": "shortlist.cli.serve:serve",
    "record": "shortlist.cli.record:record",
    "verify": "shortlist.cli.record:verify",
    "audit": "shortlist.cli.audit_cmd:audit",
    "board": "shortlist.cli.board:board",
    "card": "shortlist.cli.card:card",
    "admin": "shortlist.cli.admin_cmd:admin",
    "entry": "shortlist.cli.rulings:entry",
}


def __getattr__(name: str) -> Any:
    """``cli`` (the click group) and ``LazyGroup``, from :mod:`shortlist.cli.group` when first
    asked for: counting a file with a plain command line never imports click."""
    if name in ("cli", "LazyGroup"):
        from shortlist.cli import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``shortlist`` console script."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        if argv is None and args[:1] == ["tabulate"]:
            from shortlist.cli.tabulate_quick import run

            if run(args[1:]):
                _end_now()
        _run_click(args)
    except ShortlistError as exc:
        if debug:
            raise
        import click

        click.echo(f"shortlist: error: {exc}", err=True)
        if isinstance(exc, RulesError) and len(exc.errors) > 1:
            for line in exc.errors:
                click.echo(f"  - {line}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if debug:
            raise
        import click

        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        click.echo(f"shortlist: error:{name}: {exc.strerror or exc}", err=True)
        sys.exit(2)


def _run_click(args: list[str]) -> None:
    import click

    from shortlist.cli.group import cli

    try:
        cli.main(args=args, prog_name="shortlist", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("shortlist: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)


def _end_now() -> None:
    """End a command-line count at once, its output flushed: freeing the ballots' arrays and the
    interpreter's objects one by one would cost a tenth of counting a million ballots.
    Only for a whole process (``main()`` called without arguments) counting through
    :mod:`shortlist.cli.tabulate_quick`, whose one output is closed or flushed by then."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
