"""The `accounts` table (migration 0015) and what deleting one account touches: its rows in every
archive table that carries `session_id`, and its whatsmeow device in the session store database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from deeplens.adapters.postgres import Conn, Row, fetch_all, fetch_one
from deeplens.domain.errors import TransientError

_COLUMNS = (
    "a.id, a.display_name, a.phone, a.account_jid, a.state, a.track_groups, a.track_private,"
    " a.created_at, a.updated_at,"
    # per-account failure accounting: batches ingest refused and that were not applied since
    " (SELECT count(*) FROM ingest_rejections r WHERE r.session_id = a.id AND NOT EXISTS"
    "  (SELECT 1 FROM applied_batches b WHERE b.session_id = r.session_id AND b.batch_key = r.batch_key))"
    " AS rejected_batches"
)
EDITABLE = ("display_name", "state", "track_groups", "track_private")


def list_accounts(conn: Conn) -> list[Row]:
    return fetch_all(conn, f"SELECT {_COLUMNS} FROM accounts a ORDER BY a.created_at, a.id", {})


def account_ids(conn: Conn) -> list[str]:
    return [str(row["id"]) for row in fetch_all(conn, "SELECT id FROM accounts ORDER BY created_at, id", {})]


def get_account(conn: Conn, account: str) -> Row | None:
    return fetch_one(conn, f"SELECT {_COLUMNS} FROM accounts a WHERE a.id = %(id)s", {"id": account})


def seed_account(conn: Conn, account: str) -> bool:
    """The first account of a fresh installation (SESSION_ID); nothing when any account exists."""
    row = fetch_one(
        conn,
        "INSERT INTO accounts (id, display_name) SELECT %(id)s::text, %(id)s::text"
        " WHERE NOT EXISTS (SELECT 1 FROM accounts) ON CONFLICT (id) DO NOTHING RETURNING id",
        {"id": account},
    )
    if row is not None:
        _paired_already(conn, account)
    return row is not None


def add_account(conn: Conn, account: str, display_name: str, defaults: dict[str, bool | None]) -> Row | None:
    """The new account; None when the id is taken."""
    row = fetch_one(
        conn,
        "INSERT INTO accounts (id, display_name, track_groups, track_private)"
        " VALUES (%(id)s, %(name)s, %(groups)s, %(private)s) ON CONFLICT (id) DO NOTHING RETURNING id",
        {"id": account, "name": display_name, "groups": defaults.get("track_groups"),
         "private": defaults.get("track_private")},
    )  # fmt: skip
    if row is None:
        return None
    _paired_already(conn, account)
    return get_account(conn, account)


def _paired_already(conn: Conn, account: str) -> None:
    """A connector that paired under this id before the account row existed (the trigger of
    migration 0015 fills later pairings): its number, from connector_status."""
    conn.execute(
        "UPDATE accounts a SET account_jid = s.account_jid,"
        " phone = nullif(split_part(split_part(s.account_jid, '@', 1), ':', 1), '')"
        " FROM connector_status s WHERE a.id = %s AND s.session_id = a.id AND s.account_jid IS NOT NULL",
        (account,),
    )


def update_account(conn: Conn, account: str, changes: dict[str, Any]) -> Row | None:
    """Set the given EDITABLE columns; None when there is no such account."""
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in changes
    )
    query = sql.SQL("UPDATE accounts SET {}, updated_at = now() WHERE id = %(id)s RETURNING id").format(
        assignments
    )
    with conn.cursor() as cur:
        cur.execute(query, {**changes, "id": account})
        if cur.fetchone() is None:
            return None
    return get_account(conn, account)


def session_tables(conn: Conn) -> list[str]:
    """Every table of the archive with a `session_id` column (found, not listed: a table added by a
    later migration is covered too); `messages` before `chats` (its foreign key)."""
    rows = fetch_all(
        conn,
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = 'session_id' ORDER BY table_name",
        {},
    )
    names = [str(row["table_name"]) for row in rows]
    return sorted(names, key=lambda name: name == "chats")


def count_rows(conn: Conn, tables: list[str], account: str) -> dict[str, int]:
    counts = {}
    for table in tables:
        query = sql.SQL("SELECT count(*) AS n FROM {} WHERE session_id = %(id)s").format(
            sql.Identifier(table)
        )
        row = fetch_one(conn, query.as_string(conn), {"id": account})
        counts[table] = int(row["n"]) if row else 0
    return counts


def delete_rows(conn: Conn, tables: list[str], account: str) -> dict[str, int]:
    deleted = {}
    for table in tables:
        query = sql.SQL("DELETE FROM {} WHERE session_id = %(id)s").format(sql.Identifier(table))
        with conn.cursor() as cur:
            cur.execute(query, {"id": account})
            deleted[table] = cur.rowcount
    return deleted


def delete_account_row(conn: Conn, account: str) -> None:
    conn.execute("DELETE FROM accounts WHERE id = %s", (account,))


def media_keys(conn: Conn, account: str) -> list[str]:
    """The bucket keys of this account's media no other account's rows point to (the media key has
    no account in it: two accounts in one group can share an object)."""
    rows = fetch_all(
        conn,
        "SELECT DISTINCT m.bucket_key FROM media m"
        " WHERE m.session_id = %(id)s AND m.bucket_key IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM media o WHERE o.bucket_key = m.bucket_key AND o.session_id <> m.session_id)",
        {"id": account},
    )
    return [str(row["bucket_key"]) for row in rows]


# -- the session store (whatsmeow's own database) -------------------------------------------------


@contextmanager
def session_store_locked(url: str, lock_key: int) -> Iterator[tuple[Conn | None, bool]]:
    """A connection to the session store and whether it got the connector's per-account advisory
    lock (held until the connection closes, at the end of the block: no connector starts meanwhile).
    (None, True) when the account's store database was never created (its connector never ran)."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5, application_name="deeplens-accounts")
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            yield None, True
            return
        raise TransientError(f"session store unavailable: {type(error).__name__}") from error
    with conn:
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key,)).fetchone()
        yield conn, bool(row and row[0])


