"""Reads for an export: the chats, and every message of a chat in time order, streamed.

Messages come through a server-side cursor (`itersize` rows per round trip), so a chat of any size
is read with flat memory; the caller holds one transaction (REPEATABLE READ, read only: every pass
over a chat sees the same snapshot, see `export_connection`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import IsolationLevel
from psycopg.rows import dict_row

from deeplens.adapters.people import chat_title, contact_name
from deeplens.adapters.postgres import Conn, Row, fetch_all
from deeplens.domain.errors import TransientError

ITERSIZE = 2000
_NAME = contact_name("{t}")  # WhatsApp's order (domain/names.py)
_TITLE = chat_title("c", "ct")

_MESSAGE_SELECT = f"""
SELECT m.id, m.sender_jid, m.from_me, {contact_name("ct", "m.push_name")} AS sender_name,
       m."timestamp", m.message_type, m.text_body, m.edited_at, m.deleted_at,
       CASE WHEN m.message_type IN ('poll', 'system', 'call') THEN m.content END AS content,
       m.quoted_id, q.sender_jid AS quoted_sender_jid, q.from_me AS quoted_from_me,
       {contact_name("qc", "q.push_name")} AS quoted_sender_name,
       left(q.text_body, 300) AS quoted_text, q.message_type AS quoted_type,
       CASE WHEN m.edited_at IS NOT NULL THEN
         (SELECT jsonb_agg(jsonb_build_object('edited_at', v.edited_at, 'is_original', v.is_original,
                                              'text_body', v.text_body)
                           ORDER BY v.edited_at, v.is_original DESC)
          FROM message_versions v
          WHERE v.session_id = m.session_id AND v.chat_jid = m.chat_jid AND v.message_id = m.id)
       END AS versions,
       (SELECT jsonb_agg(jsonb_build_object('emoji', r.emoji, 'reactor_jid', r.reactor_jid,
                                            'reactor_name', {_NAME.format(t="rc")},
                                            'reacted_at', r.reacted_at) ORDER BY r.reacted_at)
        FROM reactions r
        LEFT JOIN contacts rc ON rc.session_id = r.session_id AND rc.jid = r.reactor_jid
        WHERE r.session_id = m.session_id AND r.chat_jid = m.chat_jid AND r.message_id = m.id
          AND r.emoji <> '') AS reactions,
       CASE WHEN m.message_type = 'poll' THEN
         (SELECT jsonb_agg(jsonb_build_object('voter_jid', pv.voter_jid, 'voter_name', {_NAME.format(t="vc")},
                                              'selected_options', pv.selected_options,
                                              'voted_at', pv.voted_at) ORDER BY pv.voted_at)
          FROM poll_votes pv
          LEFT JOIN contacts vc ON vc.session_id = pv.session_id AND vc.jid = pv.voter_jid
          WHERE pv.session_id = m.session_id AND pv.chat_jid = m.chat_jid AND pv.message_id = m.id)
       END AS poll_votes,
       md.file_id, md.mime AS media_mime, md.size AS media_size, md.width AS media_width,
       md.height AS media_height, md.duration_s AS media_duration_s, md.file_name AS media_file_name,
       md.status AS media_status, md.bucket_key AS media_bucket_key
FROM messages m
LEFT JOIN contacts ct ON ct.session_id = m.session_id AND ct.jid = m.sender_jid
LEFT JOIN messages q ON q.session_id = m.session_id AND q.chat_jid = m.chat_jid AND q.id = m.quoted_id
LEFT JOIN contacts qc ON qc.session_id = q.session_id AND qc.jid = q.sender_jid
LEFT JOIN media md ON md.session_id = m.session_id AND md.file_id = m.file_id
"""

_IN_RANGE = """
WHERE m.session_id = %(session)s AND m.chat_jid = %(chat)s
  AND m."timestamp" >= %(since)s AND m."timestamp" < %(until)s
