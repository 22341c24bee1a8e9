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
