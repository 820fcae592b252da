"""Where the awards body's signing key lives: in a file outside the database.

Whoever can write the database but not this file cannot re-sign a rewritten audit log, board
or commitment. The file is named by ``Database(url, body_key=PATH)`` (the CLI: the
``SHORTLIST_BODY_KEY`` setting); by default it sits beside a SQLite database
(``academy.db`` -> ``academy.db.body-key``), and for a server database in the user's data
directory (``~/.local/share/shortlist/body-keys/<host>-<port>-<database>.body-key``). An
in-memory database gets a key that lives as long as the process.

The key is made (mode 0600) the first time a database with no registered key needs one; a
database whose log is already signed refuses to go on with a missing or different key.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from shortlist.trust.body import BodyKey
from shortlist.trust.errors import VerificationError

SUFFIX = ".body-key"


def default_key_path(url: str) -> Path | None:
    """The key file's default place for the database at ``url`` (None: in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return None
        return Path(parsed.database + SUFFIX)
    home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    name = f"{parsed.host or 'local'}-{parsed.port or 'default'}-{parsed.database or 'db'}"
    return Path(home) / "shortlist" / "body-keys" / (name + SUFFIX)


class BodyKeyFile:
    """The body's key, read from (or first made in) its file; ``path=None``: in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._key: BodyKey | None = None

    def load(self, *, create: bool) -> BodyKey:
        if self._key is None:
            self._key = self._read(create)
        return self._key

    def _read(self, create: bool) -> BodyKey:
        if self.path is None:
            return BodyKey.generate()
        if self.path.exists():
            return BodyKey.from_text(self.path.read_text(encoding="ascii"), str(self.path))
        if not create:
            raise VerificationError(
                f"the body's signing key {self.path} is missing; this database's log is signed "
                "with a key that must be restored (set SHORTLIST_BODY_KEY to its file)"
            )
        return self._make()

    def _make(self) -> BodyKey:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = BodyKey.generate()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return BodyKey.from_text(self.path.read_text(encoding="ascii"), str(self.path))
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key.to_text())
            out.flush()
            os.fsync(out.fileno())
        return key
