"""Where the body's signing key lives: beside a SQLite file, in the user's data directory for a
server database, in memory for an in-memory database; made once, private to its owner."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from shortlist.store.body_key import BodyKeyFile, default_key_path
from shortlist.trust.errors import VerificationError


def test_the_key_sits_beside_a_sqlite_file(tmp_path: Path) -> None:
    assert default_key_path(f"sqlite:///{tmp_path}/awards.db") == tmp_path / "awards.db.body-key"
    assert default_key_path("sqlite://") is None
    assert default_key_path("sqlite:///:memory:") is None


def test_a_server_database_keeps_its_key_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    found = default_key_path("postgresql+psycopg://u:secret@db.example:5433/awards")
    assert found == tmp_path / "shortlist" / "body-keys" / "db.example-5433-awards.body-key"


def test_the_key_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "awards.body-key"
    made = BodyKeyFile(path).load(create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert BodyKeyFile(path).load(create=True).public == made.public
    assert BodyKeyFile(path).load(create=False).public == made.public


def test_a_missing_key_is_not_made_when_it_must_exist(tmp_path: Path) -> None:
    path = tmp_path / "gone.body-key"
    with pytest.raises(VerificationError, match="missing"):
        BodyKeyFile(path).load(create=False)
    assert not path.exists()


def test_a_file_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "awards.body-key"
    path.write_text("not a key\n")
    with pytest.raises(VerificationError, match="not a shortlist body key file"):
        BodyKeyFile(path).load(create=True)
