"""Read queries for calls: keyset pages, newest first, of every chat or one."""

from __future__ import annotations

from typing import Any

from deeplens.adapters.people import chat_title, contact_name
from deeplens.adapters.postgres import Conn, Row, fetch_all

CallKey = tuple[int, str]  # (started_at, call_id); a call without a start sorts as 0


def page_calls(
    conn: Conn, session: str, *, chat: str | None, limit: int, before: CallKey | None
) -> list[Row]:
    """Up to `limit` calls older than `before` (the newest when None), newest first."""
    conditions = ["k.session_id = %(session)s"]
    params: dict[str, Any] = {"session": session, "limit": limit}
    if chat is not None:
        conditions.append("k.chat_jid = %(chat)s")
        params["chat"] = chat
    if before is not None:
        conditions.append("(coalesce(k.started_at, 0), k.call_id) < (%(ts)s, %(id)s)")
        params.update(ts=before[0], id=before[1])
    sql = f"""
    SELECT k.call_id, k.chat_jid, {chat_title("c", "cc")} AS chat_name, k.caller_jid,
           {contact_name("ct")} AS caller_name, k.from_me, k.is_video, k.is_group,
           coalesce(k.started_at, 0) AS started_at, k.accepted_at, k.ended_at, k.end_reason, k.result,
           k.duration_s
    FROM calls k
    LEFT JOIN chats c ON c.session_id = k.session_id AND c.jid = k.chat_jid
    LEFT JOIN contacts ct ON ct.session_id = k.session_id AND ct.jid = k.caller_jid
    LEFT JOIN contacts cc ON cc.session_id = k.session_id AND cc.jid = k.chat_jid
    WHERE {" AND ".join(conditions)}
    ORDER BY coalesce(k.started_at, 0) DESC, k.call_id DESC LIMIT %(limit)s
    """
    return fetch_all(conn, sql, params)