"""

_STORED_MEDIA = """
SELECT md.file_id, md.bucket_key, md.mime, md.file_name, md.size
FROM messages m
JOIN media md ON md.session_id = m.session_id AND md.file_id = m.file_id
"""

FOREVER = 2**62  # `until` when the range is open


@contextmanager
def export_connection(database_url: str) -> Iterator[Conn]:
    """A connection of its own holding one read-only REPEATABLE READ transaction for the whole
    export (a consistent snapshot across every pass); an unreachable database is a TransientError."""
    try:
        conn = psycopg.connect(database_url, connect_timeout=5, application_name="deeplens-export")
    except psycopg.OperationalError as error:
        raise TransientError(f"PostgreSQL unavailable: {type(error).__name__}") from error
    with conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        yield conn


def chats(conn: Conn, session: str, jids: list[str] | None) -> list[Row]:
    """The chats to export (all that hold messages when `jids` is None), canonical JIDs resolved
    from aliases, in the order asked (else by name)."""
    if jids is None:
        sql = f"""
        SELECT c.jid, {_TITLE} AS name, c.kind FROM chats c
        LEFT JOIN contacts ct ON ct.session_id = c.session_id AND ct.jid = c.jid
        WHERE c.session_id = %(session)s
          AND EXISTS (SELECT 1 FROM messages m WHERE m.session_id = c.session_id AND m.chat_jid = c.jid)
        ORDER BY lower(coalesce({_TITLE}, c.jid)), c.jid
        """
        return fetch_all(conn, sql, {"session": session})
    sql = f"""
    SELECT c.jid, {_TITLE} AS name, c.kind
    FROM unnest(%(jids)s::text[]) WITH ORDINALITY AS asked(jid, n)
    LEFT JOIN jid_aliases a ON a.session_id = %(session)s AND a.alias_jid = asked.jid
    JOIN chats c ON c.session_id = %(session)s AND c.jid = coalesce(a.canonical_jid, asked.jid)
    LEFT JOIN contacts ct ON ct.session_id = c.session_id AND ct.jid = c.jid
    ORDER BY asked.n
    """
    return fetch_all(conn, sql, {"session": session, "jids": jids})


def _range(session: str, chat: str, since: int | None, until: int | None) -> dict[str, Any]:
    return {"session": session, "chat": chat, "since": since or 0, "until": until or FOREVER}


def _stream(conn: Conn, sql: str, params: dict[str, Any]) -> Iterator[Row]:
    with conn.cursor(name=f"export_{uuid.uuid4().hex[:12]}", row_factory=dict_row) as cur:
        cur.itersize = ITERSIZE
        cur.execute(sql, params)
        yield from cur


def messages(conn: Conn, session: str, chat: str, since: int | None, until: int | None) -> Iterator[Row]:
    """Every message of the chat in [since, until) epoch ms, oldest first, with what an export shows."""
    sql = _MESSAGE_SELECT + _IN_RANGE + 'ORDER BY m."timestamp", m.id'
    return _stream(conn, sql, _range(session, chat, since, until))


def stored_media(conn: Conn, session: str, chat: str, since: int | None, until: int | None) -> Iterator[Row]:
    """The stored files of the chat's messages in the range, in message order."""
    sql = (
        _STORED_MEDIA
        + _IN_RANGE
        + "AND md.status = 'stored' AND md.bucket_key IS NOT NULL ORDER BY m.\"timestamp\", m.id"
    )
    return _stream(conn, sql, _range(session, chat, since, until))


def summary(conn: Conn, session: str, chat: str, since: int | None, until: int | None) -> Row:
    """Count and first/last timestamps of the chat's messages in the range."""
    sql = (
        'SELECT count(*) AS count, min(m."timestamp") AS first_at, max(m."timestamp") AS last_at'
        " FROM messages m" + _IN_RANGE
    )
    return fetch_all(conn, sql, _range(session, chat, since, until))[0]
