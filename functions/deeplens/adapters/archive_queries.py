"""Read queries of the archive for the API: chats, tracking, media, connector status.

Every query filters `session_id`. Pages are keyset (seek) pages: the caller passes the sort key of
the last row it has, never an offset, so a deep page costs what the first one does. The helpers
every query module shares (`fetch_all`, `pooled`, …) are in `postgres`.
"""

from __future__ import annotations

from typing import Any

from deeplens.adapters.chat_state_sql import STATE_COLUMNS, STATE_FILTERS, STATE_JOINS
from deeplens.adapters.people import chat_title, contact_name, picture_join
from deeplens.adapters.postgres import Conn, Row, fetch_all, fetch_one, like_pattern

ChatKey = tuple[int | None, str]  # (last_msg_timestamp, jid)

_CONTACT_NAME = contact_name("ct")  # WhatsApp's order (domain/names.py)

_CHAT_SELECT = f"""
SELECT c.jid, {chat_title("c", "ct")} AS name, c.kind, c.parent_jid, {STATE_COLUMNS},
       c.last_msg_timestamp AS last_message_at,
       coalesce(t.is_tracked, false) AS is_tracked,
       coalesce(t.auto_download_media, false) AS auto_download_media,
       lm.id AS last_id, lm.message_type AS last_type, left(lm.text_body, 160) AS last_text,
       lm.sender_jid AS last_sender_jid, lm.from_me AS last_from_me,
       lm.deleted_at IS NOT NULL AS last_deleted, lm."timestamp" AS last_timestamp,
       pp.picture_id
FROM chats c
LEFT JOIN contacts ct ON ct.session_id = c.session_id AND ct.jid = c.jid
{picture_join("pp", "c.jid", "c.session_id")}
LEFT JOIN tracking_config t ON t.session_id = c.session_id AND t.jid = c.jid
LEFT JOIN LATERAL (
    SELECT m.id, m.message_type, m.text_body, m.sender_jid, m.from_me, m.deleted_at, m."timestamp"
    FROM messages m WHERE m.session_id = c.session_id AND m.chat_jid = c.jid
    ORDER BY m."timestamp" DESC, m.id DESC LIMIT 1
) lm ON true
{STATE_JOINS}"""


def resolve_jid(conn: Conn, session: str, jid: str) -> str:
    """The canonical JID a LID alias stands for (or `jid` itself)."""
    row = fetch_one(
        conn,
        "SELECT canonical_jid FROM jid_aliases WHERE session_id = %(session)s AND alias_jid = %(jid)s",
        {"session": session, "jid": jid},
    )
    return str(row["canonical_jid"]) if row else jid


# Chats newest first, no message yet last, then by JID, as one ascending key (the chats_page index),
# so a page starts where the cursor points instead of filtering its way past every earlier chat.
_CHAT_ORDER = "-coalesce(c.last_msg_timestamp, -1), c.jid"


def page_chats(
    conn: Conn,
    session: str,
    *,
    limit: int,
    after: ChatKey | None,
    name: str | None,
    kind: str | None,
    states: dict[str, bool] | None = None,
) -> list[Row]:
    """Chats newest first (no message yet = last), then by JID; `states`: only the chats archived
    (or not), pinned (or not)."""
    params: dict[str, Any] = {"session": session, "limit": limit, "kind": kind, **(states or {})}
    where = ["c.session_id = %(session)s", *(STATE_FILTERS[state] for state in states or {})]
    if kind:
        where.append("c.kind = %(kind)s")
    if name:
        params["pattern"] = like_pattern(name)
        where.append(
            f"(dl_search_text(c.name) LIKE dl_search_text(%(pattern)s)"
            f" OR dl_search_text({_CONTACT_NAME}) LIKE dl_search_text(%(pattern)s)"
            " OR c.jid LIKE %(pattern)s)"
        )
    if after is not None:
        params.update(key=1 if after[0] is None else -after[0], jid=after[1])
        where.append(f"({_CHAT_ORDER}) > (%(key)s, %(jid)s)")
    order = f" ORDER BY {_CHAT_ORDER} LIMIT %(limit)s"
    return fetch_all(conn, _CHAT_SELECT + " WHERE " + " AND ".join(where) + order, params)


def chats_by_jid(conn: Conn, session: str, jids: list[str]) -> list[Row]:
    """The chat-list entries of these chats (those that exist), as page_chats shows them."""
    sql = _CHAT_SELECT + " WHERE c.session_id = %(session)s AND c.jid = ANY(%(jids)s)"
    return fetch_all(conn, sql, {"session": session, "jids": jids})


def chat(conn: Conn, session: str, jid: str) -> Row | None:
    sql = _CHAT_SELECT + " WHERE c.session_id = %(session)s AND c.jid = %(jid)s"
    row = fetch_one(conn, sql, {"session": session, "jid": jid})
    if row is not None:
        row["message_count"] = message_count(conn, session, jid)
    return row


