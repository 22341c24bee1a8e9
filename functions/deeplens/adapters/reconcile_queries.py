"""What reconcile reads and keeps in PostgreSQL: which listed batches are applied or rejected, and
its watermark per session (reconcile_state, migration 0009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg

Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class WatermarkState:
    """`settled_through`: every batch of that UTC day and before is applied or rejected.
    `resume_after`: the key a bounded run stopped at (the pass goes on from there).
    `pass_unsettled`: the first day of the current pass with a batch still outstanding."""

    settled_through: date | None = None
    resume_after: str | None = None
    pass_unsettled: date | None = None


def load_state(conn: Conn, session: str) -> WatermarkState:
    row = conn.execute(
        "SELECT settled_through, resume_after, pass_unsettled FROM reconcile_state WHERE session_id = %s",
        (session,),
    ).fetchone()
    return WatermarkState(*row) if row else WatermarkState()


def save_state(conn: Conn, session: str, state: WatermarkState) -> None:
    conn.execute(
        "INSERT INTO reconcile_state (session_id, settled_through, resume_after, pass_unsettled)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (session_id) DO UPDATE SET"
        " settled_through = EXCLUDED.settled_through, resume_after = EXCLUDED.resume_after,"
        " pass_unsettled = EXCLUDED.pass_unsettled, updated_at = now()",
        (session, state.settled_through, state.resume_after, state.pass_unsettled),
    )


def applied_among(conn: Conn, session: str, keys: list[str]) -> set[str]:
    """Which of `keys` ingest applied (one indexed lookup per listed page)."""
    rows = conn.execute(
        "SELECT batch_key FROM applied_batches WHERE session_id = %s AND batch_key = ANY(%s)", (session, keys)
    ).fetchall()
    return {row[0] for row in rows}


def tracked_chats(conn: Conn, session: str) -> set[str]:
    rows = conn.execute(
        "SELECT jid FROM tracking_config WHERE session_id = %s AND is_tracked", (session,)
    ).fetchall()
    return {row[0] for row in rows}


def rejected_among(conn: Conn, keys: list[str]) -> set[str]:
    """Which of `keys` ingest refused as poison (ingest_rejections is keyed by the batch key)."""
    rows = conn.execute(
        "SELECT rejection_key FROM ingest_rejections WHERE rejection_key = ANY(%s)", (keys,)
    ).fetchall()
    return {row[0] for row in rows}


def rejected_unapplied(conn: Conn, session: str, limit: int) -> list[str]:
    """Batch keys refused as poison and not applied since (what --include-rejected re-enqueues)."""
    rows = conn.execute(
        "SELECT r.batch_key FROM ingest_rejections r WHERE r.session_id = %s AND r.batch_key IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM applied_batches a"
        "  WHERE a.session_id = r.session_id AND a.batch_key = r.batch_key)"
        " ORDER BY r.batch_key LIMIT %s",
        (session, limit),
    ).fetchall()
    return [row[0] for row in rows]


def forget_applied_from(conn: Conn, session: str, first_key: str) -> None:
    conn.execute(
        "DELETE FROM applied_batches WHERE session_id = %s AND batch_key >= %s", (session, first_key)
    )
