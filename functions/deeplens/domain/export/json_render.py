"""JSON export of a chat, one file per chat, written as it streams (docs/export-v1.schema.json):

    {"format": "deeplens-chat-export", "version": 1, "exported_at": ..., "time_zone": ...,
     "chat": {...}, "messages": [ {...}, {...} ]}

`prefix`, then `message` for each (the first without a leading comma), then `suffix`: the writer
never holds more than one message."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from deeplens.domain.export.records import ExportChat, ExportMessage, Media, Poll

FORMAT = "deeplens-chat-export"
VERSION = 1


def prefix(chat: ExportChat, exported_at_ms: int, time_zone: str) -> str:
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(exported_at_ms),
        "time_zone": time_zone,
        "chat": {"jid": chat.jid, "name": chat.name, "kind": chat.kind},
    }
    return _dumps(head)[:-1] + ', "messages": [\n'


def message(item: ExportMessage, first: bool) -> str:
    return ("" if first else ",\n") + _dumps(message_dict(item))


def suffix() -> str:
    return "\n]}\n"


def message_dict(item: ExportMessage) -> dict[str, Any]:
    return {
        "id": item.id,
        "timestamp_ms": item.timestamp,
        "time": _iso(item.timestamp),
        "sender": {"jid": item.sender_jid, "name": item.sender_name, "from_me": item.from_me},
        "type": item.type,
        "text": item.text,
        "edited_at_ms": item.edited_at,
        "deleted_at_ms": item.deleted_at,
        "versions": [
            {"edited_at_ms": v.edited_at, "is_original": v.is_original, "text": v.text} for v in item.versions
        ],
        "quoted": None
        if item.quoted is None
        else {
            "id": item.quoted.id,
            "sender_jid": item.quoted.sender_jid,
            "sender_name": item.quoted.sender_name,
            "from_me": item.quoted.from_me,
            "text": item.quoted.text,
            "type": item.quoted.type,
        },
        "reactions": [
            {
                "emoji": r.emoji,
                "reactor_jid": r.reactor_jid,
                "reactor_name": r.reactor_name,
                "reacted_at_ms": r.reacted_at,
            }
            for r in item.reactions
        ],
        "poll": None if item.poll is None else _poll(item.poll),
        "media": None if item.media is None else _media(item.media),
    }


def _poll(poll: Poll) -> dict[str, Any]:
    return {
        "question": poll.question,
        "options": list(poll.options),
        "votes": [
            {
                "voter_jid": v.voter_jid,
                "voter_name": v.voter_name,
                "options": list(v.options),
                "voted_at_ms": v.voted_at,
            }
            for v in poll.votes
        ],
    }


def _media(media: Media) -> dict[str, Any]:
    return {
        "file_id": media.file_id,
        "mime": media.mime,
        "file_name": media.file_name,
        "size": media.size,
        "status": media.status,
        "width": media.width,
        "height": media.height,
        "duration_s": media.duration_s,
        "path": media.export_name,
    }


def _iso(timestamp_ms: int) -> str:
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).isoformat(timespec="milliseconds")


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
