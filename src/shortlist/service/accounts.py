"""Administrators' accounts: adding one, signing in (password, then a TOTP code), roles.

Roles rank ``observer`` (reads only) < ``administrator`` (runs rounds) < ``owner`` (also
manages accounts). Passwords are kept as argon2id hashes; the second factor is TOTP
(RFC 6238, 30-second steps, one step of drift allowed) and a code is accepted once only, even
by several workers at once. Administrators' API tokens are single-use-table rows of purpose
``admin-api`` checked by expiry. Every sign-in, refusal and account change is in the audit log.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shortlist.domain.errors import Conflict, NotFound
from shortlist.errors import InputError, ShortlistError
from shortlist.service.clock import Clock
from shortlist.store.account_repositories import AdministratorRecord, Administrators, Tokens
from shortlist.store.database import UnitOfWork

ROLES = ("observer", "administrator", "owner")
ISSUER = "shortlist"
API_TOKEN = "admin-api"
_hasher = PasswordHasher()
_NOBODY = _hasher.hash("no such administrator")  # verified against when the name is unknown


class SignInRefused(ShortlistError):
    """A sign-in failed; the message never says which of name, password or code was wrong."""

    exit_code = 5


class NotAllowed(ShortlistError):
    """The signed-in administrator's role does not allow this act."""

    exit_code = 6


@dataclass(frozen=True)
class NewAdministrator:
    """What is shown once when an account is made: its password and TOTP secret."""

    name: str
    role: str
    password: str
    totp_secret: str
    provisioning_uri: str


def _check_name_and_role(name: str, role: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._@-]{1,200}", name):
        raise InputError(f"administrator name {name!r}: use letters, digits and . _ @ - only")
    if role not in ROLES:
        raise InputError(f"role {role!r}: choose one of {', '.join(ROLES)}")


def add_administrator(
    uow: UnitOfWork,
    name: str,
    role: str,
    clock: Clock,
    actor: str,
    *,
    password: str | None = None,
    totp_secret: str | None = None,
) -> NewAdministrator:
    """Make an account; a password (and TOTP secret) is generated when not given."""
    _check_name_and_role(name, role)
    if password is not None and len(password) < 12:
        raise InputError("password: at least 12 characters")
    password = password or secrets.token_urlsafe(15)
    totp_secret = totp_secret or pyotp.random_base32()
    record = AdministratorRecord(name, role, _hasher.hash(password), totp_secret, 1, 0)
    if not Administrators(uow.connection).add(record, clock.now()):
        raise Conflict(f"administrator {name!r} already exists")
    uow.audit.write(clock.now(), actor, "administrator.add", name, detail={"role": role})
    uow.commit()
    uri = pyotp.TOTP(totp_secret).provisioning_uri(name=name, issuer_name=ISSUER)
    return NewAdministrator(name, role, password, totp_secret, uri)


def check_password(uow: UnitOfWork, name: str, password: str, clock: Clock) -> AdministratorRecord:
    """The first factor. Unknown names cost the same time as a wrong password."""
    record = Administrators(uow.connection).get(name)
    try:
        _hasher.verify(record.password_hash if record else _NOBODY, password)
    except (VerificationError, InvalidHashError):
        record = None
    if record is None:
        _refuse(uow, name, clock, "password")
    assert record is not None
    return record


def check_code(uow: UnitOfWork, name: str, code: str, clock: Clock) -> AdministratorRecord:
    """The second factor: a TOTP code of now (±1 step), never accepted twice."""
    accounts = Administrators(uow.connection)
    record = accounts.get(name)
    step = _matching_step(record.totp_secret, code, clock) if record else None
    if record is None or step is None or not accounts.use_totp_step(name, step):
        _refuse(uow, name, clock, "code")
    assert record is not None
    uow.audit.write(clock.now(), name, "administrator.sign-in", name)
    uow.commit()
    return record


def _matching_step(secret: str, code: str, clock: Clock) -> int | None:
    code = code.strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    now = clock.now().timestamp()
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _refuse(uow: UnitOfWork, name: str, clock: Clock, factor: str) -> None:
    uow.audit.write(clock.now(), name[:200], "administrator.sign-in-refused", name[:300], factor)
    uow.commit()
    raise SignInRefused("the name, password or code is not right")


def current(uow: UnitOfWork, name: str, version: int) -> AdministratorRecord | None:
    """The account of a session, if it still exists and its sessions were not ended."""
    record = Administrators(uow.connection).get(name)
    return record if record is not None and record.session_version == version else None


def require(record: AdministratorRecord, needed: str) -> None:
    """Refuse (:class:`NotAllowed`) an act needing a higher role than the account's."""
    if ROLES.index(record.role) < ROLES.index(needed):
        raise NotAllowed(f"{record.name} is {_a(record.role)}; this needs {_a(needed)}")


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"


def issue_api_token(uow: UnitOfWork, name: str, clock: Clock, actor: str, days: int = 30) -> str:
    """A bearer token for the REST API acting as ``name`` (shown once; stored as a digest)."""
    if Administrators(uow.connection).get(name) is None:
        raise NotFound(f"no administrator {name!r}")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    Tokens(uow.connection).add(token, API_TOKEN, name, now, now + timedelta(days=days))
    uow.audit.write(now, actor, "administrator.api-token", name, detail={"days": days})
    uow.commit()
    return token


def by_api_token(uow: UnitOfWork, token: str, clock: Clock) -> AdministratorRecord | None:
    record = Tokens(uow.connection).get(token)
    if record is None or record.purpose != API_TOKEN or record.expires_at <= clock.now():
        return None
    return Administrators(uow.connection).get(record.subject)


def end_sessions(uow: UnitOfWork, name: str, clock: Clock, actor: str) -> None:
    """Sign ``name`` out everywhere: every session and every API token of the account."""
    Administrators(uow.connection).end_sessions(name)
    Tokens(uow.connection).expire_all(API_TOKEN, name, clock.now())
    uow.audit.write(clock.now(), actor, "administrator.end-sessions", name)
    uow.commit()
