"""The archive's revision and change log (tables of 0005_changes.sql).

Ingest calls `record` as the last step of the transaction that applies a batch: the revision row's
lock is then held only until the commit, and concurrent batches of one session get their revisions
in commit order. The API reads the revision (one primary-key look-up: the "nothing changed" answer)
and the entries after a client's revision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Connection

from deeplens.domain.changes import ChatChange

Conn = Connection[Any]

KEEP_REVISIONS = 2_000  # the log keeps the changes of this many revisions; an older cursor reloads
PRUNE_EVERY = 100  # revisions between two prunes (a prune deletes one range of the primary key)

_BUMP = """
INSERT INTO archive_revisions AS r (session_id, revision) VALUES (%s, 1)
ON CONFLICT (session_id) DO UPDATE SET revision = r.revision + 1, changed_at = now()
RETURNING revision
"""
_ENTRY = "INSERT INTO archive_changes (session_id, revision, chat_jid, message_ids) VALUES (%s, %s, %s, %s)"


@dataclass(frozen=True)
class Revision:
    current: int  # 0: nothing applied yet
    kept_from: int  # the oldest revision whose entries are still kept


def record(
    conn: Conn,
    session: str,
    changes: Sequence[ChatChange],
    *,
    keep: int = KEEP_REVISIONS,
    prune_every: int = PRUNE_EVERY,
) -> int | None:
    """Raise the session's revision and log what it touched; returns the new revision (None when
    the batch touched no chat: the revision stays)."""
    if not changes:
        return None
    row = conn.execute(_BUMP, (session,)).fetchone()
    assert row is not None
    revision = int(row[0])
    rows = [(session, revision, c.chat_jid, _ids(c.message_ids)) for c in changes]
    with conn.cursor() as cursor:
        cursor.executemany(_ENTRY, rows)  # one round trip (psycopg pipelines executemany)
    if revision % prune_every == 0 and revision > keep:
        _prune(conn, session, revision - keep + 1)
    return revision


def _ids(message_ids: tuple[str, ...] | None) -> list[str] | None:
    return None if message_ids is None else list(message_ids)


def _prune(conn: Conn, session: str, kept_from: int) -> None:
    conn.execute("DELETE FROM archive_changes WHERE session_id = %s AND revision < %s", (session, kept_from))
    conn.execute("UPDATE archive_revisions SET kept_from = %s WHERE session_id = %s", (kept_from, session))


def revision(conn: Conn, session: str) -> Revision:
    row = conn.execute(
        "SELECT revision, kept_from FROM archive_revisions WHERE session_id = %s", (session,)
    ).fetchone()
    return Revision(int(row[0]), int(row[1])) if row else Revision(0, 1)


def entries(
    conn: Conn, session: str, after: int, upto: int, *, max_chats: int, max_rows: int = 5_000
) -> list[tuple[str, list[str] | None]] | None:
    """(chat, message ids or None) of the revisions in (after, upto], oldest first; None when they
    touch more than `max_chats` chats or fill more than `max_rows` entries (the client reloads)."""
    rows = conn.execute(
        "SELECT chat_jid, message_ids FROM archive_changes"
        " WHERE session_id = %s AND revision > %s AND revision <= %s ORDER BY revision, chat_jid"
        " LIMIT %s",
        (session, after, upto, max_rows + 1),
    ).fetchall()
    if len(rows) > max_rows or len({row[0] for row in rows}) > max_chats:
        return None
    return [(str(chat), ids) for chat, ids in rows]
