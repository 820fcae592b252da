"""`shortlist round seal-key|open|close|unseal|count|announce|advance|status`,
`shortlist turnout` and `shortlist members import`: thin commands over the services."""

from __future__ import annotations

import click
from rich.table import Table

from shortlist.cli.custodian import read_public, read_share_or_key
from shortlist.cli.edition import (
    actor_option,
    at_option,
    clock,
    console,
    db_option,
    open_database,
    rounds_table,
    settings,
)
from shortlist.cli.rulings import exclude_member_cmd, reinstate_member_cmd, window_cmd
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.roll import read_roll
from shortlist.domain.times import human
from shortlist.errors import InputError
from shortlist.service import editions, rounds, sealing
from shortlist.service.refs import RoundRef
from shortlist.trust.shamir import Share

ROUND = click.argument("ref", metavar="EDITION/CATEGORY/ROUND")


@click.group("round")
def round_group() -> None:
    """Run a round: seal its key, open, close, unseal, count, announce, advance its outcome;
    show its status."""


for _ruling in (window_cmd, exclude_member_cmd, reinstate_member_cmd):  # cli/rulings.py
    round_group.add_command(_ruling)


@round_group.command("open")
@ROUND
@db_option
@actor_option
@at_option
def open_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Open a round inside its window: check the slate, snapshot the electorate."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.open_round(uow, RoundRef.parse(ref), clock(at), config.actor)
        voters = uow.rounds.electorate_size(record.id)
    console.print(
        f"opened {record.label}: {len(record.slate or ())} entries, {voters} eligible voters, "
        f"closes {human(record.spec.window.closes)}"
    )


@round_group.command("close")
@ROUND
@click.option("--reason", default="", help="Why the round closes before its window ends.")
@db_option
@actor_option
@at_option
def close_cmd(
    ref: str, reason: str, database: str | None, actor: str | None, at: str | None
) -> None:
    """Close a round (early only with --reason); the ballots' link to members is destroyed."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.close_round(uow, RoundRef.parse(ref), clock(at), config.actor, reason)
        boxed = uow.ballots.count(record.id)
    console.print(f"closed {record.label}: {boxed} ballots in the box, sealed until counted")


@round_group.command("count")
@ROUND
@db_option
@actor_option
@at_option
def count_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Count a closed round by its method; the result stays sealed until it is announced."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        record = rounds.count_round(uow, RoundRef.parse(ref), clock(at), config.actor)
    embargo = record.spec.publication.embargo
    until = f" until {human(embargo)}" if embargo else ""
    console.print(f"counted {record.label}; the result is sealed{until} (announce to publish)")


@round_group.command("announce")
@ROUND
@db_option
@actor_option
@at_option
def announce_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Publish a counted round's outcome (never before its embargo)."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        published = rounds.announce_round(uow, RoundRef.parse(ref), clock(at), config.actor)
    show_announcement(published)


def show_announcement(published: rounds.Announcement) -> None:
    order = "in alphabetical order" if published.mode.value == "alphabetical" else "in order"
    console.print(f"[bold]{published.category}[/bold], {published.round_name} ({order}):")
    for title in published.titles:
        console.print(f"  {title}")
    if published.result is not None:
        console.print(rounds_detail(published.result))


def rounds_detail(result: dict[str, object]) -> Table:
    """The count round by round (for rounds published in full)."""
    table = Table(title="the count, round by round")
    table.add_column("round", justify="right")
    table.add_column("tally")
    table.add_column("elected")
    table.add_column("eliminated")
    for r in result.get("rounds", []):  # type: ignore[attr-defined]
        tally = ", ".join(f"{k} {v}" for k, v in r["tally"].items())
        table.add_row(str(r["round"]), tally, ", ".join(r["elected"]), ", ".join(r["eliminated"]))
    return table


@round_group.command("advance")
@ROUND
@db_option
@actor_option
@at_option
def advance_cmd(ref: str, database: str | None, actor: str | None, at: str | None) -> None:
    """Make an announced round's outcome the slate of the next round in its chain."""
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        following = rounds.advance(uow, RoundRef.parse(ref), clock(at), config.actor)
    console.print(f"{following.label} will ballot {len(following.slate or ())} entries")


