"""Read queries for status posts (stories): the messages of `status@broadcast`, newest first."""

from __future__ import annotations

from typing import Any

from deeplens.adapters.message_queries import MESSAGE_COLUMNS, MESSAGE_JOINS, MessageKey
from deeplens.adapters.postgres import Conn, Row, fetch_all

STATUS_JID = "status@broadcast"


def page_status_posts(conn: Conn, session: str, *, limit: int, before: MessageKey | None) -> list[Row]:
    """Up to `limit` status posts older than `before` (the newest when None), newest first, each
    with its author's name and media (the message page's columns)."""
    condition = 'AND ("timestamp", id) < (%(ts)s, %(id)s)' if before is not None else ""
    sql = f"""
    WITH page AS (
        SELECT * FROM messages
        WHERE session_id = %(session)s AND chat_jid = %(chat)s {condition}
        ORDER BY "timestamp" DESC, id DESC LIMIT %(limit)s
    )
    SELECT {MESSAGE_COLUMNS} FROM page m {MESSAGE_JOINS}
    ORDER BY m."timestamp" DESC, m.id DESC
    """
    params: dict[str, Any] = {"session": session, "chat": STATUS_JID, "limit": limit}
    if before is not None:
        params.update(ts=before[0], id=before[1])
    return fetch_all(conn, sql, params)
