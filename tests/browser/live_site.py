"""The app served live for the browser, on a database seeded through the services.

:func:`serve` migrates the database, loads the seed edition (``seed.py``), seals both rounds with
the test custodians (``tests/sealing_steps.py``), opens ``picture/final`` so members can vote,
adds an administrator (password and TOTP secret known to the test), and starts Uvicorn on a
loopback port with the app mailing through the given SMTP server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyotp
from harness import LiveServer, SmtpServer
from seed import DOCUMENTARY, EDITION_KEY, PICTURE, edition, roll
from sqlalchemy import create_engine, text

from sealing_steps import CUSTODIANS, open_sealed, seal
from shortlist.domain.model import Member
from shortlist.service import access, accounts, editions, rounds, sealing, voting
from shortlist.service.accounts import NewAdministrator
from shortlist.service.clock import Clock, SystemClock
from shortlist.service.mail import Mailer
from shortlist.service.refs import RoundRef
from shortlist.store.database import Database
from shortlist.store.tables import metadata
from shortlist.web.app import create_app
from shortlist.web.settings import WebSettings

ADMIN = "ada"


@dataclass
class Site:
    """A running app: where it is, its database and clock, who may sign in."""

    url: str
    server: LiveServer
    database: Database
    clock: Clock
    administrator: NewAdministrator
    members: tuple[Member, ...]
    mailer: Mailer

    @property
    def voter(self) -> Member:
        return self.members[0]

    def ref(self, category_round: tuple[str, str]) -> RoundRef:
        return RoundRef(EDITION_KEY, *category_round)

    def totp_code(self, at: datetime | None = None) -> str:
        totp = pyotp.TOTP(self.administrator.totp_secret)
        return totp.at(at) if at else totp.now()

    def share_files(self, category_round: tuple[str, str], folder: Path) -> list[Path]:
        """Two custodians' share files for a round (what they would upload to unseal it)."""
        ref = self.ref(category_round)
        paths = []
        with self.database.unit_of_work() as uow:
            for custodian in CUSTODIANS[:2]:
                share = sealing.custodian_share(uow, ref, custodian)
                path = folder / f"{custodian.name}.share"
                path.write_bytes(share.to_bytes())
                paths.append(path)
        return paths

    def invite(self, *numbers: str) -> None:
        """E-mail invitations with sign-in links (as the administrators' "invite" does)."""
        with self.database.unit_of_work() as uow:
            mailing = access.invite(
                uow, EDITION_KEY, self.clock, self.mailer, self.url, "seed", list(numbers)
            )
        assert set(mailing.sent) == set(numbers), f"invitations not sent: {mailing}"

    def cast_simulated(self, category_round: tuple[str, str], how_many: int) -> list[list[str]]:
        """The first ``how_many`` members' rankings (seeded, varied in length) cast through the
        services while the round is open; the rankings, in the order cast."""
        ref = self.ref(category_round)
        with self.database.unit_of_work() as uow:
            slate = list(rounds.find(uow, ref).slate or ())
        chooser = random.Random(7)
        rankings = []
        for member in self.members[:how_many]:
            ranking = chooser.sample(slate, chooser.randint(1, len(slate)))
            with self.database.unit_of_work() as uow:
                voting.cast(uow, ref, member.number, ranking, self.clock)
            rankings.append(ranking)
        return rankings

    def stop(self) -> None:
        self.server.stop()
        self.database.dispose()


def seed(database: Database, clock: Clock) -> tuple[NewAdministrator, tuple[Member, ...]]:
    members = roll()
    with database.unit_of_work() as uow:
        editions.load_edition(uow, edition(clock.now()), members, clock, "seed")
    with database.unit_of_work() as uow:
        open_sealed(uow, RoundRef(EDITION_KEY, *PICTURE), clock, "seed")
    with database.unit_of_work() as uow:
        seal(uow, RoundRef(EDITION_KEY, *DOCUMENTARY), clock, "seed")
    with database.unit_of_work() as uow:
        made = accounts.add_administrator(uow, ADMIN, "administrator", clock, "seed")
    return made, tuple(members)


def empty_tables(url: str) -> None:
    """Empty every table of a migrated database (the PostgreSQL test database is shared)."""
    engine = create_engine(url)
    names = ", ".join(table.name for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def serve(database_url: str, smtp: SmtpServer, clock: Clock | None = None) -> Site:
    """Seed ``database_url`` (an empty database) and serve the app on it."""
    clock = clock or SystemClock()
    database = Database(database_url)
    database.migrate()
    administrator, members = seed(database, clock)
    server = LiveServer()
    settings = WebSettings(
        database=database_url,
        secret_key="browser-tests-" + "k" * 32,
        public_origin=server.url,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_from="awards@example.test",
    )
    app = create_app(settings, database=database, clock=clock)
    server.start(app)
    return Site(server.url, server, database, clock, administrator, members, app.state.mailer)
