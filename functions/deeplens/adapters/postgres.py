"""PostgreSQL plumbing every query module shares: the connection and row types, fetching rows as
dicts, a LIKE pattern, a pooled connection whose outage is a TransientError, the health round trip.

Nothing here knows a table: the archive's queries live in `archive_queries` and its siblings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from deeplens.domain.errors import TransientError

Conn = psycopg.Connection[Any]
Row = dict[str, Any]


def fetch_all(conn: Conn, sql: str, params: dict[str, Any], *, prepare: bool | None = None) -> list[Row]:
    """`prepare=False` for a statement whose best plan depends on its values: psycopg would otherwise
    prepare it after a few runs and PostgreSQL may then keep one generic plan for every value."""
    with conn.cursor(row_factory=dict_row) as cur:
        return list(cur.execute(sql, params, prepare=prepare).fetchall())


def fetch_one(conn: Conn, sql: str, params: dict[str, Any]) -> Row | None:
    found = fetch_all(conn, sql, params)
    return found[0] if found else None


def like_pattern(text: str) -> str:
    """`%text%` for LIKE, with LIKE's own wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@contextmanager
def pooled(pool: ConnectionPool[Any]) -> Iterator[Conn]:
    """A pooled connection (committed on success); an unreachable database is a TransientError."""
    try:
        with pool.connection() as conn:
            yield conn
    except (psycopg.OperationalError, PoolTimeout) as error:
        raise TransientError(f"PostgreSQL unavailable: {type(error).__name__}") from error


def ping(conn: Conn) -> None:
    """The health check's round trip."""
    conn.execute("SELECT 1")
