"""Set-based reads and writes for casting many ballots in one transaction (the web app's cast
desk): a few statements per batch, whatever its size, instead of a few per ballot.

Every function takes the batch's connection; none commits. Members appear at most once per
batch (the desk sees to it), so each upsert touches a row at most once.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    LargeBinary,
    String,
    and_,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from shortlist.domain.errors import NotFound
from shortlist.domain.model import GateKind
from shortlist.store import account_tables as a
from shortlist.store import tables as t
from shortlist.store.account_repositories import TokenRecord, digest
from shortlist.store.records import OnRoll, RoundRecord, Standing
from shortlist.store.round_repositories import (
    _ROUND_COLUMNS,
    Rounds,
    _ballot_upsert,
    _keys,
    _record,
)
from shortlist.store.sealing_tables import election_keys
from shortlist.store.types import Instant

_MEMBERS: Any = bindparam("members", expanding=True)


@functools.cache
def _driver_sql(statement: Any) -> tuple[str, dict[str, Any]]:
    """A PostgreSQL statement's SQL as psycopg takes it, with the values of its literal binds."""
    compiled = statement.compile(dialect=postgresql.psycopg.dialect())  # type: ignore[no-untyped-call]
    return str(compiled), dict(compiled.params)


def _rows(connection: Connection, statement: Any, params: Any) -> list[Any]:
    """Run ``statement``; its rows as tuples. On PostgreSQL the batch statements (built once, their
    parameters arrays) go straight to the driver, prepared, in the unit of work's transaction:
    SQLAlchemy's machinery cost a batch more than the statements themselves."""
    if connection.dialect.name != "postgresql":
        result = connection.execute(statement, params)
        return list(result) if result.returns_rows else []
    sql, binds = _driver_sql(statement)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(sql, {**binds, **params}, prepare=True)
    return cursor.fetchall() if cursor.description is not None else []


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class RoundForCasts:
    """A round as a batch of casts reads it: the record, the round's secret (None once closed),
    its election public key (None before it is sealed) and each casting member's standing."""

    record: RoundRecord
    secret: bytes | None
    public_key: bytes | None
    standings: Mapping[str, Standing]


def _flags(table: Any) -> Any:
    return select(table.c.member, literal(None, String()).label("key"), literal(table.name)).where(
        and_(table.c.round_id == bindparam("round_id"), table.c.member.in_(_MEMBERS))
    )


def _marked(table: Any, what: str) -> Any:
    return (
        select(table.c.member, t.entries.c.key, literal(what))
        .join_from(table, t.entries)
        .where(
            and_(
                t.entries.c.category_id == bindparam("category_id"),
                table.c.member.in_(_MEMBERS),
            )
        )
    )


def _pg_standings(viewing: bool) -> Any:
    """PostgreSQL: one row per member of the bound array, each flag a probe of the member's row
    by its key (a lateral ``LIMIT 1``, which the planner cannot turn into a scan of the whole
    round, whatever its statistics say: the round's participation starts empty and grows under
    the casts)."""
    given = _unnest(members=String())

    def probe(table: Any) -> Any:
        return (
            select(literal(1).label("found"))
            .where(
                and_(table.c.round_id == bindparam("round_id"), table.c.member == given.c.members)
            )
            .limit(1)
            .lateral(f"{table.name}_row")
        )

    def keys(table: Any) -> Any:
        return (
            select(func.string_agg(t.entries.c.key, literal_column("E'\\n'")))
            .join_from(table, t.entries)
            .where(
                and_(
                    t.entries.c.category_id == bindparam("category_id"),
                    table.c.member == given.c.members,
                )
            )
            .scalar_subquery()
        )

    rows = [probe(table) for table in (t.electorate, t.attestations, t.participation)]
    viewed = keys(t.viewings) if viewing else literal(None, String())
    query = select(
        given.c.members, *(row.c.found.is_not(None) for row in rows), keys(t.credits), viewed
    ).select_from(given)
    for row in rows:
        query = query.outerjoin(row, true())
    return query


@functools.cache
def _standings(dialect: str, viewing: bool) -> Any:
    if dialect == "postgresql":
        return _pg_standings(viewing)
    flags = [_flags(table) for table in (t.electorate, t.attestations, t.participation)]
    marked = [_marked(t.credits, "recused")]
    if viewing:
        marked.append(_marked(t.viewings, "viewed"))
    return union_all(*flags, *marked)


_ROUND_WITH_SECRETS = (
    select(
        *_ROUND_COLUMNS,
        t.round_secrets.c.secret.label("round_secret"),
        election_keys.c.public_key.label("election_key"),
    )
    .join_from(t.rounds, t.categories)
    .join(t.editions)
    .outerjoin(t.round_secrets, t.round_secrets.c.round_id == t.rounds.c.id)
    .outerjoin(election_keys, election_keys.c.round_id == t.rounds.c.id)
    .where(
        and_(
            t.editions.c.key == bindparam("edition"),
            t.categories.c.key == bindparam("category"),
            t.rounds.c.key == bindparam("round"),
        )
    )
)
_ROUND_WITH_SECRETS_HELD = _ROUND_WITH_SECRETS.with_for_update(of=t.rounds, read=True)


