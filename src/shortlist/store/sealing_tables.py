"""The tables of sealing: each round's election key and custodians, and its unsealed ballots.

``election_keys`` holds a round's public key only; the private key exists nowhere: it is split
into custodians' shares, each sealed to its custodian's own public key (``custodians``).
``unsealed_ballots`` holds the anonymised ballots once a quorum of custodians has unsealed the
round, in a shuffled order (``position``) that owes nothing to the order of casting or of the
box; the sealed ballots (``ballots.sealed``) stay, under their trackers, for the record.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, LargeBinary, String, Table

from shortlist.store.tables import metadata
from shortlist.store.types import Instant

election_keys = Table(
    "election_keys",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("k", Integer, nullable=False),
    Column("n", Integer, nullable=False),
    Column("sealed_at", Instant, nullable=False),
)

custodians = Table(
    "custodians",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("sealed_share", LargeBinary, nullable=False),
)

unsealed_ballots = Table(
    "unsealed_ballots",
    metadata,
    Column("round_id", ForeignKey("rounds.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("marks", JSON, nullable=False),
)
