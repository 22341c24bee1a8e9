"""The admin login, browser sessions and bearer tokens.

The admin password comes from ADMIN_PASSWORD_HASH, else ADMIN_PASSWORD, else the hash stored in
`api_admin` (generated on the first local start). Sessions and tokens are 256-bit random secrets;
only their SHA-256 is stored. Login attempts are counted per client address in Redis.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from deeplens.adapters import auth_store
from deeplens.adapters.postgres import pooled
from deeplens.domain.errors import ConfigurationError, NotFound, RateLimited, TransientError, Unauthorized
from deeplens.services.api import ApiDeps

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SCRYPT_MAXMEM = 64 * 1024 * 1024


@dataclass(frozen=True)
class Principal:
    credential_id: uuid.UUID
    kind: str
    accounts: tuple[str, ...] | None = None  # a token limited to these accounts; None: every one


@dataclass(frozen=True)
class Issued:
    secret: str
    credential: dict[str, Any]


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=_SCRYPT_MAXMEM, dklen=32, **_SCRYPT)
    params = f"{_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}"
    return f"scrypt${params}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        _, n, r, p, salt, expected = encoded.split("$")
        digest = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            maxmem=_SCRYPT_MAXMEM, dklen=len(base64.b64decode(expected)),
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def generate_password() -> str:
    return secrets.token_urlsafe(18)  # 144 bits


def ensure_admin_password(deps: ApiDeps) -> str | None:
    """When no admin password is configured or stored: generate one, store only its hash, and
    return it (to be shown once). None when one exists already."""
    if deps.settings.admin_password or deps.settings.admin_password_hash:
        return None
    with pooled(deps.pool) as conn:
        if auth_store.stored_password_hash(conn) is not None:
            return None
        password = generate_password()
        return password if auth_store.store_password_hash_once(conn, hash_password(password)) else None


def _password_matches(deps: ApiDeps, password: str) -> bool:
    settings = deps.settings
    if settings.admin_password_hash:
        return verify_password(password, settings.admin_password_hash.get_secret_value())
    if settings.admin_password:
        expected = hashlib.sha256(settings.admin_password.get_secret_value().encode()).digest()
        return hmac.compare_digest(hashlib.sha256(password.encode()).digest(), expected)
    with pooled(deps.pool) as conn:
        stored = auth_store.stored_password_hash(conn)
    if stored is None:
        raise ConfigurationError("no admin password: set ADMIN_PASSWORD or start the local API once")
    return verify_password(password, stored)


def login(deps: ApiDeps, password: str, client: str) -> Issued:
    """A new browser session for the admin; counts the attempt against the client's budget.

    Fails closed: without Redis no attempt can be counted, so none is checked (TransientError, a
    503); sessions and tokens already issued keep working (they live in PostgreSQL)."""
    key = f"login_attempts:{client}"
    attempts, window_left = deps.cache.hit_counter(key, deps.settings.login_window_seconds)
    if attempts > deps.settings.login_max_attempts:
        raise RateLimited("too many login attempts; wait and try again", window_left)
    if not _password_matches(deps, password):
        raise Unauthorized("wrong password", "password")
    with suppress(TransientError):  # the counter then runs out with its window
        deps.cache.delete(key)
    expires = datetime.now(UTC) + timedelta(seconds=deps.settings.session_ttl_seconds)
    return _issue(deps, "session", None, expires)


def create_token(
    deps: ApiDeps, name: str, expires_in_days: int | None, accounts: list[str] | None = None
) -> Issued:
    """A bearer token; `accounts` limits it to those accounts (each must exist)."""
    expires = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    return _issue(deps, "token", name, expires, accounts)


def _issue(
    deps: ApiDeps,
    kind: auth_store.CredentialKind,
    name: str | None,
    expires: datetime | None,
    accounts: list[str] | None = None,
) -> Issued:
    secret = secrets.token_urlsafe(32)
    with pooled(deps.pool) as conn:
        row = auth_store.add_credential(conn, kind, _secret_hash(secret), name, expires, accounts=accounts)
    return Issued(secret, row)


def recently_verified(deps: ApiDeps, secret: str | None) -> Principal | None:
    """The principal of a credential this process verified a moment ago (no I/O), else None."""
    if not secret:
        return None
    known = deps.recent.get(_secret_hash(secret))
    return Principal(*known) if known else None


def authenticate(deps: ApiDeps, secret: str | None) -> Principal:
    if not secret:
        raise Unauthorized("log in, or send a bearer token")
    secret_hash = _secret_hash(secret)
    with pooled(deps.pool) as conn:
        row = auth_store.find_credential(conn, secret_hash)
    if row is None:
        raise Unauthorized("the session or token is unknown, revoked or expired")
    accounts = tuple(row["accounts"]) if row["accounts"] is not None else None
    deps.recent.put(secret_hash, (row["id"], row["kind"], accounts))
    return Principal(row["id"], row["kind"], accounts)


def logout(deps: ApiDeps, principal: Principal) -> None:
    """Ends the credential the request came with (the browser session, or the token)."""
    with pooled(deps.pool) as conn:
        auth_store.delete_credential(conn, principal.credential_id)
        auth_store.delete_expired(conn)
    deps.recent.forget(principal.credential_id)


def revoke_token(deps: ApiDeps, token_id: uuid.UUID) -> None:
    with pooled(deps.pool) as conn:
        if not auth_store.delete_credential(conn, token_id, "token"):
            raise NotFound(f"no token {token_id}", "token_id")
    deps.recent.forget(token_id)


def _secret_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()
