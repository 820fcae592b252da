"""Settings, typed, built once at the edge (the CLI's entry or the web app) and passed down.

``SHORTLIST_DATABASE`` names the store (a SQLite path or URL, or ``postgresql://...``);
``SHORTLIST_ACTOR`` names who is acting in the audit log (default: the login name).
``SHORTLIST_BODY_KEY`` names the file of the awards body's signing key (default: beside a SQLite
database, see ``store/body_key.py``). ``SHORTLIST_MODE`` is ``dev`` (default) or ``production``
(the same variable the web app reads; in production the CLI refuses ``--at``).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE = "sqlite:///shortlist.db"


@dataclass(frozen=True)
class Settings:
    database: str = DEFAULT_DATABASE
    actor: str = "admin"
    body_key: str = ""
    mode: str = "dev"

    @property
    def production(self) -> bool:
        return self.mode == "production"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | None
    ) -> Settings:
        env = os.environ if environ is None else environ
        values = {
            "database": env.get("SHORTLIST_DATABASE") or DEFAULT_DATABASE,
            "actor": env.get("SHORTLIST_ACTOR") or _login(),
            "body_key": env.get("SHORTLIST_BODY_KEY") or "",
            "mode": (env.get("SHORTLIST_MODE") or "dev").strip().lower(),
        }
        values.update({k: v for k, v in overrides.items() if v})
        return cls(**values)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name in some containers
        return "admin"
