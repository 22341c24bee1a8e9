"""An export's messages as envelope v1 events (`source: "import"`).

Ids come from the file's content, never from its position: a message's id hashes the chat, its
sender's name, its wall-clock time as written, its text or attachment and how many identical lines
came before it. Importing the same file again, or a later export overlapping it, gives the same ids.
Messages of one minute (or second) keep the file's order: each gets the next millisecond.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from deeplens.domain.chat_export.dates import epoch_ms
from deeplens.domain.chat_export.identity import Sender
from deeplens.domain.chat_export.parse import ExportMessage
from deeplens.domain.chat_export.system import media_type_of, omitted_type
from deeplens.domain.envelope import ChatUpdated, Event, MessageSeen
from deeplens.domain.envelope_parts import Location, Media
from deeplens.domain.ids import chat_kind_of
from deeplens.domain.media import extension_for, media_key

MIME_BY_EXTENSION = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif",
    "heic": "image/heic", "mp4": "video/mp4", "3gp": "video/3gpp", "mov": "video/quicktime",
    "webm": "video/webm", "opus": "audio/ogg; codecs=opus", "ogg": "audio/ogg", "mp3": "audio/mpeg",
    "m4a": "audio/mp4", "aac": "audio/aac", "amr": "audio/amr", "wav": "audio/wav", "pdf": "application/pdf",
    "vcf": "text/vcard", "txt": "text/plain", "csv": "text/csv", "zip": "application/zip",
    "doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}  # fmt: skip


@dataclass(frozen=True)
class MediaFile:
    """An attachment found in the zip: what its bytes are (uploaded later under `key`)."""

    entry: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PlannedMessage:
    message: ExportMessage
    message_id: str
    timestamp_ms: int
    sender: Sender
    media_file: MediaFile | None = None  # set when the attachment's bytes are in the zip
    media_key: str | None = None


@dataclass(frozen=True)
class Target:
    session: str
    chat_jid: str
    chat_name: str | None = None  # a chat new to the archive gets this name


def mime_of(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return MIME_BY_EXTENSION.get(extension, "application/octet-stream")


def plan_messages(
    messages: Sequence[ExportMessage],
    senders: Mapping[str, Sender],
    target: Target,
    zone: ZoneInfo,
    media: Mapping[str, MediaFile],
) -> list[PlannedMessage]:
    """Each message with its stable id, UTC time and sender; attachments in `media` get a key."""
    seen: dict[str, int] = {}
    previous: tuple[datetime, int] | None = None
    planned = []
    for message in messages:
        base = epoch_ms(message.local_time, zone)
        step = previous[1] + 1 if previous and previous[0] == message.local_time else 0
        previous = (message.local_time, step)
        limit = 999 if message.has_seconds else 59_999
        timestamp = base + min(step, limit)
        message_id = _message_id(target.chat_jid, message, seen)
        found = media.get(message.body.attachment or "")
        key = _media_key(target.chat_jid, timestamp, message_id, found, message.body.attachment)
        planned.append(PlannedMessage(message, message_id, timestamp, senders[message.sender], found, key))
    return planned


def _message_id(chat_jid: str, message: ExportMessage, seen: dict[str, int]) -> str:
    body = message.body
    content = "\x1f".join(
        [chat_jid, message.sender, message.local_time.isoformat(), body.kind, body.text or "",
         body.attachment or "", f"{body.latitude},{body.longitude}"]
    )  # fmt: skip
    digest = hashlib.sha256(content.encode()).hexdigest()
    occurrence = seen.get(digest, 0)
    seen[digest] = occurrence + 1
    return "IMP" + hashlib.sha256(f"{digest}:{occurrence}".encode()).hexdigest()[:29].upper()


def file_id_for(message_id: str, sha256: str | None = None) -> str:
    """The message's media id; with the bytes' hash in it when they are stored, so other bytes
    under the same message (a re-export) never hide behind an object already in the bucket."""
    if sha256 is None:
        return f"imp_{message_id.lower()}"
    return "imp_" + hashlib.sha256(f"{message_id}:{sha256}".encode()).hexdigest()[:40]


def _media_key(
    chat_jid: str, timestamp_ms: int, message_id: str, found: MediaFile | None, name: str | None
) -> str | None:
    if found is None or name is None:
        return None
    file_id = file_id_for(message_id, found.sha256)
    return media_key(chat_jid, timestamp_ms, file_id, extension_for(mime_of(name), name))


def message_event(planned: PlannedMessage, target: Target) -> MessageSeen:
    message = planned.message
    body = message.body
    media = _media(planned)
    kind = _type(planned)
    location = (
        Location(latitude=body.latitude, longitude=body.longitude)
        if body.latitude is not None and body.longitude is not None
        else None
    )
    return MessageSeen(
        event_id=f"import:{target.chat_jid}:{planned.message_id}",
        session=target.session,
        occurred_at_ms=planned.timestamp_ms,
        source="import",
        chat_jid=target.chat_jid,
        chat_kind=chat_kind_of(target.chat_jid),
        message_id=planned.message_id,
        sender_jid=planned.sender.jid,
        from_me=planned.sender.from_me,
        push_name=message.sender,
        timestamp_ms=planned.timestamp_ms,
        type=kind,  # type: ignore[arg-type]  # one of MessageType by construction
        text=body.text,
        media=media,
        location=location,
        raw={"import": {"line": message.line, "kind": body.kind, "edited": body.edited}},
    )


def _type(planned: PlannedMessage) -> str:
    body = planned.message.body
    if body.kind == "attachment" and body.attachment:
        return media_type_of(body.attachment)
    if body.kind == "location":
        return "location"
    if body.kind == "media_omitted":
        return omitted_type(body.media_hint) or "unknown"
    return "text"


def _media(planned: PlannedMessage) -> Media | None:
    body = planned.message.body
    file_id = file_id_for(planned.message_id)
    if body.kind == "media_omitted":
        if omitted_type(body.media_hint) is None:
            return None
        return Media(file_id=file_id, mime="application/octet-stream", status="unavailable",
                     error="left out of the export")  # fmt: skip
    if body.kind != "attachment" or body.attachment is None:
        return None
    found = planned.media_file
    if found is None or planned.media_key is None:
        return Media(file_id=file_id, mime=mime_of(body.attachment), file_name=body.attachment,
                     status="unavailable", error="not in the export")  # fmt: skip
    return Media(file_id=file_id_for(planned.message_id, found.sha256), key=planned.media_key,
                 mime=mime_of(body.attachment), size=found.size, sha256=found.sha256,
                 file_name=body.attachment, status="stored")  # fmt: skip


def chat_event(target: Target, first_ms: int) -> ChatUpdated:
    """Names a chat new to the archive; dated 1 ms after the epoch so any real metadata wins."""
    return ChatUpdated(
        event_id=f"import:{target.chat_jid}:chat",
        session=target.session,
        occurred_at_ms=1,
        source="import",
        jid=target.chat_jid,
        name=target.chat_name,
        chat_kind=chat_kind_of(target.chat_jid),
        last_msg_timestamp_ms=first_ms,
    )


def events_for(planned: Sequence[PlannedMessage], target: Target, new_chat: bool) -> list[Event]:
    events: list[Event] = [message_event(item, target) for item in planned]
    if new_chat and target.chat_name and planned:
        events.insert(0, chat_event(target, planned[0].timestamp_ms))
    return events
