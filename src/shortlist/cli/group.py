"""The ``shortlist`` click group: its commands (:data:`shortlist.cli.main.COMMANDS`) are
imported on first use."""

from __future__ import annotations

import importlib

import click

from shortlist import __version__
from shortlist.cli.main import COMMANDS


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
