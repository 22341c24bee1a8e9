"""Read queries for messages: keyset pages in both directions, one message, its versions.

A page is picked from the (session_id, chat_jid, timestamp DESC, id DESC) index first, then each
row of the page gets its sender name, quoted message, reactions, version count, media and the
states (pinned, kept, starred) that are on.
"""

from __future__ import annotations

from typing import Any, Literal

from deeplens.adapters.people import contact_name, picture_join
from deeplens.adapters.postgres import Conn, Row, fetch_all, fetch_one
from deeplens.adapters.timeline_sql import TIMELINE_COLUMNS

MessageKey = tuple[int, str]  # ("timestamp", id)
Seek = Literal["older", "newer", "newer_or_same"]

MESSAGE_COLUMNS = f"""
m.chat_jid, m.id, m.sender_jid, m.sender_alt_jid, m.from_me,
{contact_name("ct", "m.push_name")} AS sender_name, spp.picture_id AS sender_picture_id,
m."timestamp", m.message_type, m.text_body, m.status, m.edited_at, m.deleted_at, m.deleted_by,
m.source, m.content, m.flags, m.forwarding_score, m.ephemeral_timer_s,
(SELECT jsonb_object_agg(s.state, s.changed_at) FROM message_states s
 WHERE s.session_id = m.session_id AND s.chat_jid = m.chat_jid AND s.message_id = m.id
   AND s.is_on) AS states,
m.quoted_id, q.sender_jid AS quoted_sender_jid, left(q.text_body, 200) AS quoted_text,
q.message_type AS quoted_type,
(SELECT count(*) FROM message_versions v
 WHERE v.session_id = m.session_id AND v.chat_jid = m.chat_jid AND v.message_id = m.id
   AND NOT v.is_original) AS versions_count,
(SELECT coalesce(jsonb_agg(jsonb_build_object('emoji', r.emoji, 'reactor_jid', r.reactor_jid,
                                              'reacted_at', r.reacted_at) ORDER BY r.reacted_at), '[]')
 FROM reactions r
 WHERE r.session_id = m.session_id AND r.chat_jid = m.chat_jid AND r.message_id = m.id
   AND r.emoji <> '') AS reactions,
CASE WHEN m.message_type = 'poll' THEN
  (SELECT coalesce(jsonb_agg(jsonb_build_object('voter_jid', pv.voter_jid,
                                                'selected_options', pv.selected_options,
                                                'voted_at', pv.voted_at) ORDER BY pv.voted_at), '[]')
   FROM poll_votes pv
   WHERE pv.session_id = m.session_id AND pv.chat_jid = m.chat_jid AND pv.message_id = m.id)
END AS poll_votes,
md.file_id, md.mime AS media_mime, md.size AS media_size, md.width AS media_width,
md.height AS media_height, md.duration_s AS media_duration_s, md.file_name AS media_file_name,
md.status AS media_status, md.thumbnail IS NOT NULL AS media_has_thumbnail,
{TIMELINE_COLUMNS}"""

MESSAGE_JOINS = f"""
LEFT JOIN contacts ct ON ct.session_id = m.session_id AND ct.jid = m.sender_jid
{picture_join("spp", "m.sender_jid", "m.session_id")}
LEFT JOIN messages q ON q.session_id = m.session_id AND q.chat_jid = m.chat_jid AND q.id = m.quoted_id
LEFT JOIN media md ON md.session_id = m.session_id AND md.file_id = m.file_id
"""

_SEEK = {
    "older": ('AND ("timestamp", id) < (%(ts)s, %(id)s)', "DESC"),
    "newer": ('AND ("timestamp", id) > (%(ts)s, %(id)s)', "ASC"),
    "newer_or_same": ('AND ("timestamp", id) >= (%(ts)s, %(id)s)', "ASC"),
}


def page_messages(
    conn: Conn, session: str, chat: str, limit: int, *, seek: Seek = "older", key: MessageKey | None = None
) -> list[Row]:
    """Up to `limit` messages next to `key` (the newest when None): older ones newest first, newer
    ones oldest first."""
    condition, direction = _SEEK[seek]
    if key is None:
        condition = ""
    sql = f"""
    WITH page AS (
        SELECT * FROM messages
        WHERE session_id = %(session)s AND chat_jid = %(chat)s {condition}
        ORDER BY "timestamp" {direction}, id {direction} LIMIT %(limit)s
    )
    SELECT {MESSAGE_COLUMNS} FROM page m {MESSAGE_JOINS}
    ORDER BY m."timestamp" {direction}, m.id {direction}
    """
    params: dict[str, Any] = {"session": session, "chat": chat, "limit": limit}
    if key is not None:
        params.update(ts=key[0], id=key[1])
    return fetch_all(conn, sql, params)


def message_key(conn: Conn, session: str, chat: str, message_id: str) -> MessageKey | None:
    sql = """
    SELECT "timestamp" FROM messages
    WHERE session_id = %(session)s AND chat_jid = %(chat)s AND id = %(id)s
    """
    row = fetch_one(conn, sql, {"session": session, "chat": chat, "id": message_id})
    return (int(row["timestamp"]), message_id) if row else None


def versions(conn: Conn, session: str, chat: str, message_id: str) -> list[Row]:
    """Every known version, oldest first (the original, when known, leads)."""
    sql = """
    SELECT edited_at, is_original, text_body FROM message_versions
    WHERE session_id = %(session)s AND chat_jid = %(chat)s AND message_id = %(id)s
    ORDER BY edited_at, is_original DESC
    """
    return fetch_all(conn, sql, {"session": session, "chat": chat, "id": message_id})


def current_text(conn: Conn, session: str, chat: str, message_id: str) -> Row | None:
    sql = """
    SELECT "timestamp", text_body FROM messages
    WHERE session_id = %(session)s AND chat_jid = %(chat)s AND id = %(id)s
    """
    return fetch_one(conn, sql, {"session": session, "chat": chat, "id": message_id})