@round_group.command("status")
@ROUND
@db_option
def status_cmd(ref: str, database: str | None) -> None:
    """A round's state, window, electorate and turnout (never a tally before close)."""
    with open_database(settings(database)).unit_of_work() as uow:
        round_ref = RoundRef.parse(ref)
        record = rounds.find(uow, round_ref)
        published = (
            rounds.announcement(uow, round_ref) if record.status is RoundStatus.ANNOUNCED else None
        )
        row = next(t for t in rounds.turnout(uow, round_ref.edition) if t.round == str(round_ref))
        key = sealing.election_key(uow, round_ref)
    console.print(f"[bold]{round_ref}[/bold] ({record.category_name}, {record.spec.name})")
    console.print(f"  status:     {record.status.value}")
    console.print(f"  sealing:    {_sealing_line(key)}")
    console.print(f"  window:     {human(row.opens)} to {human(row.closes)}")
    console.print(f"  method:     {record.spec.method}, {record.spec.ballot.kind.value} ballots")
    console.print(f"  electorate: {row.electorate:,}; voted: {row.voted:,}")
    if record.close_reason:
        console.print(f"closed early: {record.close_reason}")
    if published is not None:
        show_announcement(published)


def _sealing_line(key: sealing.ElectionKey | None) -> str:
    if key is None:
        return "no election key yet (shortlist round seal-key)"
    names = ", ".join(c.name for c in key.custodians)
    return f"any {key.k} of {names} unseal\n  key:        {key.fingerprint}"


@click.command("turnout")
@click.argument("edition")
@db_option
def turnout(edition: str, database: str | None) -> None:
    """Turnout of every round of EDITION: eligible voters and ballots cast (never what)."""
    with open_database(settings(database)).unit_of_work() as uow:
        rows = rounds.turnout(uow, edition)
    console.print(rounds_table(rows, title=f"turnout, {edition}"))


@click.group("members")
def members() -> None:
    """Manage an edition's member roll."""


@members.command("import")
@click.argument("edition")
@click.argument("csv_file", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
@click.option("--reason", default="", help="Why the roll changes (for the audit log).")
@db_option
@actor_option
@at_option
def import_members(
    edition: str,
    csv_file: str,
    reason: str,
    database: str | None,
    actor: str | None,
    at: str | None,
) -> None:
    """Add or replace members of EDITION from a CSV (number,name,status,branches[,email])."""
    config = settings(database, actor)
    roll = read_roll(csv_file)
    with open_database(config).unit_of_work() as uow:
        added, updated = editions.import_members(
            uow, edition, roll, clock(at), config.actor, reason
        )
    console.print(f"{edition}: {added} members added, {updated} updated")


@round_group.command("seal-key")
@ROUND
@click.option(
    "--custodians", "threshold", required=True, metavar="K/N",
    help="How many custodians unseal (K) of how many hold shares (N), e.g. 2/3.",
)  # fmt: skip
@click.option(
    "--custodian", "public_files", multiple=True, required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A custodian's NAME.public file (from `shortlist custodian keygen`); N of them.",
)  # fmt: skip
@db_option
@actor_option
@at_option
def seal_key_cmd(
    ref: str, threshold: str, public_files: tuple[str, ...], database: str | None,
    actor: str | None, at: str | None,
) -> None:  # fmt: skip
    """Give a draft round its election key, split among N custodians so that any K unseal."""
    k, n = _threshold(threshold)
    if n != len(public_files):
        raise InputError(f"--custodians {threshold}: {len(public_files)} --custodian files given")
    custodians = [read_public(path) for path in public_files]
    config = settings(database, actor)
    with open_database(config).unit_of_work() as uow:
        key = sealing.seal_round(uow, RoundRef.parse(ref), custodians, k, clock(at), config.actor)
    names = ", ".join(c.name for c in custodians)
    console.print(f"sealed {key.round}: any {k} of {names} can unseal it")
    console.print(f"election key fingerprint: {key.fingerprint}")


def _threshold(text: str) -> tuple[int, int]:
    k, slash, n = text.partition("/")
    if not slash or not k.strip().isdigit() or not n.strip().isdigit():
        raise InputError(f"--custodians {text!r}: write K/N, e.g. 2/3")
    return int(k), int(n)


@round_group.command("unseal")
@ROUND
@click.option(
    "--share", "--custodian-key", "share_files", multiple=True, required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A custodian's share file (`shortlist custodian share`) or their NAME.secret file "
    "(their share is then opened here); at least K of them.",
)  # fmt: skip
@db_option
@actor_option
@at_option
def unseal_cmd(
    ref: str, share_files: tuple[str, ...], database: str | None, actor: str | None,
    at: str | None,
) -> None:  # fmt: skip
    """Open a closed round's ballots with K custodians' shares; they are stored shuffled."""
    given = [read_share_or_key(path) for path in share_files]
    config = settings(database, actor)
    round_ref = RoundRef.parse(ref)
    with open_database(config).unit_of_work() as uow:
        shares = [
            g if isinstance(g, Share) else sealing.custodian_share(uow, round_ref, g) for g in given
        ]
        record = sealing.unseal(uow, round_ref, shares, clock(at), config.actor)
        opened = len(uow.ballots.marks(record.id))
    console.print(f"unsealed {record.label}: {opened} ballots opened and shuffled (count next)")
