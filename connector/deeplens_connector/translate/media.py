"""Media of a message: the envelope's `Media` (pending, no bytes yet) and the `MediaRef` to fetch them.

The envelope says what the file is; the MediaRef says how to download it. The MediaRef holds the
mediaKey (a secret that decrypts the file on WhatsApp's CDN), so it never enters the envelope, the
event log or the database.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from deeplens.domain.envelope import MessageSeen
from deeplens.domain.envelope_parts import MAX_THUMBNAIL_BYTES, Media, MediaStatus
from deeplens.domain.ids import Jid
from deeplens.domain.media import extension_for, media_key
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from pydantic import ValidationError

MediaKind = Literal["image", "video", "audio", "voice", "document", "sticker"]
# waE2E.Message field -> kind; download_any reads all but ptvMessage (re-wrapped as a video).
MEDIA_FIELDS: dict[str, MediaKind] = {
    "imageMessage": "image",
    "videoMessage": "video",
    "ptvMessage": "video",
    "audioMessage": "audio",
    "documentMessage": "document",
    "stickerMessage": "sticker",
}
_DOWNLOAD_FIELD = {"ptvMessage": "videoMessage"}
_FALLBACK_MIME: dict[MediaKind, str] = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "audio": "audio/mpeg",
    "voice": "audio/ogg; codecs=opus",
    "document": "application/octet-stream",
    "sticker": "image/webp",
}
_FILE_ID_CHARS = 32


def file_id_for(session: str, chat_jid: str, message_id: str) -> str:
    """One file per message of an account: the same on every retry, replay and history copy."""
    digest = hashlib.sha256(f"{session}\n{chat_jid}\n{message_id}".encode()).hexdigest()
    return digest[:_FILE_ID_CHARS]


def media_field_of(message: Any) -> str | None:
    return next((field for field in MEDIA_FIELDS if message.HasField(field)), None)


def kind_of(field: str, media: Any) -> MediaKind:
    kind = MEDIA_FIELDS[field]
    return "voice" if kind == "audio" and media.PTT else kind


def describe_media(field: str, media: Any, file_id: str) -> Media:
    """The envelope's media descriptor, `pending` until the media worker stores (or skips) it."""
    kind = kind_of(field, media)
    return Media(
        file_id=file_id,
        key=None,
        mime=media.mimetype or _FALLBACK_MIME[kind],
        size=_optional(media, "fileLength"),
        sha256=media.fileSHA256.hex() if len(media.fileSHA256) == hashlib.sha256().digest_size else None,
        duration_s=_optional(media, "seconds"),
        width=_optional(media, "width"),
        height=_optional(media, "height"),
        file_name=_optional(media, "fileName") or None,
        thumbnail_b64=_thumbnail(media),
        status="pending",
    )


def _optional(media: Any, field: str) -> Any:
    has = field in media.DESCRIPTOR.fields_by_name and media.HasField(field)
    return getattr(media, field) if has else None


def _thumbnail(media: Any) -> str | None:
    """The inline JPEG (sticker: PNG) preview; one too big for the envelope is left out, not fatal."""
    data = _optional(media, "JPEGThumbnail") or _optional(media, "pngThumbnail")
    if not data or len(data) > MAX_THUMBNAIL_BYTES:
        return None
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class MediaRef:
    """What `client.download_any` (or `download_media_with_path`) needs for one message's media."""

    file_id: str
    chat_jid: Jid
    message_id: str
    field: str  # the waE2E.Message field it came from (ptvMessage for video notes)
    kind: MediaKind
    direct_path: str
    media_key: bytes
    file_enc_sha256: bytes
    file_sha256: bytes
    file_length: int | None
    mime: str

    def download_message(self) -> Any:
        """A waE2E.Message for download_any; video notes are re-wrapped as videoMessage (neonize.md §6)."""
        message = E2E.Message()
        sub = getattr(message, _DOWNLOAD_FIELD.get(self.field, self.field))
        sub.directPath = self.direct_path
        if self.media_key:  # unset, not empty, for a channel's unencrypted media: whatsmeow then
            sub.mediaKey = self.media_key  # only checks the plaintext hash (translate/newsletters.py)
        if self.file_enc_sha256:
            sub.fileEncSHA256 = self.file_enc_sha256
        sub.fileSHA256 = self.file_sha256
        sub.mimetype = self.mime
        if self.file_length is not None:
            sub.fileLength = self.file_length
        return message


def media_ref(message: Any, *, session: str, chat_jid: Jid, message_id: str) -> MediaRef | None:
    """The MediaRef of an unwrapped waE2E.Message; None when it carries no downloadable media."""
    field = media_field_of(message)
    if field is None:
        return None
    media = getattr(message, field)
    return MediaRef(
        file_id=file_id_for(session, chat_jid, message_id),
        chat_jid=chat_jid,
        message_id=message_id,
        field=field,
        kind=kind_of(field, media),
        direct_path=media.directPath,
        media_key=media.mediaKey,
        file_enc_sha256=media.fileEncSHA256,
        file_sha256=media.fileSHA256,
        file_length=_optional(media, "fileLength"),
        mime=media.mimetype or _FALLBACK_MIME[kind_of(field, media)],
    )


def bucket_key_for(message: MessageSeen) -> str:
    """Where the media worker stores this message's file: `{chat}/{YYYY-MM-DD}/{file_id}.{ext}`."""
    if message.media is None:
        raise ValueError(f"message {message.message_id} has no media")
    ext = extension_for(message.media.mime, message.media.file_name)
    return media_key(message.chat_jid, message.timestamp_ms, message.media.file_id, ext)


def with_media_outcome(
    message: MessageSeen, status: MediaStatus, *, key: str | None = None, error: str | None = None
) -> MessageSeen:
    """The same message with the media worker's outcome (validated again: key exactly when stored)."""
    if message.media is None:
        raise ValueError(f"message {message.message_id} has no media")
    media = message.media.model_dump() | {"status": status, "key": key, "error": error}
    try:
        outcome = Media.model_validate(media)
    except ValidationError:  # raised again as before, naming media.<field>
        return MessageSeen.model_validate(message.model_dump() | {"media": media})
    # The rest of the message was validated when it was built, and a Media instance is all that
    # MessageSeen checks of it (its validator only asks whether there is one): a copy is what
    # validating the whole dump again gives (tests/unit/connector/test_media_outcome.py), ~10x cheaper.
    return message.model_copy(update={"media": outcome})
