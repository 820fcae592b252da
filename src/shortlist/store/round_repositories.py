"""Repositories of rounds: state, electorates, opt-ins, viewing, participation; the ballot box
(the audit log is in :mod:`shortlist.store.audit`). Hot statements are built once, with bound
parameters.
"""

from __future__ import annotations

import functools
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    LargeBinary,
    Row,
    String,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from shortlist.domain.codec import round_from_dict
from shortlist.domain.errors import NotFound
from shortlist.domain.lifecycle import RoundStatus
from shortlist.domain.model import (
    RoundSpec,
)
from shortlist.store import sealing_tables as s
from shortlist.store import tables as t
from shortlist.store.records import RoundRecord, Standing


def _upsert(connection: Connection, table: Any) -> Any:
    return _insert_for(connection.dialect.name, table)


def _insert_for(dialect: str, table: Any) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@functools.cache
def _ballot_upsert(dialect: str) -> Any:
    sealed = bindparam("sealed", type_=LargeBinary())
    tracker = bindparam("tracker", type_=String())
    stmt = _insert_for(dialect, t.ballots).values(
        round_id=bindparam("round_id"), box_id=bindparam("box_id"), sealed=sealed, tracker=tracker
    )
    return stmt.on_conflict_do_update(
        index_elements=[t.ballots.c.round_id, t.ballots.c.box_id],
        set_={"sealed": sealed, "tracker": tracker},
    )


_ROUND_COLUMNS = (
    t.rounds,
    t.categories.c.key.label("category_key"),
    t.categories.c.name.label("category_name"),
    t.categories.c.edition_id,
    t.editions.c.key.label("edition_key"),
    t.editions.c.category_quota,
)

_ROUND_BY_KEYS = (
    select(*_ROUND_COLUMNS)
    .join_from(t.rounds, t.categories)
    .join(t.editions)
    .where(
        and_(
            t.editions.c.key == bindparam("edition"),
            t.categories.c.key == bindparam("category"),
            t.rounds.c.key == bindparam("round"),
        )
    )
)


def _member_of(table: Any) -> Any:
    return select(table.c.member).where(
        and_(table.c.round_id == bindparam("round_id"), table.c.member == bindparam("member"))
    )


_HAS = {table.name: _member_of(table) for table in (t.electorate, t.attestations, t.participation)}


def _entry_keys_of(table: Any) -> Any:
    return (
        select(t.entries.c.key)
        .join_from(table, t.entries)
        .where(
            and_(
                t.entries.c.category_id == bindparam("category_id"),
                table.c.member == bindparam("member"),
            )
        )
    )


_VIEWED = _entry_keys_of(t.viewings)
_RECUSED = _entry_keys_of(t.credits)


def _flag(table: Any) -> Any:
    """One row ``(NULL, table name)`` when the member has a row in ``table`` for the round."""
    return select(literal(None, String()).label("key"), literal(table.name).label("what")).where(
        exists(_member_of(table))
    )


def _marked(table: Any, what: str) -> Any:
    return _entry_keys_of(table).add_columns(literal(what).label("what"))


_FLAGS = (_flag(t.electorate), _flag(t.attestations), _flag(t.participation))
#: A member's standing in one query: flags as rows, then recused (and watched) entry keys.
_STANDING = union_all(*_FLAGS, _marked(t.credits, "recused"))
_STANDING_VIEWED = union_all(*_FLAGS, _marked(t.credits, "recused"), _marked(t.viewings, "viewed"))
_SECRET = select(t.round_secrets.c.secret).where(
    t.round_secrets.c.round_id == bindparam("round_id")
)


def _round_query() -> Any:
    return select(*_ROUND_COLUMNS).join_from(t.rounds, t.categories).join(t.editions)


def _keys(joined: str | None) -> frozenset[str]:
    return frozenset(joined.split("\n")) if joined else frozenset()


def _record(row: Row[Any], specs: dict[int, RoundSpec]) -> RoundRecord:
    if row.id not in specs:
        specs[row.id] = round_from_dict(row.spec)
    return RoundRecord(
        id=row.id, edition=row.edition_key, edition_id=row.edition_id, category=row.category_key,
        category_name=row.category_name, category_id=row.category_id, position=row.position,
        spec=specs[row.id], status=RoundStatus(row.status),
        slate=None if row.slate is None else tuple(row.slate), opened_at=row.opened_at,
        closed_at=row.closed_at, close_reason=row.close_reason, counted_at=row.counted_at,
        announced_at=row.announced_at, result=row.result,
        outcome=None if row.outcome is None else tuple(row.outcome),
        category_quota=row.category_quota,
    )  # fmt: skip


