"""`shortlist board check|show`: is my ballot's tracker on the round's bulletin board?"""

from __future__ import annotations

import click

from shortlist.cli.edition import console, db_option, open_database, settings
from shortlist.errors import ShortlistError
from shortlist.service import board as board_service
from shortlist.service.refs import RoundRef

ROUND = click.argument("ref", metavar="EDITION/CATEGORY/ROUND")


class NotOnBoard(ShortlistError):
    exit_code = 5


@click.group("board")
def board() -> None:
    """A round's bulletin board: every cast ballot's tracker, published at close."""


@board.command("check")
@ROUND
@click.argument("tracker")
@db_option
def check_cmd(ref: str, tracker: str, database: str | None) -> None:
    """Check that TRACKER (from your receipt) is on the round's board."""
    with open_database(settings(database)).unit_of_work() as uow:
        published = board_service.board_of(uow, RoundRef.parse(ref))
    if not published.holds(tracker):
        raise NotOnBoard(f"tracker {tracker} is not on the board of {ref}")
    console.print(
        f"tracker {tracker} is on the board of {ref} "
        f"({len(published.trackers)} trackers, fingerprint {published.fingerprint})"
    )


@board.command("show")
@ROUND
@db_option
def show_cmd(ref: str, database: str | None) -> None:
    """Print the round's board: its fingerprint, then every tracker."""
    with open_database(settings(database)).unit_of_work() as uow:
        published = board_service.board_of(uow, RoundRef.parse(ref))
    console.print(f"board of {ref}: {len(published.trackers)} trackers")
    console.print(f"fingerprint {published.fingerprint}")
    for tracker in published.trackers:
        console.print(tracker)
