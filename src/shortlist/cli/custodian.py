"""`shortlist custodian keygen|share`: a custodian's own commands (their key pair; opening
their share of a round's key on their own machine), and the key/share file reading the round
commands share."""

from __future__ import annotations

import os
from pathlib import Path

import click

from shortlist.cli.edition import console, db_option, open_database, settings
from shortlist.errors import InputError
from shortlist.service import sealing
from shortlist.service.refs import RoundRef
from shortlist.trust import keyfiles, keys
from shortlist.trust.shamir import Share


@click.group("custodian")
def custodian() -> None:
    """Custodians of election keys: make a key pair, open your share of a round's key."""


@custodian.command("keygen")
@click.argument("name")
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False),
    help="Directory for NAME.public (give it to the administrator) and NAME.secret (keep it).",
)  # fmt: skip
def keygen(name: str, out_dir: str) -> None:
    """Make a custodian key pair: NAME.public and NAME.secret (readable by you only)."""
    if not name.strip() or "/" in name or name.startswith("."):
        raise InputError(f"custodian name {name!r}: use a plain name (no '/', no leading '.')")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    public_path, secret_path = folder / f"{name}.public", folder / f"{name}.secret"
    for path in (public_path, secret_path):
        if path.exists():
            raise InputError(f"{path} exists; refusing to overwrite a custodian key")
    pair = keys.new_custodian(name)
    descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(keyfiles.secret_text(pair))
    public_path.write_text(keyfiles.public_text(pair.public), encoding="utf-8")
    console.print(
        f"custodian {name}: {public_path} (fingerprint {pair.public.fingerprint[:16]}…) and "
        f"{secret_path} (keep it secret, keep it safe)"
    )


@custodian.command("share")
@click.argument("ref", metavar="EDITION/CATEGORY/ROUND")
@click.option(
    "--custodian-key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False),
    help="Your NAME.secret file.",
)  # fmt: skip
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False))
@db_option
def share(ref: str, key_file: str, out_file: str, database: str | None) -> None:
    """Open your share of a round's election key with your secret key and write it to a file
    (hand it to whoever runs `shortlist round unseal ... --share FILE`)."""
    secret = read_secret(key_file)
    with open_database(settings(database)).unit_of_work() as uow:
        opened = sealing.custodian_share(uow, RoundRef.parse(ref), secret)
    descriptor = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(keyfiles.share_text(secret.name, opened))
    console.print(f"{secret.name}'s share of {ref} ({opened.k} of {opened.n} unseal): {out_file}")


def read_public(path: str) -> keys.CustodianPublic:
    return keyfiles.read_public(Path(path).read_text(encoding="utf-8"), path)


def read_secret(path: str) -> keys.CustodianSecret:
    return keyfiles.read_secret(Path(path).read_text(encoding="utf-8"), path)


def read_share_or_key(path: str) -> keys.CustodianSecret | Share:
    """A share file (already opened by its custodian) or a custodian's secret key file."""
    text = Path(path).read_text(encoding="utf-8")
    if keyfiles.kind_of(text, path) == keyfiles.SHARE:
        return keyfiles.read_share(text, path)[1]
    return keyfiles.read_secret(text, path)