class Rounds:
    """Rounds and everything per round but the ballots. A round's spec never changes once
    loaded, so a unit of work parses each spec once."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self._specs: dict[int, RoundSpec] = {}

    def find(self, edition: str, category: str, key: str, *, lock: str = "") -> RoundRecord:
        """The round named by its keys; ``lock`` as in :meth:`get`."""
        query = _ROUND_BY_KEYS
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update(of=t.rounds, read=lock == "share")
        row = self.c.execute(
            query, {"edition": edition, "category": category, "round": key}
        ).first()
        if row is None:
            raise NotFound(f"no round {edition}/{category}/{key}")
        return _record(row, self._specs)

    def get(self, round_id: int, *, lock: str = "") -> RoundRecord:
        """The round; ``lock="share"`` (a cast) or ``"update"`` (close, count) holds its row
        until the transaction ends, so no ballot slips in while a round closes (SQLite's
        ``BEGIN IMMEDIATE`` already serialises writers)."""
        query = _round_query().where(t.rounds.c.id == round_id)
        if lock and self.c.dialect.name == "postgresql":
            query = query.with_for_update(of=t.rounds, read=lock == "share")
        row = self.c.execute(query).first()
        if row is None:
            raise NotFound(f"no round with id {round_id}")
        return _record(row, self._specs)

    def of_edition(self, edition: str) -> list[RoundRecord]:
        rows = self.c.execute(
            _round_query()
            .where(t.editions.c.key == edition)
            .order_by(t.categories.c.position, t.rounds.c.position)
        )
        return [_record(r, self._specs) for r in rows]

    def neighbour(self, record: RoundRecord, step: int) -> RoundRecord | None:
        row = self.c.execute(
            _round_query().where(
                and_(
                    t.rounds.c.category_id == record.category_id,
                    t.rounds.c.position == record.position + step,
                )
            )
        ).first()
        return None if row is None else _record(row, self._specs)

    def update(self, round_id: int, **values: Any) -> None:
        if "status" in values:
            values["status"] = RoundStatus(values["status"]).value
        if "spec" in values:  # a window change (service.rulings): parse the new spec again
            self._specs.pop(round_id, None)
        self.c.execute(update(t.rounds).where(t.rounds.c.id == round_id).values(**values))

    # -- secret, electorate, opt-ins, viewing ------------------------------------------------

    def put_secret(self, round_id: int, secret: bytes) -> None:
        self.c.execute(insert(t.round_secrets).values(round_id=round_id, secret=secret))

    def secret(self, round_id: int) -> bytes | None:
        found = self.c.execute(_SECRET, {"round_id": round_id}).scalar()
        return None if found is None else bytes(found)

    def destroy_secret(self, round_id: int) -> None:
        self.c.execute(delete(t.round_secrets).where(t.round_secrets.c.round_id == round_id))

    def set_electorate(self, round_id: int, members: Sequence[str]) -> None:
        if members:
            self.c.execute(
                insert(t.electorate), [{"round_id": round_id, "member": m} for m in members]
            )

    def electorate(self, round_id: int) -> list[str]:
        """The member numbers snapshotted into the round's electorate, sorted."""
        query = (
            select(t.electorate.c.member)
            .where(t.electorate.c.round_id == round_id)
            .order_by(t.electorate.c.member)
        )
        return list(self.c.execute(query).scalars())

    def in_electorate(self, round_id: int, member: str) -> bool:
        return self._has(t.electorate, round_id, member)

    def electorate_size(self, round_id: int) -> int:
        return self._count(t.electorate, round_id)

    def opt_in(self, round_id: int, member: str, at: datetime) -> None:
        self.c.execute(
            _upsert(self.c, t.opt_ins)
            .values(round_id=round_id, member=member, at=at)
            .on_conflict_do_nothing()
        )

    def opted_in(self, round_id: int) -> frozenset[str]:
        return frozenset(
            self.c.execute(
                select(t.opt_ins.c.member).where(t.opt_ins.c.round_id == round_id)
            ).scalars()
        )

    def record_viewing(self, entry_ids: Iterable[int], member: str, at: datetime) -> None:
        rows = [{"entry_id": e, "member": member, "at": at} for e in entry_ids]
        if rows:
            self.c.execute(_upsert(self.c, t.viewings).on_conflict_do_nothing(), rows)

    def viewed(self, category_id: int, member: str) -> frozenset[str]:
        keys = self.c.execute(_VIEWED, {"category_id": category_id, "member": member}).scalars()
        return frozenset(keys)

    def recused(self, category_id: int, member: str) -> frozenset[str]:
        """Keys of the category's entries on which ``member`` is credited."""
        keys = self.c.execute(_RECUSED, {"category_id": category_id, "member": member}).scalars()
        return frozenset(keys)

    def standing(self, round_id: int, category_id: int, member: str, viewed: bool) -> Standing:
        """The member's standing in the round (what they watched only if ``viewed``)."""
        ids = {"round_id": round_id, "member": member, "category_id": category_id}
        found: dict[str, set[str]] = defaultdict(set)
        for key, what in self.c.execute(_STANDING_VIEWED if viewed else _STANDING, ids).all():
            found[what].add(key)
        return Standing(
            "electorate" in found, "attestations" in found, "participation" in found,
            frozenset(found["recused"]), frozenset(found["viewed"]),
        )  # fmt: skip

    def attest(self, round_id: int, member: str, at: datetime) -> None:
        self.c.execute(
            _upsert(self.c, t.attestations)
            .values(round_id=round_id, member=member, at=at)
            .on_conflict_do_nothing()
        )

    def attested(self, round_id: int, member: str) -> bool:
        return self._has(t.attestations, round_id, member)

    # -- participation (that a member voted; never what) --------------------------------------

    def voted(self, round_id: int, member: str) -> bool:
        return self._has(t.participation, round_id, member)

    def turnout(self, round_id: int) -> int:
        return self._count(t.participation, round_id)

    def categories_voted(self, edition_id: int, round_key: str, member: str) -> frozenset[str]:
        """Categories in which ``member`` voted in rounds called ``round_key`` (for quotas)."""
        query = (
            select(t.categories.c.key)
            .join_from(t.participation, t.rounds)
            .join(t.categories)
            .where(
                and_(
                    t.categories.c.edition_id == edition_id,
                    t.rounds.c.key == round_key,
                    t.participation.c.member == member,
                )
            )
        )
        return frozenset(self.c.execute(query).scalars())

    def _has(self, table: Any, round_id: int, member: str) -> bool:
        row = self.c.execute(_HAS[table.name], {"round_id": round_id, "member": member}).first()
        return row is not None

    def _count(self, table: Any, round_id: int) -> int:
        return int(
            self.c.execute(
                select(func.count()).select_from(table).where(table.c.round_id == round_id)
            ).scalar_one()
        )


