"""The file a user hands in: the chat's .txt, or WhatsApp's .zip of it with the media. Read from
an open binary file (the caller opens it); everything hostile is refused naming the entry: not a
zip or truncated, entries escaping the folder, encrypted entries, a compression ratio or total size
no export has, a chat text too large to be one."""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from deeplens.domain.chat_export.plan import MediaFile
from deeplens.domain.errors import InvalidExport

MAX_TEXT_BYTES = 256 * 1024 * 1024  # ~3 million lines; a real chat's text is a few MB
MAX_MEDIA_BYTES = 512 * 1024 * 1024  # one attachment held in memory for its upload
MAX_TOTAL_BYTES = 16 * 1024 * 1024 * 1024  # everything in one zip once unpacked
MAX_ENTRIES = 200_000
MAX_RATIO = 200  # deflate reaches ~1000x only on data no export holds (runs of one byte)
RATIO_FLOOR_BYTES = 16 * 1024 * 1024  # small entries may compress as well as they like
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_CHUNK = 1024 * 1024


@dataclass
class ExportSource:
    """The chat text and, for a zip, where each attachment is (by its file name)."""

    name: str
    text: bytes
    text_entry: str | None = None
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    archive: zipfile.ZipFile | None = None

    def media_file(self, file_name: str) -> MediaFile | None:
        """Size and SHA-256 of an attachment (reading it whole: a damaged entry fails here, before
        anything is published); None when the zip does not hold it or it is too large."""
        info = self.entries.get(file_name)
        if info is None or self.archive is None or info.file_size > MAX_MEDIA_BYTES:
            return None
        digest = hashlib.sha256()
        for chunk in _chunks(self.archive, info):
            digest.update(chunk)
        return MediaFile(info.filename, info.file_size, digest.hexdigest())

    def media_bytes(self, media: MediaFile) -> bytes:
        if self.archive is None:
            raise InvalidExport(f"{self.name}: no attachments in a .txt export")
        return b"".join(_chunks(self.archive, self.archive.getinfo(media.entry)))


@contextmanager
def open_export(handle: BinaryIO, name: str, size: int) -> Iterator[ExportSource]:
    """The export in `handle` (`size` bytes): a zip when it starts like one, else the chat text."""
    head = handle.read(4)
    handle.seek(0)
    if head not in (_ZIP_MAGIC, _EMPTY_ZIP):
        if size > MAX_TEXT_BYTES:
            raise InvalidExport(f"{name}: {_size(size)} is more than a chat export's text can be"
                                f" ({_size(MAX_TEXT_BYTES)} at most)")  # fmt: skip
        yield ExportSource(name, handle.read(MAX_TEXT_BYTES + 1))
        return
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise InvalidExport(f"{name}: not a readable zip (truncated or damaged: {error})") from None
    with archive:
        yield _zip_source(archive, name)


def _zip_source(archive: zipfile.ZipFile, name: str) -> ExportSource:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InvalidExport(f"{name}: {len(infos)} entries; an export has at most {MAX_ENTRIES}")
    total = 0
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        _check_entry(info, name)
        total += info.file_size
        if info.is_dir():
            continue
        entries.setdefault(posixpath.basename(info.filename), info)
    if total > MAX_TOTAL_BYTES:
        raise InvalidExport(f"{name}: {_size(total)} once unpacked, more than {_size(MAX_TOTAL_BYTES)}")
    text_entry = _chat_entry(entries, name)
    info = entries[text_entry]
    if info.file_size > MAX_TEXT_BYTES:
        raise InvalidExport(f"{name}: entry {info.filename!r} is {_size(info.file_size)}, more than a chat"
                            f" export's text can be ({_size(MAX_TEXT_BYTES)})")  # fmt: skip
    text = b"".join(_chunks(archive, info))
    return ExportSource(name, text, info.filename, entries, archive)


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    entry = info.filename
    parts = entry.replace("\\", "/").split("/")
    if entry.startswith(("/", "\\")) or ".." in parts or ":" in entry or "\x00" in entry:
        raise InvalidExport(f"{name}: entry {entry!r} points outside the export (path traversal)")
    if info.flag_bits & 0x1:
        raise InvalidExport(f"{name}: entry {entry!r} is encrypted")
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise InvalidExport(
            f"{name}: entry {entry!r} unpacks {info.compress_size} bytes into {_size(info.file_size)}"
            " (a zip bomb, not an export)"
        )


def _chat_entry(entries: dict[str, zipfile.ZipInfo], name: str) -> str:
    """`_chat.txt` (iOS), else the one .txt (Android: `WhatsApp Chat with ….txt`)."""
    if "_chat.txt" in entries:
        return "_chat.txt"
    texts = sorted(entry for entry in entries if entry.lower().endswith(".txt"))
    chats = [entry for entry in texts if entry.lower().startswith(("whatsapp chat", "whatsapp-chat"))]
    if len(chats) == 1 or len(texts) == 1:
        return chats[0] if chats else texts[0]
    if not texts:
        raise InvalidExport(f"{name}: no chat text (.txt) in the zip: not a WhatsApp export")
    raise InvalidExport(f"{name}: several .txt entries and none named like a chat: {', '.join(texts[:5])}")


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    raise InvalidExport(f"entry {info.filename!r} is larger than its header says")
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise InvalidExport(
            f"entry {info.filename!r} cannot be read (truncated or damaged: {error})"
        ) from None
    except NotImplementedError as error:
        raise InvalidExport(f"entry {info.filename!r}: {error}") from None


def _size(count: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