def round_for_casts(
    connection: Connection, rounds: Rounds, names: tuple[str, str, str], members: Sequence[str]
) -> RoundForCasts:
    """The round named ``(edition, category, round)``, its row held shared until the batch
    commits (PostgreSQL; a close waits for it), its secret and election key, and the standing of
    each of ``members``, in two statements."""
    postgres = connection.dialect.name == "postgresql"
    edition, category, key = names
    found = connection.execute(
        _ROUND_WITH_SECRETS_HELD if postgres else _ROUND_WITH_SECRETS,
        {"edition": edition, "category": category, "round": key},
    ).first()
    if found is None:
        raise NotFound(f"no round {edition}/{category}/{key}")
    record = _record(found, rounds._specs)
    secret, public_key = found.round_secret, found.election_key
    viewing = record.spec.gate.kind in (GateKind.MIN_VIEWED, GateKind.VIEWED_ALL)
    return RoundForCasts(
        record,
        None if secret is None else bytes(secret),
        None if public_key is None else bytes(public_key),
        standings(connection, record, members, viewing),
    )


def standings(
    connection: Connection, record: RoundRecord, members: Sequence[str], viewing: bool
) -> dict[str, Standing]:
    """Each member's standing in ``record``'s round, in one statement."""
    params = {"round_id": record.id, "category_id": record.category_id, "members": list(members)}
    rows = _rows(connection, _standings(connection.dialect.name, viewing), params)
    if connection.dialect.name == "postgresql":
        return {
            member: Standing(
                bool(eligible), bool(attested), bool(voted), _keys(recused), _keys(viewed)
            )
            for member, eligible, attested, voted, recused, viewed in rows
        }
    marks: dict[str, dict[str, set[str]]] = {m: {} for m in members}
    for member, key, what in rows:
        marks[member].setdefault(what, set()).add(key)
    return {
        member: Standing(
            t.electorate.name in found,
            t.attestations.name in found,
            t.participation.name in found,
            frozenset(found.get("recused", ())),
            frozenset(found.get("viewed", ())),
        )
        for member, found in marks.items()
    }


@functools.cache
def _tokens(dialect: str) -> Any:
    table = a.single_use_tokens
    if dialect == "postgresql":  # a probe by key per token, whatever the statistics say
        given = _unnest(digests=String())
        row = select(table).where(table.c.digest == given.c.digests).limit(1).lateral("token")
        return select(row).select_from(given).join(row, true())
    return select(table).where(table.c.digest.in_(bindparam("digests", expanding=True)))


def tokens(connection: Connection, given: Sequence[str]) -> dict[str, TokenRecord]:
    """The token records of those ``given`` tokens that exist, by token."""
    by_digest = {digest(token): token for token in given}
    rows = _rows(connection, _tokens(connection.dialect.name), {"digests": list(by_digest)})
    return {
        by_digest[code]: TokenRecord(purpose, subject, _utc(issued), _utc(expires), _utc(used))  # type: ignore[arg-type]
        for code, purpose, subject, issued, expires, used in rows
    }


@functools.cache
def _on_roll(dialect: str) -> Any:
    columns = (
        t.members.c.number, t.members.c.name, t.members.c.email, t.editions.c.id,
        t.editions.c.timezone, t.members.c.timezone.label("member_timezone"),
    )  # fmt: skip
    of_edition = and_(
        t.members.c.edition_id == t.editions.c.id, t.editions.c.key == bindparam("edition")
    )
    if dialect == "postgresql":  # a probe by key per member, whatever the statistics say
        given = _unnest(members=String())
        edition = select(t.editions.c.id).where(t.editions.c.key == bindparam("edition"))
        row = (
            select(t.members)
            .where(
                and_(
                    t.members.c.edition_id == edition.scalar_subquery(),
                    t.members.c.number == given.c.members,
                )
            )
            .limit(1)
            .lateral("member")
        )
        return (
            select(
                row.c.number,
                row.c.name,
                row.c.email,
                t.editions.c.id,
                t.editions.c.timezone,
                row.c.timezone.label("member_timezone"),
            )
            .select_from(given)
            .join(row, true())
            .join(t.editions, t.editions.c.id == row.c.edition_id)
        )
    return (
        select(*columns)
        .join_from(t.members, t.editions, of_edition)
        .where(t.members.c.number.in_(bindparam("members", expanding=True)))
    )


def on_roll(connection: Connection, edition: str, numbers: Sequence[str]) -> dict[str, OnRoll]:
    """Those of ``numbers`` on the roll of ``edition``, with what a receipt e-mail needs."""
    statement = _on_roll(connection.dialect.name)
    rows = _rows(connection, statement, {"edition": edition, "members": list(numbers)})
    return {row[0]: OnRoll(*row) for row in rows}


