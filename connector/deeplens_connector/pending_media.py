"""Media a stop left undownloaded, kept durably until the next process fetches it.

On SIGTERM the media pool starts no new download: each message still waiting for its media is
published at once with media `pending`, and what neonize needs to fetch it later (the MediaRef:
direct path, media key, hashes, length, mime) is kept here with the message as published, one JSON
file per media file in the spool's `pending-media/` folder. The next session process downloads them
once connected and publishes each message again with the outcome; ingest keeps the better media
status (`stored` outranks `pending`), so the archive ends as if the stop had not happened.

The media key decrypts the file on WhatsApp's CDN: it never enters the envelope, the event log or
the database, so it is kept only on this disk (mode 0600), next to the spool, and deleted once the
outcome is published.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from deeplens.domain.envelope import MessageSeen

from deeplens_connector.translate import MediaRef

log = logging.getLogger("deeplens.connector.media")
_BYTES_FIELDS = frozenset({"media_key", "file_enc_sha256", "file_sha256"})
FOLDER = "pending-media"


@dataclass(frozen=True)
class PendingFetch:
    """One kept download: the message as published (media pending) and how to fetch its media."""

    path: Path
    message: MessageSeen
    ref: MediaRef


class PendingMedia:
    def __init__(self, spool_dir: Path) -> None:
        self.directory = spool_dir / FOLDER

    def keep(self, message: MessageSeen, ref: MediaRef) -> Path:
        """Write (durably, all or nothing) one record; the same media again replaces it."""
        record = {"v": 1, "message": message.model_dump(mode="json"), "ref": ref_record(ref)}
        return _write_private(self.directory, f"{ref.file_id}.json", json.dumps(record).encode())

    def load(self) -> list[PendingFetch]:
        """Every kept download, oldest first; an unreadable record is logged and renamed `.bad`."""
        if not self.directory.is_dir():
            return []
        paths = sorted(self.directory.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
        kept = []
        for path in paths:
            try:
                kept.append(_read(path))
            except (OSError, ValueError, TypeError, KeyError) as error:
                log.error("pending media record unreadable", extra={"path": str(path), "error": str(error)})
                path.rename(path.with_suffix(".bad"))
        return kept

    def forget(self, path: Path) -> None:
        path.unlink(missing_ok=True)


def ref_record(ref: MediaRef) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for field in fields(ref):
        value = getattr(ref, field.name)
        record[field.name] = base64.b64encode(value).decode() if field.name in _BYTES_FIELDS else value
    return record


def ref_from_record(record: dict[str, Any]) -> MediaRef:
    values: dict[str, Any] = {field.name: record[field.name] for field in fields(MediaRef)}
    for name in _BYTES_FIELDS:
        values[name] = base64.b64decode(values[name])
    return MediaRef(**values)


def _read(path: Path) -> PendingFetch:
    record = json.loads(path.read_bytes())
    return PendingFetch(path, MessageSeen.model_validate(record["message"]), ref_from_record(record["ref"]))


def _write_private(folder: Path, name: str, data: bytes) -> Path:
    """Temporary name (mode 0600), fsync, rename, fsync the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / (name + ".tmp")
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    final = folder / name
    temporary.rename(final)
    folder_descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(folder_descriptor)
    finally:
        os.close(folder_descriptor)
    return final
