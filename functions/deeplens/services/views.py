"""Archive rows as the API shows them (the shapes the OpenAPI models of the HTTP layer declare)."""

from __future__ import annotations

from typing import Any

from deeplens.adapters.postgres import Row
from deeplens.domain.message_flags import FORWARDED_MANY_TIMES, flags_of
from deeplens.domain.pictures import avatar_url
from deeplens.domain.polls import named_options, poll_options
from deeplens.services.timeline_views import timeline_fields

View = dict[str, Any]


def chat_view(row: Row) -> View:
    return {
        "jid": row["jid"],
        "name": row["name"],
        "kind": row["kind"],
        "parent_jid": row["parent_jid"],
        "unread_count": row["unread_count"],
        "is_archived": row["is_archived"],
        "is_pinned": row["is_pinned"],
        "is_muted": row["is_muted"],
        "muted_until": row["muted_until"],
        "marked_unread": row["marked_unread"],
        "last_message_at": row["last_message_at"],
        "is_tracked": row["is_tracked"],
        "auto_download_media": row["auto_download_media"],
        "last_message": _last_message(row),
        "avatar_url": avatar_url(row["jid"], row["picture_id"]),
    }


def _sender_avatar(row: Row) -> str | None:
    sender = row["sender_jid"]
    return avatar_url(sender, row.get("sender_picture_id")) if sender else None


def participant_view(row: Row) -> View:
    return {
        "jid": row["jid"],
        "name": row["name"],
        "is_admin": row["is_admin"],
        "is_super_admin": row["is_super_admin"],
        "avatar_url": avatar_url(row["jid"], row["picture_id"]),
    }


def _last_message(row: Row) -> View | None:
    if row["last_id"] is None:
        return None
    return {
        "id": row["last_id"],
        "type": row["last_type"],
        "text": row["last_text"],
        "sender_jid": row["last_sender_jid"],
        "from_me": row["last_from_me"],
        "deleted": row["last_deleted"],
        "timestamp": row["last_timestamp"],
    }


def message_view(row: Row) -> View:
    return {
        "chat_jid": row["chat_jid"],
        "id": row["id"],
        "sender_jid": row["sender_jid"],
        "sender_alt_jid": row["sender_alt_jid"],
        "sender_name": row["sender_name"],
        "sender_avatar_url": _sender_avatar(row),
        "from_me": row["from_me"],
        "timestamp": row["timestamp"],
        "type": row["message_type"],
        "text": row["text_body"],
        "status": row["status"],
        "edited_at": row["edited_at"],
        "deleted_at": row["deleted_at"],
        "deleted_by": row["deleted_by"],
        "source": row["source"],
        "content": row["content"],
        "quoted": _quoted(row),
        "reactions": row["reactions"],
        "poll_votes": _poll_votes(row),
        "versions_count": row["versions_count"],
        "media": _media(row),
        "flags": _flags(row),
        **timeline_fields(row),  # group changes and calls in the timeline (timeline_views.py)
    }


def _flags(row: Row) -> View:
    """The stored bit set by name, the forwarding score and timer, and the states that are on."""
    states: dict[str, int] = row["states"] or {}
    return {
        **flags_of(row["flags"]),
        "forwarding_score": row["forwarding_score"],
        "forwarded_many_times": row["forwarding_score"] >= FORWARDED_MANY_TIMES,
        "ephemeral_timer_s": row["ephemeral_timer_s"],
        "pinned_at": states.get("pinned"),
        "kept": "kept" in states,
        "starred": "starred" in states,
    }


def _poll_votes(row: Row) -> list[View]:
    """Each voter's current choice, options named (the poll's own options name hashed ones)."""
    if not row["poll_votes"]:
        return []
    options = poll_options(row["content"])
    votes: list[View] = row["poll_votes"]
    return [{**vote, "selected_options": named_options(vote["selected_options"], options)} for vote in votes]


def _quoted(row: Row) -> View | None:
    if row["quoted_id"] is None:
        return None
    return {
        "id": row["quoted_id"],
        "sender_jid": row["quoted_sender_jid"],
        "text": row["quoted_text"],
        "type": row["quoted_type"],
    }


def _media(row: Row) -> View | None:
    file_id = row["file_id"]
    if file_id is None:
        return None
    return {
        "file_id": file_id,
        "mime": row["media_mime"],
        "size": row["media_size"],
        "width": row["media_width"],
        "height": row["media_height"],
        "duration_s": row["media_duration_s"],
        "file_name": row["media_file_name"],
        "status": row["media_status"],
        "url": f"/api/media/{file_id}" if row["media_status"] == "stored" else None,
        "thumbnail_url": f"/api/media/{file_id}/thumbnail" if row["media_has_thumbnail"] else None,
    }
