"""Status posts (stories) of contacts, grouped by contact: the archive of `status@broadcast`.

Status is opt-in (TrackingPolicy: untracked whatever DEFAULT_TRACK_* says) and WhatsApp deletes a
post after 24 hours; what the connector archived while status was tracked stays here, with its
media. A page is the newest `limit` posts (older ones by cursor), grouped by author: the author
with the newest post first, each author's posts oldest first (the order one watches them in).
"""

from __future__ import annotations

from typing import Any

from deeplens.adapters import story_queries as stories_db
from deeplens.adapters.postgres import Row, pooled
from deeplens.services.api import ApiDeps
from deeplens.services.cursors import decode_cursor, encode_cursor
from deeplens.services.views import message_view

Page = dict[str, Any]


def list_status(deps: ApiDeps, limit: int, cursor: str | None) -> Page:
    before = _post_key(cursor) if cursor else None
    with pooled(deps.pool) as conn:
        rows = stories_db.page_status_posts(conn, deps.session, limit=limit + 1, before=before)
    last = rows[limit - 1] if len(rows) > limit else None
    return {
        "contacts": group_by_author(rows[:limit]),
        "next_cursor": encode_cursor(last["timestamp"], last["id"]) if last else None,
    }


def _post_key(cursor: str) -> tuple[int, str]:
    timestamp, message_id = decode_cursor(cursor, "cursor", (int, str))
    return int(timestamp), str(message_id)


def group_by_author(rows: list[Row]) -> list[Page]:
    """Rows newest first -> one entry per author, in the order of their newest post."""
    authors: dict[str, Page] = {}
    for row in rows:
        author = authors.setdefault(row["sender_jid"], _author(row))
        author["posts"].insert(0, message_view(row))  # rows are newest first: oldest ends first
    return list(authors.values())


def _author(row: Row) -> Page:
    return {
        "sender_jid": row["sender_jid"],
        "sender_name": row["sender_name"],
        "from_me": row["from_me"],
        "latest_at": row["timestamp"],
        "posts": [],
    }
