"""Where decrypted media lives in the bucket: `{chat_jid}/{YYYY-MM-DD}/{file_id}.{ext}` (UTC day)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from deeplens.domain.errors import InvalidEnvelope
from deeplens.domain.ids import FILE_ID_PATTERN, canonical_jid

_FILE_ID = re.compile(FILE_ID_PATTERN, re.ASCII)
_EXTENSION = re.compile(r"[a-z0-9]{1,10}", re.ASCII)
FALLBACK_EXTENSION = "bin"

# What WhatsApp sends; anything else falls back to the file name's extension, then `bin`.
_MIME_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "audio/ogg": "ogg",  # voice notes: audio/ogg; codecs=opus
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/amr": "amr",
    "audio/wav": "wav",
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/zip": "zip",
    "application/vnd.android.package-archive": "apk",
    "application/was": "was",  # animated (Lottie) sticker
    "text/plain": "txt",
    "text/csv": "csv",
    "text/vcard": "vcf",
    "text/x-vcard": "vcf",
}


def valid_file_id(value: str) -> bool:
    """Letters, digits, `_` and `-` only (8-128): never a path, so safe in keys and URLs."""
    return isinstance(value, str) and _FILE_ID.fullmatch(value) is not None


def media_key(chat_jid: str, timestamp_ms: int, file_id: str, ext: str) -> str:
    """The bucket key of a media object; the chat is canonical, the day is the message's UTC day."""
    if not valid_file_id(file_id):
        raise InvalidEnvelope(f"media.file_id: not a file id: {file_id!r}")
    if _EXTENSION.fullmatch(ext) is None:
        raise InvalidEnvelope(f"media extension: expected 1-10 of [a-z0-9], got {ext!r}")
    if timestamp_ms < 0:
        raise InvalidEnvelope(f"timestamp_ms: negative ({timestamp_ms})")
    day = datetime.fromtimestamp(timestamp_ms // 1000, UTC).date().isoformat()
    return f"{canonical_jid(chat_jid)}/{day}/{file_id}.{ext}"


def extension_for(mime: str | None, file_name: str | None) -> str:
    """The extension for a media object: from its mime type, else its file name, else `bin`."""
    base = (mime or "").split(";", 1)[0].strip().lower()
    if base in _MIME_EXTENSIONS:
        return _MIME_EXTENSIONS[base]
    return _file_name_extension(file_name) or FALLBACK_EXTENSION


def _file_name_extension(file_name: str | None) -> str | None:
    if not file_name or "." not in file_name:
        return None
    ext = file_name.rsplit(".", 1)[1].strip().lower()
    return ext if _EXTENSION.fullmatch(ext) else None