def store_devices(conn: Conn, account_jid: str | None) -> list[str]:
    """The whatsmeow device JIDs (`user:device@server`) of the account's phone number."""
    if not account_jid or not _has_table(conn, "whatsmeow_device"):
        return []
    user, _, server = account_jid.partition("@")
    rows = fetch_all(
        conn,
        "SELECT jid FROM whatsmeow_device WHERE split_part(split_part(jid, '@', 1), ':', 1) = %(user)s"
        " AND split_part(jid, '@', 2) = %(server)s",
        {"user": user.split(":", 1)[0], "server": server},
    )
    return [str(row["jid"]) for row in rows]


def _device_columns(conn: Conn) -> list[Row]:
    """whatsmeow's tables with the column naming the device: `our_jid`, and the device row last."""
    rows = fetch_all(
        conn,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name LIKE 'whatsmeow%%' AND (column_name = 'our_jid'"
        " OR (table_name = 'whatsmeow_device' AND column_name = 'jid')) ORDER BY table_name",
        {},
    )
    return sorted(rows, key=lambda row: row["table_name"] == "whatsmeow_device")


def store_counts(conn: Conn, devices: list[str]) -> dict[str, int]:
    """Rows per whatsmeow table that belong to these devices (`jid` or `our_jid`)."""
    if not devices:
        return {}
    counts = {}
    for row in _device_columns(conn):
        query = sql.SQL("SELECT count(*) AS n FROM {} WHERE {} = ANY(%(devices)s)").format(
            sql.Identifier(row["table_name"]), sql.Identifier(row["column_name"])
        )
        found = fetch_one(conn, query.as_string(conn), {"devices": devices})
        counts[str(row["table_name"])] = int(found["n"]) if found else 0
    return counts


def delete_devices(conn: Conn, devices: list[str]) -> None:
    """Every whatsmeow row of these devices, the device row last (most tables also reference it ON
    DELETE CASCADE; deleting each explicitly covers any that does not)."""
    for row in _device_columns(conn) if devices else []:
        query = sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
            sql.Identifier(row["table_name"]), sql.Identifier(row["column_name"])
        )
        conn.execute(query, (devices,))


def _has_table(conn: Conn, name: str) -> bool:
    row = fetch_one(conn, "SELECT to_regclass(%(name)s) IS NOT NULL AS found", {"name": name})
    return bool(row and row["found"])
