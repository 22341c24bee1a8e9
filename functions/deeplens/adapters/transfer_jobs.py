"""Rows of `transfer_jobs`: the import and export jobs of the web UI (migration 0011)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg.types.json import Jsonb

from deeplens.adapters.postgres import Conn, fetch_one

JobKind = Literal["import", "export"]
_COLUMNS = (
    "id, kind, state, request, progress, result, error, object_key, created_at, updated_at, heartbeat_at"
)


@dataclass(frozen=True)
class JobRow:
    id: uuid.UUID
    kind: JobKind
    state: str
    request: dict[str, Any]
    progress: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    object_key: str | None
    created_at: datetime
    updated_at: datetime
    heartbeat_at: datetime | None


def _row(row: dict[str, Any] | None) -> JobRow | None:
    return None if row is None else JobRow(**row)


def insert(
    conn: Conn, session: str, kind: JobKind, state: str, request: dict[str, Any], *,
    object_key: str | None, job_id: uuid.UUID | None = None,
) -> JobRow:  # fmt: skip
    sql = f"""
    INSERT INTO transfer_jobs (id, session_id, kind, state, request, object_key)
    VALUES (%(id)s, %(session)s, %(kind)s, %(state)s, %(request)s, %(key)s)
    RETURNING {_COLUMNS}
    """
    params = {"id": job_id or uuid.uuid4(), "session": session, "kind": kind, "state": state,
              "request": Jsonb(request), "key": object_key}  # fmt: skip
    job = _row(fetch_one(conn, sql, params))
    assert job is not None
    return job


def get(conn: Conn, session: str, kind: JobKind, job_id: uuid.UUID) -> JobRow | None:
    sql = f"""
    SELECT {_COLUMNS} FROM transfer_jobs
    WHERE id = %(id)s AND session_id = %(session)s AND kind = %(kind)s
    """
    return _row(fetch_one(conn, sql, {"id": job_id, "session": session, "kind": kind}))


def active(conn: Conn, session: str, kind: JobKind, states: tuple[str, ...]) -> JobRow | None:
    """The newest job of the kind in one of `states` (a running one), if any."""
    sql = f"""
    SELECT {_COLUMNS} FROM transfer_jobs
    WHERE session_id = %(session)s AND kind = %(kind)s AND state = ANY(%(states)s)
    ORDER BY created_at DESC LIMIT 1
    """
    return _row(fetch_one(conn, sql, {"session": session, "kind": kind, "states": list(states)}))


def move(
    conn: Conn,
    job_id: uuid.UUID,
    state: str,
    *,
    expected: tuple[str, ...] | None = None,
    progress: dict[str, Any] | None = None,
    result: dict[str, Any] | None = None,
    error: str | None = None,
    beat: bool = False,
) -> bool:
    """Sets the state (and what is given); with `expected`, only from one of those states.
    True when the row changed."""
    sql = """
    UPDATE transfer_jobs SET state = %(state)s, updated_at = now(),
        progress = COALESCE(%(progress)s, progress), result = COALESCE(%(result)s, result),
        error = COALESCE(%(error)s, error),
        heartbeat_at = CASE WHEN %(beat)s THEN now() ELSE heartbeat_at END
    WHERE id = %(id)s AND (%(expected)s::text[] IS NULL OR state = ANY(%(expected)s::text[]))
    """
    params = {
        "id": job_id,
        "state": state,
        "expected": list(expected) if expected is not None else None,
        "progress": Jsonb(progress) if progress is not None else None,
        "result": Jsonb(result) if result is not None else None,
        "error": error,
        "beat": beat,
    }
    return conn.execute(sql, params).rowcount == 1


def report(conn: Conn, job_id: uuid.UUID, progress: dict[str, Any]) -> None:
    """Progress of a running job (also its heartbeat)."""
    conn.execute(
        "UPDATE transfer_jobs SET progress = %s, updated_at = now(), heartbeat_at = now() WHERE id = %s",
        (Jsonb(progress), job_id),
    )


def beat(conn: Conn, job_ids: list[uuid.UUID]) -> None:
    conn.execute("UPDATE transfer_jobs SET heartbeat_at = now() WHERE id = ANY(%s)", (job_ids,))
