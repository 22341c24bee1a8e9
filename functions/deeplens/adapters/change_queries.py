"""Read queries of live updates: the messages a change named, in the shape message pages have."""

from __future__ import annotations

from deeplens.adapters.message_queries import MESSAGE_COLUMNS, MESSAGE_JOINS
from deeplens.adapters.postgres import Conn, Row, fetch_all


def messages_by_id(conn: Conn, session: str, chat: str, ids: list[str]) -> list[Row]:
    """These messages of one chat (those archived), oldest first."""
    sql = f"""
    SELECT {MESSAGE_COLUMNS}
    FROM messages m {MESSAGE_JOINS}
    WHERE m.session_id = %(session)s AND m.chat_jid = %(chat)s AND m.id = ANY(%(ids)s)
    ORDER BY m."timestamp", m.id
    """
    return fetch_all(conn, sql, {"session": session, "chat": chat, "ids": ids})