def message_count(conn: Conn, session: str, jid: str) -> int:
    sql = "SELECT count(*) AS n FROM messages WHERE session_id = %(session)s AND chat_jid = %(jid)s"
    row = fetch_one(conn, sql, {"session": session, "jid": jid})
    return int(row["n"]) if row else 0


def participants(conn: Conn, session: str, group: str) -> list[Row]:
    """Members now: the rows of the group's newest member list."""
    sql = f"""
    SELECT p.participant_jid AS jid, {_CONTACT_NAME} AS name, p.is_admin, p.is_super_admin, pp.picture_id
    FROM group_participants p
    LEFT JOIN contacts ct ON ct.session_id = p.session_id AND ct.jid = p.participant_jid
    {picture_join("pp", "p.participant_jid", "p.session_id")}
    WHERE p.session_id = %(session)s AND p.group_jid = %(group)s
      AND p.listed_at = (SELECT max(listed_at) FROM group_participants
                         WHERE session_id = %(session)s AND group_jid = %(group)s)
    ORDER BY p.is_super_admin DESC, p.is_admin DESC, p.participant_jid
    """
    return fetch_all(conn, sql, {"session": session, "group": group})


_TRACKING_KIND = "coalesce(c.kind, CASE t.type WHEN 'private' THEN 'direct' ELSE t.type END)"

_TRACKING_SELECT = f"""
SELECT t.jid, {chat_title("c", "ct", "t.name", kind=_TRACKING_KIND)} AS name, {_TRACKING_KIND} AS kind,
       t.is_tracked, t.auto_download_media, c.last_msg_timestamp AS last_activity,
       (SELECT count(*) FROM messages m
        WHERE m.session_id = t.session_id AND m.chat_jid = t.jid) AS message_count
FROM tracking_config t
LEFT JOIN chats c ON c.session_id = t.session_id AND c.jid = t.jid
LEFT JOIN contacts ct ON ct.session_id = t.session_id AND ct.jid = t.jid
WHERE t.session_id = %(session)s
"""


def tracking(conn: Conn, session: str, kind: str | None = None, jid: str | None = None) -> list[Row]:
    sql = _TRACKING_SELECT
    if kind:
        sql += f" AND {_TRACKING_KIND} = %(kind)s"
    if jid:
        sql += " AND t.jid = %(jid)s"
    sql += " ORDER BY c.last_msg_timestamp DESC NULLS LAST, t.jid"
    return fetch_all(conn, sql, {"session": session, "kind": kind, "jid": jid})


def update_tracking(
    conn: Conn, session: str, jid: str, is_tracked: bool | None, auto_download: bool | None
) -> Row | None:
    sql = """
    UPDATE tracking_config
    SET is_tracked = coalesce(%(tracked)s, is_tracked),
        auto_download_media = coalesce(%(auto)s, auto_download_media), updated_at = now()
    WHERE session_id = %(session)s AND jid = %(jid)s
    RETURNING jid, is_tracked, auto_download_media
    """
    params = {"session": session, "jid": jid, "tracked": is_tracked, "auto": auto_download}
    return fetch_one(conn, sql, params)


def media_object(conn: Conn, session: str, file_id: str) -> Row | None:
    sql = """
    SELECT file_id, bucket_key, mime, file_name, status FROM media
    WHERE session_id = %(session)s AND file_id = %(file_id)s
    """
    return fetch_one(conn, sql, {"session": session, "file_id": file_id})


def media_thumbnail(conn: Conn, session: str, file_id: str) -> bytes | None:
    sql = "SELECT thumbnail FROM media WHERE session_id = %(session)s AND file_id = %(file_id)s"
    row = fetch_one(conn, sql, {"session": session, "file_id": file_id})
    return bytes(row["thumbnail"]) if row and row["thumbnail"] is not None else None


def connector_status(conn: Conn, session: str) -> Row | None:
    sql = """
    SELECT state, detail, qr_code, qr_expires_at, pair_code, pair_code_expires_at, account_jid,
           history_progress, updated_at
    FROM connector_status WHERE session_id = %(session)s
    """
    return fetch_one(conn, sql, {"session": session})


def archive_exists(conn: Conn, session: str) -> bool:
    """Whether the archive holds any chat or message of the session: two primary-key probes."""
    sql = """
    SELECT EXISTS (SELECT 1 FROM chats WHERE session_id = %(session)s)
        OR EXISTS (SELECT 1 FROM messages WHERE session_id = %(session)s) AS found
    """
    row = fetch_one(conn, sql, {"session": session})
    return bool(row and row["found"])


def chat_exists(conn: Conn, session: str, jid: str) -> bool:
    sql = "SELECT 1 AS found FROM chats WHERE session_id = %(session)s AND jid = %(jid)s"
    return fetch_one(conn, sql, {"session": session, "jid": jid}) is not None
