"""Forward-only, numbered SQL migrations: `NNNN_name.sql`, applied once each, under a lock.

A file is applied in a transaction of its own (consecutive ones share one), unless its first line
is the marker `-- deeplens: no-transaction`: then it runs statement by statement outside any
transaction (what `CREATE INDEX CONCURRENTLY` needs), and is recorded once every statement has
succeeded. Such a file must be safe to run again after a partial failure (`IF NOT EXISTS`, and
`DROP INDEX CONCURRENTLY IF EXISTS` before a `CREATE INDEX CONCURRENTLY` that may have left an
invalid index behind).

The lock is a session-level advisory lock taken by polling `pg_try_advisory_lock`: a runner that
waits inside `pg_advisory_lock` holds a snapshot for as long as it waits, and `CREATE INDEX
CONCURRENTLY` in the other runner waits for every older snapshot to end, so the two would wait for
each other. A poll holds no snapshot between tries.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from deeplens.domain.errors import MigrationError

_FILENAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x646C6D67  # "dlmg": one advisory lock for every migration runner on this database
NO_TRANSACTION_MARKER = "-- deeplens: no-transaction"
LOCK_POLL_S = 0.5
Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    @property
    def transactional(self) -> bool:
        first_line = self.sql.lstrip().split("\n", 1)[0].strip()
        return first_line != NO_TRANSACTION_MARKER


def discover(directory: Path) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILENAME.match(path.name)
        if match is None:
            raise MigrationError(f"migration file name must be NNNN_name.sql: {path.name}")
        migrations.append(Migration(int(match[1]), match[2], path.read_text()))
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a number in {directory}")
    return migrations


def apply_migrations(
    dsn: str, directory: Path, *, lock_timeout_s: float = 900.0, on_wait: Callable[[], None] | None = None
) -> list[int]:
    """Apply every migration not yet recorded; returns the versions applied now.

    Waits up to `lock_timeout_s` for another runner (`on_wait` is called once when it has to)."""
    migrations = discover(directory)
    with psycopg.connect(dsn, autocommit=True) as conn:
        _acquire(conn, lock_timeout_s, on_wait)
        try:
            return _apply_pending(conn, migrations)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))


def _acquire(conn: Conn, timeout_s: float, on_wait: Callable[[], None] | None) -> None:
    deadline = time.monotonic() + timeout_s
    waited = False
    while not _try_lock(conn):
        if not waited and on_wait is not None:
            on_wait()
        waited = True
        if time.monotonic() >= deadline:
            raise MigrationError(f"another migration runner held the lock for over {timeout_s:.0f}s")
        time.sleep(LOCK_POLL_S)


def _try_lock(conn: Conn) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (_LOCK_KEY,)).fetchone()
    return bool(row and row[0])


def _apply_pending(conn: Conn, migrations: list[Migration]) -> list[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY,"
        " name text NOT NULL, checksum text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    rows = conn.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    done: dict[int, str] = {int(version): str(checksum) for version, checksum in rows}
    for migration in migrations:
        if migration.version in done:
            _check_unchanged(migration, done[migration.version])
    pending = [migration for migration in migrations if migration.version not in done]
    for group in _groups(pending):
        if group[0].transactional:
            with conn.transaction():
                for migration in group:
                    conn.execute(migration.sql.encode())
                    _record(conn, migration)
        else:
            _apply_outside_transaction(conn, group[0])
    return [migration.version for migration in pending]


def _groups(pending: list[Migration]) -> Iterator[list[Migration]]:
    """Runs of consecutive transactional migrations (one transaction each); a no-transaction
    migration is a group of its own."""
    group: list[Migration] = []
    for migration in pending:
        if not migration.transactional:
            if group:
                yield group
            yield [migration]
            group = []
        else:
            group.append(migration)
    if group:
        yield group


def _apply_outside_transaction(conn: Conn, migration: Migration) -> None:
    for number, statement in enumerate(split_statements(migration.sql), 1):
        try:
            conn.execute(statement.encode())
        except psycopg.Error as error:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name} (no-transaction), statement"
                f" {number}: {error}; it is not recorded, fix it and run again (statements must be"
                " safe to repeat)"
            ) from error
    _record(conn, migration)


def _record(conn: Conn, migration: Migration) -> None:
    conn.execute(
        "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
        (migration.version, migration.name, migration.checksum),
    )


def split_statements(sql: str) -> list[str]:
    """The statements of a SQL script, split on `;` outside quotes, comments and dollar quotes;
    empty statements (comments only) are dropped."""
    statements: list[str] = []
    start = index = 0
    while index < len(sql):
        skip = _quoted_end(sql, index)
        if skip is not None:
            index = skip
            continue
        if sql[index] == ";":
            statements.append(sql[start:index])
            start = index + 1
        index += 1
    statements.append(sql[start:])
    return [s.strip() for s in statements if _has_code(s)]


_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


def _quoted_end(sql: str, index: int) -> int | None:
    """When a quote, comment or dollar quote starts at `index`: the index just past its end."""
    char = sql[index]
    if sql.startswith("--", index):
        end = sql.find("\n", index)
        return len(sql) if end < 0 else end + 1
    if sql.startswith("/*", index):
        end = sql.find("*/", index + 2)
        return len(sql) if end < 0 else end + 2
    if char in "'\"":
        end = index + 1
        while end < len(sql):
            if sql[end] == char:
                if sql.startswith(char * 2, end):  # '' or "" inside: an escaped quote
                    end += 2
                    continue
                return end + 1
            end += 1
        return len(sql)
    if char == "$":
        match = _DOLLAR.match(sql, index)
        if match is not None and not (index > 0 and (sql[index - 1].isalnum() or sql[index - 1] == "_")):
            end = sql.find(match[0], match.end())
            return len(sql) if end < 0 else end + len(match[0])
    return None


def _has_code(statement: str) -> bool:
    without_comments = re.sub(r"--[^\n]*|/\*.*?\*/", "", statement, flags=re.S)
    return bool(without_comments.strip())


def _check_unchanged(migration: Migration, recorded: str) -> None:
    if recorded != migration.checksum:
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} changed after it was applied;"
            " add a new migration instead"
        )
