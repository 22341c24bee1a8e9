"""The admin password hash and the API's credentials (browser sessions, bearer tokens)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from deeplens.adapters.postgres import Conn, Row, fetch_one

CredentialKind = Literal["session", "token"]


def stored_password_hash(conn: Conn) -> str | None:
    row = fetch_one(conn, "SELECT password_hash FROM api_admin WHERE id = 1", {})
    return str(row["password_hash"]) if row else None


def store_password_hash_once(conn: Conn, password_hash: str) -> bool:
    """Keep `password_hash` unless one is stored already; True when this call stored it."""
    sql = """
    INSERT INTO api_admin (id, password_hash) VALUES (1, %(hash)s)
    ON CONFLICT (id) DO NOTHING RETURNING id
    """
    return fetch_one(conn, sql, {"hash": password_hash}) is not None


def add_credential(
    conn: Conn,
    kind: CredentialKind,
    secret_hash: bytes,
    name: str | None,
    expires_at: datetime | None,
    *,
    accounts: list[str] | None = None,
) -> Row:
    """`accounts`: the only accounts a token may use (None: every account)."""
    sql = """
    INSERT INTO api_credentials (id, kind, name, secret_hash, expires_at, accounts)
    VALUES (%(id)s, %(kind)s, %(name)s, %(hash)s, %(expires)s, %(accounts)s)
    RETURNING id, kind, name, created_at, expires_at, accounts
    """
    params = {
        "id": uuid.uuid4(), "kind": kind, "name": name, "hash": secret_hash, "expires": expires_at,
        "accounts": accounts,
    }  # fmt: skip
    row = fetch_one(conn, sql, params)
    assert row is not None  # INSERT … RETURNING always returns the row
    return row


def find_credential(conn: Conn, secret_hash: bytes) -> Row | None:
    """The live credential with this secret hash (expired ones are ignored)."""
    sql = """
    SELECT id, kind, name, expires_at, accounts FROM api_credentials
    WHERE secret_hash = %(hash)s AND (expires_at IS NULL OR expires_at > now())
    """
    return fetch_one(conn, sql, {"hash": secret_hash})


def delete_credential(conn: Conn, credential_id: uuid.UUID, kind: CredentialKind | None = None) -> bool:
    sql = "DELETE FROM api_credentials WHERE id = %(id)s AND (%(kind)s::text IS NULL OR kind = %(kind)s)"
    with conn.cursor() as cur:
        cur.execute(sql, {"id": credential_id, "kind": kind})
        return cur.rowcount > 0


def delete_expired(conn: Conn) -> int:
    with conn.cursor() as cur:
        cur.execute("DELETE FROM api_credentials WHERE expires_at <= now()")
        return cur.rowcount
