"""Single-use tokens, TOTP steps and rate-limit windows: shared state that every worker sees."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from shortlist.store.account_repositories import (
    AdministratorRecord,
    Administrators,
    RateWindows,
    Tokens,
    digest,
)
from shortlist.store.account_tables import single_use_tokens
from shortlist.store.database import Database

NOW = datetime(2025, 3, 1, 12, 0, 30, tzinfo=UTC)


def test_a_token_is_stored_as_a_digest_and_spent_once(database: Database) -> None:
    with database.unit_of_work() as uow:
        Tokens(uow.connection).add(
            "secret-token", "member-link", "e/m1", NOW, NOW + timedelta(hours=1)
        )
        uow.commit()
        stored = uow.connection.execute(single_use_tokens.select()).one()
    assert stored.digest == digest("secret-token") and "secret-token" not in repr(stored)
    with database.unit_of_work() as uow:
        tokens = Tokens(uow.connection)
        assert tokens.spend("secret-token", "admin-api", NOW) is None  # another purpose
        spent = tokens.spend("secret-token", "member-link", NOW)
        assert spent is not None and spent.subject == "e/m1" and spent.used_at == NOW
        assert tokens.spend("secret-token", "member-link", NOW) is None  # replayed
        assert tokens.spend("forged", "member-link", NOW) is None


def test_an_expired_token_cannot_be_spent(database: Database) -> None:
    with database.unit_of_work() as uow:
        tokens = Tokens(uow.connection)
        tokens.add("old", "member-link", "e/m1", NOW - timedelta(hours=2), NOW)
        assert tokens.spend("old", "member-link", NOW) is None


def test_two_workers_spending_one_token_at_once_succeed_once(database: Database) -> None:
    with database.unit_of_work() as uow:
        Tokens(uow.connection).add("shared", "member-link", "e/m1", NOW, NOW + timedelta(hours=1))
        uow.commit()

    def spend(_: int) -> bool:
        with database.unit_of_work() as uow:
            spent = Tokens(uow.connection).spend("shared", "member-link", NOW)
            uow.commit()
            return spent is not None

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(spend, range(4))) == [False, False, False, True]


def test_a_totp_step_is_used_once_and_never_an_earlier_one(database: Database) -> None:
    record = AdministratorRecord("ada", "administrator", "hash", "SECRET", 1, 0)
    with database.unit_of_work() as uow:
        accounts = Administrators(uow.connection)
        assert accounts.add(record, NOW)
        assert not accounts.add(record, NOW)  # the name is taken
        assert accounts.use_totp_step("ada", 100)
        assert not accounts.use_totp_step("ada", 100)
        assert not accounts.use_totp_step("ada", 99)
        assert accounts.use_totp_step("ada", 101)


def test_rate_windows_count_hits_per_key_and_minute(database: Database) -> None:
    minute = timedelta(minutes=1)
    with database.unit_of_work() as uow:
        windows = RateWindows(uow.connection)
        hits = [windows.hit("sign_in:a", NOW, minute)[0] for _ in range(3)]
        other = windows.hit("sign_in:b", NOW, minute)[0]
        later, ends = windows.hit("sign_in:a", NOW + minute, minute)
        uow.commit()
    assert hits == [1, 2, 3] and other == 1 and later == 1
    assert ends == datetime(2025, 3, 1, 12, 2, tzinfo=UTC)


def test_concurrent_hits_are_all_counted(database: Database) -> None:
    def hit(_: int) -> int:
        with database.unit_of_work() as uow:
            count, _ends = RateWindows(uow.connection).hit("cast:m1", NOW, timedelta(minutes=1))
            uow.commit()
            return count

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(hit, range(8))) == list(range(1, 9))
