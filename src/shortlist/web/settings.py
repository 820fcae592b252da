"""The web app's settings: typed, read from ``SHORTLIST_*`` variables, checked once.

``mode=production`` refuses to start without a secret key, an ``https://`` public origin and a
database other than SQLite; :meth:`WebSettings.check` raises :class:`UnsafeSettings` naming
every setting at fault.
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shortlist.errors import InputError


class UnsafeSettings(InputError):
    """The settings are not safe for the mode asked for; ``errors`` names each setting."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("unsafe settings for production: " + "; ".join(errors))


class WebSettings(BaseSettings):
    """Every setting of the web app (environment: ``SHORTLIST_`` + the name in capitals)."""

    model_config = SettingsConfigDict(env_prefix="SHORTLIST_", extra="ignore")

    mode: Literal["dev", "production"] = "dev"
    database: str = "sqlite:///shortlist.db"
    secret_key: str = ""
    public_origin: str = "http://127.0.0.1:8000"
    session_hours: int = Field(default=12, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    sign_in_attempts_per_minute: int = Field(default=10, ge=1)
    casts_per_minute: int = Field(default=60, ge=1)
    smtp_host: str = ""  # empty: messages are kept in an in-memory outbox (dev and tests)
    smtp_port: int = 25
    smtp_from: str = "shortlist@localhost"
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""

    def check(self) -> WebSettings:
        """Refuse unsafe settings in production (every fault at once); dev gets a random key."""
        if self.mode == "production":
            faults = []
            if len(self.secret_key) < 32:
                faults.append("SHORTLIST_SECRET_KEY must be set (at least 32 characters)")
            if not self.public_origin.startswith("https://"):
                origin = self.public_origin
                faults.append(f"SHORTLIST_PUBLIC_ORIGIN must be an https:// origin, not {origin!r}")
            if self.database.startswith("sqlite") or "://" not in self.database:
                faults.append("SHORTLIST_DATABASE must be a PostgreSQL URL, not SQLite")
            if faults:
                raise UnsafeSettings(faults)
            return self
        if not self.secret_key:
            return self.model_copy(update={"secret_key": secrets.token_urlsafe(32)})
        return self

    @property
    def secure_cookies(self) -> bool:
        return self.mode == "production" or self.public_origin.startswith("https://")
