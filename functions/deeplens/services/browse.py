"""Browsing the archive: chat pages, one chat, message pages in both directions, edit history."""

from __future__ import annotations

from typing import Any

from deeplens.adapters import archive_queries as chats_db
from deeplens.adapters import message_queries as messages_db
from deeplens.adapters.postgres import Conn, Row, pooled
from deeplens.domain.errors import InvalidRequest, NotFound
from deeplens.domain.ids import has_group_server
from deeplens.services.api import ApiDeps, jid_param
from deeplens.services.cursors import decode_cursor, encode_cursor
from deeplens.services.views import chat_view, message_view, participant_view

Page = dict[str, Any]


def list_chats(
    deps: ApiDeps,
    limit: int,
    cursor: str | None,
    name: str | None,
    kind: str | None,
    *,
    states: dict[str, bool] | None = None,
) -> Page:
    """`states`: the folder, e.g. {"archived": True} (the Archived folder), {"pinned": False}."""
    after = _chat_key(cursor) if cursor else None
    with pooled(deps.pool) as conn:
        rows = chats_db.page_chats(
            conn, deps.session, limit=limit + 1, after=after, name=name or None, kind=kind, states=states
        )
    last = rows[limit - 1] if len(rows) > limit else None
    return {
        "items": [chat_view(row) for row in rows[:limit]],
        "next_cursor": encode_cursor(last["last_message_at"], last["jid"]) if last else None,
    }


def _chat_key(cursor: str) -> chats_db.ChatKey:
    timestamp, jid = decode_cursor(cursor, "cursor", ((int, type(None)), str))
    return (None if timestamp is None else int(timestamp)), str(jid)


def get_chat(deps: ApiDeps, raw_jid: str) -> Page:
    with pooled(deps.pool) as conn:
        jid = chats_db.resolve_jid(conn, deps.session, jid_param(raw_jid, "jid"))
        row = chats_db.chat(conn, deps.session, jid)
        if row is None:
            raise NotFound(f"no chat {jid}", "jid")
        members = chats_db.participants(conn, deps.session, jid) if has_group_server(jid) else []
    people = [participant_view(member) for member in members]
    return {**chat_view(row), "message_count": row["message_count"], "participants": people}


def chat_messages(
    deps: ApiDeps, raw_jid: str, limit: int, *, before: str | None, after: str | None, around: str | None
) -> Page:
    """One page, oldest first: the newest messages, or those before/after a cursor, or around a
    message id (half older, the message itself and the newer rest)."""
    if sum(value is not None for value in (before, after, around)) > 1:
        raise InvalidRequest("give at most one of before, after and around", "before")
    with pooled(deps.pool) as conn:
        jid = chats_db.resolve_jid(conn, deps.session, jid_param(raw_jid, "jid"))
        if not chats_db.chat_exists(conn, deps.session, jid):
            raise NotFound(f"no chat {jid}", "jid")
        window = _Window(conn, deps.session, jid)
        if around is not None:
            rows, has_older, has_newer = window.around(around, limit)
        elif after is not None:
            newer = window.fetch("newer", _message_key(after, "after"), limit)
            rows, has_older, has_newer = newer[:limit], True, len(newer) > limit
        else:
            older = window.fetch("older", _message_key(before, "before") if before else None, limit)
            rows, has_older, has_newer = older[:limit][::-1], len(older) > limit, before is not None
    return _message_page(rows, has_older, has_newer)


class _Window:
    """Pages of one chat: each fetch asks one row more than it needs, to know if more exist."""

    def __init__(self, conn: Conn, session: str, jid: str) -> None:
        self.conn, self.session, self.jid = conn, session, jid

    def fetch(self, seek: messages_db.Seek, key: messages_db.MessageKey | None, limit: int) -> list[Row]:
        return messages_db.page_messages(self.conn, self.session, self.jid, limit + 1, seek=seek, key=key)

    def around(self, message_id: str, limit: int) -> tuple[list[Row], bool, bool]:
        key = messages_db.message_key(self.conn, self.session, self.jid, message_id)
        if key is None:
            raise NotFound(f"no message {message_id} in {self.jid}", "around")
        half = limit // 2
        older = self.fetch("older", key, half)
        newer = self.fetch("newer_or_same", key, limit - half)
        rows = older[:half][::-1] + newer[: limit - half]
        return rows, len(older) > half, len(newer) > limit - half


def _message_key(cursor: str, field: str) -> messages_db.MessageKey:
    timestamp, message_id = decode_cursor(cursor, field, (int, str))
    return int(timestamp), str(message_id)


def _message_page(rows: list[Row], has_older: bool, has_newer: bool) -> Page:
    return {
        "items": [message_view(row) for row in rows],
        "has_older": has_older,
        "has_newer": has_newer,
        "older_cursor": encode_cursor(rows[0]["timestamp"], rows[0]["id"]) if rows else None,
        "newer_cursor": encode_cursor(rows[-1]["timestamp"], rows[-1]["id"]) if rows else None,
    }


def message_versions(deps: ApiDeps, raw_chat: str, message_id: str) -> Page:
    with pooled(deps.pool) as conn:
        chat = chats_db.resolve_jid(conn, deps.session, jid_param(raw_chat, "chat"))
        current = messages_db.current_text(conn, deps.session, chat, message_id)
        if current is None:
            raise NotFound(f"no message {message_id} in {chat}", "id")
        rows = messages_db.versions(conn, deps.session, chat, message_id)
    if not rows:  # never edited: the message itself is the only version
        rows = [{"edited_at": current["timestamp"], "is_original": True, "text_body": current["text_body"]}]
    versions = [
        {"edited_at": r["edited_at"], "is_original": r["is_original"], "text": r["text_body"]} for r in rows
    ]
    return {"chat_jid": chat, "message_id": message_id, "versions": versions}
