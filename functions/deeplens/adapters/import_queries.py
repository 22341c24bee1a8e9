"""What the importer asks the archive: the chat's state, the names it knows for the chat's people,
the account's own JID, and the chat's messages in the export's time range (for deduplication)."""

from __future__ import annotations

from dataclasses import dataclass

from deeplens.adapters.postgres import Conn, fetch_all, fetch_one
from deeplens.domain.chat_export.dedup import ArchivedMessage


@dataclass(frozen=True)
class ChatState:
    known: bool  # listed in the archive (chats or tracking_config)
    tracked: bool | None  # None: no tracking row yet


def account_jid(conn: Conn, session: str) -> str | None:
    row = fetch_one(
        conn, "SELECT account_jid FROM connector_status WHERE session_id = %(session)s", {"session": session}
    )
    return str(row["account_jid"]) if row and row["account_jid"] else None


def chat_state(conn: Conn, session: str, jid: str) -> ChatState:
    sql = """
    SELECT EXISTS (SELECT 1 FROM chats WHERE session_id = %(session)s AND jid = %(jid)s) AS listed,
           (SELECT is_tracked FROM tracking_config WHERE session_id = %(session)s AND jid = %(jid)s)
               AS tracked
    """
    row = fetch_one(conn, sql, {"session": session, "jid": jid})
    tracked = row["tracked"] if row else None
    return ChatState(bool(row and (row["listed"] or tracked is not None)), tracked)


def track_chat(conn: Conn, session: str, jid: str, tracking_type: str, name: str | None) -> None:
    """Track a chat that has no tracking row yet (a chat the user imports into is one to keep)."""
    conn.execute(
        "INSERT INTO tracking_config (session_id, jid, name, type, is_tracked) VALUES (%s, %s, %s, %s, true)"
        " ON CONFLICT (session_id, jid) DO NOTHING",
        (session, jid, name, tracking_type),
    )


def known_names(conn: Conn, session: str, chat: str) -> list[tuple[str, str]]:
    """(JID, name) for everyone the archive has seen in the chat: push names on their messages,
    contact names of senders, participants and the chat itself."""
    sql = """
    WITH people AS (
        SELECT DISTINCT sender_jid AS jid FROM messages
        WHERE session_id = %(session)s AND chat_jid = %(chat)s AND sender_jid IS NOT NULL AND NOT from_me
        UNION SELECT participant_jid FROM group_participants
        WHERE session_id = %(session)s AND group_jid = %(chat)s
        UNION SELECT %(chat)s
    )
    SELECT DISTINCT m.sender_jid AS jid, m.push_name AS name FROM messages m
    WHERE m.session_id = %(session)s AND m.chat_jid = %(chat)s AND m.push_name IS NOT NULL AND NOT m.from_me
    UNION
    SELECT c.jid, n.name FROM contacts c JOIN people p ON p.jid = c.jid
    CROSS JOIN LATERAL (VALUES (c.push_name), (c.full_name), (c.business_name)) AS n(name)
    WHERE c.session_id = %(session)s AND n.name IS NOT NULL
    """
    rows = fetch_all(conn, sql, {"session": session, "chat": chat})
    return [(str(row["jid"]), str(row["name"])) for row in rows if row["jid"]]


def archived_messages(
    conn: Conn, session: str, chat: str, first_ms: int, last_ms: int
) -> list[ArchivedMessage]:
    """The chat's messages from `first_ms` to `last_ms` (both included)."""
    sql = """
    SELECT id, sender_jid, sender_alt_jid, from_me, push_name, "timestamp", text_body,
           (file_id IS NOT NULL) AS has_media
    FROM messages
    WHERE session_id = %(session)s AND chat_jid = %(chat)s AND "timestamp" BETWEEN %(first)s AND %(last)s
    """
    rows = fetch_all(conn, sql, {"session": session, "chat": chat, "first": first_ms, "last": last_ms})
    return [
        ArchivedMessage(
            message_id=row["id"],
            sender_jid=row["sender_jid"],
            sender_alt_jid=row["sender_alt_jid"],
            from_me=row["from_me"],
            push_name=row["push_name"],
            timestamp_ms=row["timestamp"],
            text=row["text_body"],
            has_media=row["has_media"],
        )
        for row in rows
    ]


def applied_count(conn: Conn, session: str, keys: list[str]) -> int:
    row = fetch_one(
        conn,
        "SELECT count(*) AS n FROM applied_batches"
        " WHERE session_id = %(session)s AND batch_key = ANY(%(keys)s)",
        {"session": session, "keys": keys},
    )
    return int(row["n"]) if row else 0
