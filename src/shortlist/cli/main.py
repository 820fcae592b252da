"""The ``shortlist`` command: thin commands over the services and the counting core.

Errors become exit codes here and only here: a :class:`~shortlist.errors.ShortlistError`
prints one line (``shortlist: error: ...``) and exits with its ``exit_code``; ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import sys

import click

from shortlist import __version__
from shortlist.cli.compare import compare
from shortlist.cli.convert import convert
from shortlist.cli.demo import demo
from shortlist.cli.edition import edition
from shortlist.cli.methods_cmd import methods
from shortlist.cli.round_cmd import members, round_group, turnout
from shortlist.cli.tabulate import tabulate
from shortlist.errors import RulesError, ShortlistError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


cli.add_command(tabulate)
cli.add_command(methods)
cli.add_command(edition)
cli.add_command(round_group)
cli.add_command(turnout)
cli.add_command(members)
cli.add_command(demo)
cli.add_command(compare)
cli.add_command(convert)


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