class Ballots:
    """The ballot box of each round: sealed ballots keyed by ``box_id``, with no member and no
    time; once unsealed, the opened ballots in shuffled order (``unsealed_ballots``)."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def put(self, round_id: int, box_id: str, sealed: bytes, tracker: str) -> None:
        """Store a sealed ballot; one already under ``box_id`` is replaced (a revision)."""
        values = {"round_id": round_id, "box_id": box_id, "sealed": sealed, "tracker": tracker}
        self.c.execute(_ballot_upsert(self.c.dialect.name), values)

    def get(self, round_id: int, box_id: str) -> tuple[bytes, str] | None:
        row = self.c.execute(
            select(t.ballots.c.sealed, t.ballots.c.tracker).where(
                and_(t.ballots.c.round_id == round_id, t.ballots.c.box_id == box_id)
            )
        ).first()
        return None if row is None else (bytes(row.sealed), row.tracker)

    def sealed(self, round_id: int) -> list[tuple[str, bytes]]:
        """Every sealed ballot as ``(tracker, ciphertext)``, by tracker."""
        query = (
            select(t.ballots.c.tracker, t.ballots.c.sealed)
            .where(t.ballots.c.round_id == round_id)
            .order_by(t.ballots.c.tracker)
        )
        return [(r.tracker, bytes(r.sealed)) for r in self.c.execute(query)]

    def marks(self, round_id: int) -> list[Any]:
        """Every unsealed ballot's marks, in their shuffled order (none before unsealing)."""
        query = (
            select(s.unsealed_ballots.c.marks)
            .where(s.unsealed_ballots.c.round_id == round_id)
            .order_by(s.unsealed_ballots.c.position)
        )
        return list(self.c.execute(query).scalars())

    def trackers(self, round_id: int) -> list[str]:
        query = (
            select(t.ballots.c.tracker)
            .where(t.ballots.c.round_id == round_id)
            .order_by(t.ballots.c.tracker)
        )
        return list(self.c.execute(query).scalars())

    def count(self, round_id: int) -> int:
        return int(
            self.c.execute(
                select(func.count()).select_from(t.ballots).where(t.ballots.c.round_id == round_id)
            ).scalar_one()
        )

    def rebox(self, round_id: int) -> int:
        """Give every ballot a fresh random ``box_id`` and rewrite the box in that order."""
        rows = self.c.execute(
            select(t.ballots.c.sealed, t.ballots.c.tracker).where(t.ballots.c.round_id == round_id)
        ).all()
        self.c.execute(delete(t.ballots).where(t.ballots.c.round_id == round_id))
        fresh = sorted(
            (
                {
                    "round_id": round_id,
                    "box_id": secrets.token_hex(16),
                    "sealed": r.sealed,
                    "tracker": r.tracker,
                }
                for r in rows
            ),
            key=lambda b: b["box_id"],
        )
        if fresh:
            self.c.execute(insert(t.ballots), fresh)
        return len(fresh)