def _unnest(**columns: Any) -> Any:
    """PostgreSQL: the rows of arrays bound by name (``unnest(:a, :b) AS rows(a, b)``), so that a
    batch's rows go in one parameter per column and the statement's text never changes."""
    arrays = [bindparam(name, type_=postgresql.ARRAY(kind)) for name, kind in columns.items()]
    named = [column(name, kind) for name, kind in columns.items()]
    return func.unnest(*arrays).table_valued(*named).render_derived(name="given")


@functools.cache
def _hits(dialect: str) -> Any:
    table = a.rate_windows
    ends = bindparam("ends_at", type_=Instant())
    upsert: Any
    if dialect == "postgresql":
        given = _unnest(key=String())
        upsert = postgresql.insert(table).from_select(
            ["key", "hits", "ends_at"], select(given.c.key, literal(1), ends)
        )
    else:
        upsert = sqlite.insert(table).values(key=bindparam("key"), hits=1, ends_at=ends)
    return upsert.on_conflict_do_update(
        index_elements=["key"], set_={"hits": table.c.hits + 1}
    ).returning(table.c.key, table.c.hits)


def hits(
    connection: Connection, keys: Sequence[str], at: datetime, period: timedelta
) -> tuple[dict[str, int], datetime]:
    """One hit on each of ``keys`` (distinct) in the window containing ``at``, as
    :meth:`~shortlist.store.account_repositories.RateWindows.hit` counts one: hits so far by
    key, and the window's end."""
    seconds = int(period.total_seconds())
    start = int(at.timestamp()) // seconds * seconds
    ends = datetime.fromtimestamp(start + seconds, UTC)
    suffix = f"@{start}"
    windows = sorted(key + suffix for key in keys)  # one order of row locks for every batch
    statement = _hits(connection.dialect.name)
    if connection.dialect.name == "postgresql":
        rows = _rows(connection, statement, {"key": windows, "ends_at": ends})
    else:
        rows = _rows(connection, statement, [{"key": k, "ends_at": ends} for k in windows])
    return {key.removesuffix(suffix): int(n) for key, n in rows}, ends


@functools.cache
def _participations(dialect: str, lock: bool) -> Any:
    at = bindparam("at", type_=Instant())
    round_id = bindparam("round_id", type_=Integer())
    stmt: Any
    if dialect == "postgresql":
        given = _unnest(member=String())
        stmt = postgresql.insert(t.participation).from_select(
            ["round_id", "member", "first_at", "last_at", "revisions"],
            select(round_id, given.c.member, at, at, literal(0)),
        )
    else:
        stmt = sqlite.insert(t.participation).values(
            round_id=round_id, member=bindparam("member"), first_at=at, last_at=at, revisions=0
        )
    keys = [t.participation.c.round_id, t.participation.c.member]
    if lock:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    else:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={"last_at": at, "revisions": t.participation.c.revisions + 1}
        )
    return stmt.returning(t.participation.c.member, t.participation.c.revisions)


def record_participations(
    connection: Connection, round_id: int, members: Sequence[str], at: datetime, *, lock: bool
) -> dict[str, int]:
    """Note that each of ``members`` cast a ballot: how many times before, by member; with
    ``lock``, a member who had already cast is left out (nothing is written for them)."""
    if not members:
        return {}
    statement = _participations(connection.dialect.name, lock)
    if connection.dialect.name == "postgresql":
        rows = _rows(
            connection, statement, {"round_id": round_id, "member": list(members), "at": at}
        )
    else:
        rows = _rows(
            connection, statement, [{"round_id": round_id, "member": m, "at": at} for m in members]
        )
    return {member: int(n) for member, n in rows}


@functools.cache
def _pg_ballots() -> Any:
    given = _unnest(box_id=String(), sealed=LargeBinary(), tracker=String())
    table = t.ballots
    upsert = postgresql.insert(table).from_select(
        ["round_id", "box_id", "sealed", "tracker"],
        select(bindparam("round_id", type_=Integer()), given.c.box_id, given.c.sealed,
               given.c.tracker),
    )  # fmt: skip
    return upsert.on_conflict_do_update(
        index_elements=[table.c.round_id, table.c.box_id],
        set_={"sealed": upsert.excluded.sealed, "tracker": upsert.excluded.tracker},
    )


def put_ballots(
    connection: Connection, round_id: int, ballots: Sequence[tuple[str, bytes, str]]
) -> None:
    """Store sealed ballots ``(box_id, sealed, tracker)``, replacing any under the same box id."""
    if not ballots:
        return
    if connection.dialect.name == "postgresql":
        box_ids, sealed, trackers = (list(column) for column in zip(*ballots, strict=True))
        _rows(
            connection,
            _pg_ballots(),
            {"round_id": round_id, "box_id": box_ids, "sealed": sealed, "tracker": trackers},
        )
        return
    connection.execute(
        _ballot_upsert(connection.dialect.name),
        [{"round_id": round_id, "box_id": b, "sealed": s, "tracker": tr} for b, s, tr in ballots],
    )
