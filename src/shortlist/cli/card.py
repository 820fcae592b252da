"""`shortlist card make|check`: announcement cards, one per category, checked before they are
read (the card must name the category being announced and match its sealed results)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from shortlist.cli.edition import at_option, clock, console, db_option, open_database, settings
from shortlist.cli.record import read_record
from shortlist.service import commitments
from shortlist.service.refs import RoundRef
from shortlist.trust import record_layout as layout
from shortlist.trust.cards import Card, check_card
from shortlist.trust.errors import VerificationError


@click.group("card")
def card() -> None:
    """Announcement cards (SVG): the category, the winner(s) and the signed commitment."""


@card.command("make")
@click.argument("ref", metavar="EDITION/CATEGORY/ROUND")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@db_option
@at_option
def make_cmd(ref: str, output: Path, database: str | None, at: str | None) -> None:
    """Make the announcement card of a counted round (it shows the result: custodians only)."""
    with open_database(settings(database)).unit_of_work() as uow:
        svg = commitments.announcement_card(uow, RoundRef.parse(ref), clock(at).now())
    output.write_text(svg, encoding="utf-8")
    console.print(f"wrote the card of {ref} to {output}")


@card.command("check")
@click.argument("card_file", metavar="CARD", type=click.Path(exists=True, dir_okay=False))
@click.option("--category", required=True, help="The category about to be announced.")
@click.option(
    "--record", "record_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A published record: the card must also match that round's commitment and outcome.",
)  # fmt: skip
@click.option("--body-key", metavar="FINGERPRINT", help="The body key's expected fingerprint.")
def check_cmd(card_file: str, category: str, record_dir: Path | None, body_key: str | None) -> None:
    """Refuse a CARD that is not the card of --category, is altered or is not signed by the
    body (exit 5); say which category and winner it carries when it checks."""
    checked = check_card(Path(card_file).read_text(encoding="utf-8"), category, card_file)
    if body_key and not checked.public.fingerprint.startswith(body_key.strip().lower()):
        raise VerificationError(f"{card_file}: signed by body key {checked.public.fingerprint}")
    if record_dir is not None:
        _against_record(checked, read_record(record_dir), card_file)
    console.print(
        f"{card_file}: the card of {checked.category_name} ({checked.round}): "
        f"{', '.join(checked.winners)}; commitment {checked.commitment[:16]}..."
    )


def _against_record(checked: Card, files: dict[str, bytes], where: str) -> None:
    category, _, round_key = checked.round.partition("/")[2].partition("/")
    folder = layout.round_dir(category, round_key)
    try:
        commitment = json.loads(files[f"{folder}/{layout.COMMITMENT}"])
        document = json.loads(files[f"{folder}/{layout.RESULTS}"])["document"]
    except (KeyError, ValueError):
        raise VerificationError(f"the record has no results for {checked.round}") from None
    if commitment["digest"] != checked.commitment:
        raise VerificationError(f"{where}: its commitment is not the record's for {checked.round}")
    if sorted(document["outcome"]) != sorted(checked.winner_keys):
        raise VerificationError(f"{where}: its winners are not the committed outcome")
