"""The call log: every call, or one chat's, newest first (keyset pages)."""

from __future__ import annotations

from typing import Any

from deeplens.adapters import archive_queries as chats_db
from deeplens.adapters import call_queries as calls_db
from deeplens.adapters.postgres import Row, pooled
from deeplens.domain.calls import call_duration_s, call_outcome
from deeplens.services.api import ApiDeps, jid_param
from deeplens.services.cursors import decode_cursor, encode_cursor

Page = dict[str, Any]


def list_calls(deps: ApiDeps, limit: int, cursor: str | None, chat: str | None) -> Page:
    before = _call_key(cursor) if cursor else None
    with pooled(deps.pool) as conn:
        jid = chats_db.resolve_jid(conn, deps.session, jid_param(chat, "chat")) if chat else None
        rows = calls_db.page_calls(conn, deps.session, chat=jid, limit=limit + 1, before=before)
    last = rows[limit - 1] if len(rows) > limit else None
    return {
        "items": [call_view(row) for row in rows[:limit]],
        "next_cursor": encode_cursor(last["started_at"], last["call_id"]) if last else None,
    }


def _call_key(cursor: str) -> calls_db.CallKey:
    started_at, call_id = decode_cursor(cursor, "cursor", (int, str))
    return int(started_at), str(call_id)


def call_view(row: Row) -> dict[str, Any]:
    return {
        "call_id": row["call_id"],
        "chat_jid": row["chat_jid"],
        "chat_name": row["chat_name"],
        "caller_jid": row["caller_jid"],
        "caller_name": row["caller_name"],
        "from_me": row["from_me"],
        "video": row["is_video"],
        "group": row["is_group"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "outcome": call_outcome(row["result"], row["accepted_at"], row["ended_at"], row["from_me"]),
        "end_reason": row["end_reason"],
        "duration_s": call_duration_s(row["duration_s"], row["accepted_at"], row["ended_at"]),
    }
