"""The connector's few PostgreSQL statements: read `tracking_config`, upsert `connector_status`,
and the per-session advisory lock (two connectors on one account must never run)."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from deeplens_connector.tracking import ChatPolicy

_STATUS_COLUMNS = (
    "state", "detail", "qr_code", "qr_expires_at", "pair_code", "pair_code_expires_at", "account_jid",
    "history_progress",
)  # fmt: skip


def make_pool(url: str) -> ConnectionPool[Any]:
    return ConnectionPool(
        url, min_size=0, max_size=2, timeout=5, kwargs={"connect_timeout": 5}, open=True, name="connector"
    )


def fetch_policy(pool: ConnectionPool[Any], session: str, jid: str) -> ChatPolicy | None:
    sql = (
        "SELECT is_tracked, auto_download_media FROM tracking_config"
        " WHERE session_id = %(session)s AND jid = %(jid)s"
    )
    with pool.connection() as conn:
        row = conn.execute(sql, {"session": session, "jid": jid}).fetchone()
    return None if row is None else ChatPolicy(bool(row[0]), bool(row[1]))


def fetch_policies(pool: ConnectionPool[Any], session: str, jids: list[str]) -> dict[str, ChatPolicy]:
    """The `tracking_config` rows of many chats in one query (jids without a row are left out)."""
    sql = (
        "SELECT jid, is_tracked, auto_download_media FROM tracking_config"
        " WHERE session_id = %(session)s AND jid = ANY(%(jids)s)"
    )
    with pool.connection() as conn:
        rows = conn.execute(sql, {"session": session, "jids": jids}).fetchall()
    return {str(row[0]): ChatPolicy(bool(row[1]), bool(row[2])) for row in rows}


def upsert_status(pool: ConnectionPool[Any], session: str, status: dict[str, Any]) -> None:
    columns = ", ".join(_STATUS_COLUMNS)
    values = ", ".join(f"%({c})s" for c in _STATUS_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _STATUS_COLUMNS)
    sql = (
        f"INSERT INTO connector_status (session_id, {columns}, updated_at)"
        f" VALUES (%(session)s, {values}, now())"
        f" ON CONFLICT (session_id) DO UPDATE SET {updates}, updated_at = now()"
    )
    with pool.connection() as conn:
        conn.execute(sql, {"session": session, **{c: status.get(c) for c in _STATUS_COLUMNS}})


def read_status(url: str, session: str) -> dict[str, Any] | None:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute("SELECT * FROM connector_status WHERE session_id = %s", (session,)).fetchone()


class SessionBusy(Exception):
    """Another connector holds this account's lock."""


def lock_id(session: str) -> int:
    """A stable signed 64-bit advisory-lock key for one account."""
    digest = hashlib.sha256(f"deeplens-connector:{session}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SessionLock:
    """A session-level advisory lock held on its own connection for the life of the process; the
    server releases it when the process dies (the connection closes), so a crash never wedges it."""

    def __init__(self, url: str, session: str) -> None:
        self._conn = psycopg.connect(
            url, autocommit=True, connect_timeout=5, application_name="deeplens-lock"
        )
        held = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_id(session),)).fetchone()
        if not held or not held[0]:
            self._conn.close()
            raise SessionBusy(f"another connector already runs for session {session!r}")

    def release(self) -> None:
        if not self._conn.closed:
            self._conn.close()
