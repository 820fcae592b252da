"""The ``shortlist`` command: thin commands over the services and the counting core.

Errors become exit codes here and only here: a :class:`~shortlist.errors.ShortlistError`
prints one line (``shortlist: error: ...``) and exits with its ``exit_code``; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

# numpy's OpenBLAS starts a thread per core when numpy is imported (~0.05 s); counting uses
# integers only, which numpy adds and multiplies without BLAS. Set before numpy is imported;
# a setting of the user's stands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
if "tabulate" in sys.argv[1:3]:
    # imports alone make the cycle collector run some fifty times (~0.05 s); counting a file
    # makes few objects. Collect a hundred times less often (cycles are still collected).
    gc.set_threshold(100_000, 50, 100)

import click

from shortlist import __version__
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


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        self.add_command(command, cmd_name)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="shortlist")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """shortlist: awards voting and exact ranked-ballot counting.

    Count a ballot file with `shortlist tabulate FILE`; list the counting methods and their
    switches with `shortlist methods`. Every command has its own --help.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``shortlist`` console script."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="shortlist", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("shortlist: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ShortlistError as exc:
        if debug:
            raise
        click.echo(f"shortlist: error: {exc}", err=True)
        if isinstance(exc, RulesError) and len(exc.errors) > 1:
            for line in exc.errors:
                click.echo(f"  - {line}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if debug:
            raise
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        click.echo(f"shortlist: error:{name}: {exc.strerror or exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
