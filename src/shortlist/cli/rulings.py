"""`shortlist entry exclude|reinstate` and `shortlist round window|exclude-member|
reinstate-member`: eligibility rulings and window changes, each recorded in the audit log with
its reason (see :mod:`shortlist.service.rulings`)."""

from __future__ import annotations

from datetime import datetime

import click

from shortlist.cli.edition import (
    actor_option,
    at_option,
    clock,
    console,
    db_option,
    open_database,
    settings,
)
from shortlist.domain.times import human, parse_instant
from shortlist.errors import InputError
from shortlist.service import rounds, rulings
from shortlist.service.refs import RoundRef

ROUND = click.argument("ref", metavar="EDITION/CATEGORY/ROUND")
CATEGORY = click.argument("category_ref", metavar="EDITION/CATEGORY")
REASON = click.option(
    "--reason", required=True, help="Why (required; recorded in the audit log with the act)."
)


def _category(text: str) -> tuple[str, str]:
    parts = text.strip().split("/")
    if len(parts) != 2 or not all(parts):
        raise InputError(f"{text!r} does not name a category as EDITION/CATEGORY")
    return parts[0], parts[1]


@click.group("entry")
def entry() -> None:
    """Rule on an entry's eligibility: exclude it from its category (with a reason), or
    reinstate it. Rulings apply to rounds opened afterwards."""


@entry.command("exclude")
@CATEGORY
@click.argument("entry_key", metavar="ENTRY")
@REASON
@db_option
@actor_option
@at_option
def exclude_entry_cmd(
    category_ref: str, entry_key: str, reason: str, database: str | None, actor: str | None,
    at: str | None,
) -> None:  # fmt: skip
    """Exclude ENTRY from its category: it is on no slate opened from now on (refused while a
    round of the category is open with it on its slate)."""
    config = settings(database, actor)
    edition, category = _category(category_ref)
    with open_database(config).unit_of_work() as uow:
        rulings.exclude_entry(uow, edition, category, entry_key, reason, clock(at), config.actor)
    console.print(f"excluded {entry_key} from {edition}/{category}: {reason.strip()}")


@entry.command("reinstate")
@CATEGORY
@click.argument("entry_key", metavar="ENTRY")
@REASON
@db_option
@actor_option
@at_option
def reinstate_entry_cmd(
    category_ref: str, entry_key: str, reason: str, database: str | None, actor: str | None,
    at: str | None,
) -> None:  # fmt: skip
    """Lift ENTRY's exclusion: rounds opened from now on may have it on their slate."""
    config = settings(database, actor)
    edition, category = _category(category_ref)
    with open_database(config).unit_of_work() as uow:
        rulings.reinstate_entry(uow, edition, category, entry_key, reason, clock(at), config.actor)
    console.print(f"reinstated {entry_key} in {edition}/{category}: {reason.strip()}")


@click.command("exclude-member")
@ROUND
@click.argument("member", metavar="MEMBER")
@REASON
@db_option
@actor_option
@at_option
def exclude_member_cmd(
    ref: str, member: str, reason: str, database: str | None, actor: str | None, at: str | None
) -> None:
    """Exclude MEMBER (their number) from a round's electorate: before it opens, or while it is
    open if they have not voted; their ballot is then refused, naming the reason."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        rulings.exclude_member(uow, RoundRef.parse(ref), member, reason, clock(at), config.actor)
    console.print(f"excluded member {member} from {ref}: {reason.strip()}")


@click.command("reinstate-member")
@ROUND
@click.argument("member", metavar="MEMBER")
@REASON
@db_option
@actor_option
@at_option
def reinstate_member_cmd(
    ref: str, member: str, reason: str, database: str | None, actor: str | None, at: str | None
) -> None:
    """Lift MEMBER's exclusion from a round (in an open round, only one made while it was
    open)."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        rulings.reinstate_member(uow, RoundRef.parse(ref), member, reason, clock(at), config.actor)
    console.print(f"reinstated member {member} in {ref}: {reason.strip()}")


def _instant(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


@click.command("window")
@ROUND
@click.option("--opens", metavar="INSTANT", help="The new opening instant (draft rounds only).")
@click.option("--closes", metavar="INSTANT", help="The new closing instant.")
@REASON
@db_option
@actor_option
@at_option
def window_cmd(
    ref: str, opens: str | None, closes: str | None, reason: str, database: str | None,
    actor: str | None, at: str | None,
) -> None:  # fmt: skip
    """Move a round's window, e.g. --closes '2023-01-18T17:00 America/Los_Angeles': a draft
    round freely; an open round only its closing instant, not into the past."""
    if opens is None and closes is None:
        raise InputError("give --opens, --closes or both")
    new_opens, new_closes = _instant("--opens", opens), _instant("--closes", closes)
    config = settings(database, actor)
    round_ref = RoundRef.parse(ref)
    with open_database(config).unit_of_work() as uow:
        window = rounds.find(uow, round_ref).spec.window
        record = rulings.change_window(
            uow, round_ref, new_opens or window.opens, new_closes or window.closes,
            reason, clock(at), config.actor,
        )  # fmt: skip
    moved = record.spec.window
    console.print(f"{record.label} now opens {human(moved.opens)}, closes {human(moved.closes)}")
