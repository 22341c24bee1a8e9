"""Accounts (issue #15): the rules for an account id and the connector's per-account lock key."""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from deeplens.domain.errors import InvalidRequest

AccountState = Literal["active", "paused"]
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")  # the same rule as SESSION_ID (settings.py)


def account_id(raw: str, field: str = "id") -> str:
    """An account id from a request; InvalidRequest naming `field` otherwise."""
    if not ACCOUNT_ID.match(raw):
        raise InvalidRequest("an account id is 1-128 letters, digits, '_', '.' or '-'", field)
    return raw


def connector_lock_key(account: str) -> int:
    """The advisory-lock key a connector holds on the session store database for the life of its
    process (connector/deeplens_connector/archive_db.lock_id computes the same)."""
    digest = hashlib.sha256(f"deeplens-connector:{account}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def session_store_url(base_url: str, account: str, primary: str) -> str:
    """The whatsmeow session store of one account: SESSION_STORE_URL itself for the primary account
    (SESSION_ID: the store an installation with one account always had), else a database of its
    own beside it (`{database}_{slug}_{hash}`), so each store holds exactly one device and the
    connector's neonize client resumes it as it always did (docs/decisions.md, connectors per account)."""
    if account == primary:
        return base_url
    head, sep, query = base_url.partition("?")
    prefix, _, database = head.rpartition("/")
    return f"{prefix}/{store_database(database, account)}{sep}{query}"


def store_database(base_database: str, account: str) -> str:
    """A PostgreSQL database name (<= 63 bytes, lower case) for `account`'s session store."""
    slug = re.sub(r"[^a-z0-9]+", "_", account.lower()).strip("_")[:24]
    digest = hashlib.sha256(account.encode()).hexdigest()[:8]
    return f"{base_database[:24]}_{slug}_{digest}"
