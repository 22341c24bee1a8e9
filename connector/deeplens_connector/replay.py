"""Recorded neonize events: the file format, and feeding a recording through neonize's own
dispatcher into the SAME handlers as a live session (translate -> tracking -> media -> publisher).

File: `DLREC1\n`, then records of `>HI` (event code, payload length) + payload. The payload of an
event code is its serialized neonize protobuf (as Go hands it to Python); code 0 is the Device
event (our own JID). Code MEDIA_RECORD carries the plain bytes of one media file, keyed by its
directPath: that is how a replay has media without WhatsApp (`RecordedMedia` is the injected
download function; a message whose bytes are not in the file gets "status code 410" ->
`unavailable`, as expired media does live).
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from neonize._binder import func_callback_bytes
from neonize.events import EVENT_TO_INT

from deeplens_connector.media import MediaUnavailable
from deeplens_connector.translate import MediaRef

MAGIC = b"DLREC1\n"
MEDIA_RECORD = 0xFFFF
PICTURE_RECORD = 0xFFFE  # a profile picture: its bucket key (profile/{jid}/{picture_id}.jpg) + JPEG
_HEADER = struct.Struct(">HI")
_PATH = struct.Struct(">H")


class RecordingError(Exception):
    """Not a recording, or a truncated one."""


class RecordWriter:
    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        handle.write(MAGIC)

    def event(self, ev: Any) -> None:
        """A neonize event proto (already complete: required fields set)."""
        self._record(EVENT_TO_INT[type(ev)], ev.SerializeToString())

    def media(self, direct_path: str, data: bytes) -> None:
        path = direct_path.encode()
        self._record(MEDIA_RECORD, _PATH.pack(len(path)) + path + data)

    def picture(self, key: str, data: bytes) -> None:
        path = key.encode()
        self._record(PICTURE_RECORD, _PATH.pack(len(path)) + path + data)

    def _record(self, code: int, payload: bytes) -> None:
        self._handle.write(_HEADER.pack(code, len(payload)) + payload)


def read_records(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise RecordingError(f"{path}: not a DeepLens recording")
        while header := handle.read(_HEADER.size):
            if len(header) < _HEADER.size:
                raise RecordingError(f"{path}: truncated record header")
            code, size = _HEADER.unpack(header)
            payload = handle.read(size)
            if len(payload) < size:
                raise RecordingError(f"{path}: truncated record (code {code})")
            yield code, payload


class RecordedMedia:
    """The download function of a replay: media bytes from the recording, by directPath."""

    def __init__(self, files: dict[str, bytes], pictures: dict[str, bytes] | None = None) -> None:
        self.files = files
        self.pictures = pictures or {}  # bucket key -> JPEG (deeplens_connector.pictures.RecordedPictures)

    @classmethod
    def from_file(cls, path: Path) -> RecordedMedia:
        files: dict[str, bytes] = {}
        pictures: dict[str, bytes] = {}
        for code, payload in read_records(path):
            if code in (MEDIA_RECORD, PICTURE_RECORD):
                (length,) = _PATH.unpack_from(payload)
                found = files if code == MEDIA_RECORD else pictures
                found[payload[2 : 2 + length].decode()] = payload[2 + length :]
        return cls(files, pictures)

    def __call__(self, ref: MediaRef) -> bytes:
        data = self.files.get(ref.direct_path)
        if data is None:
            raise MediaUnavailable("download failed with status code 410 (not in the recording)")
        return data


@dataclass
class ReplayStats:
    events: int = 0
    media_files: int = 0
    pictures: int = 0


def feed_bytes(client: Any, code: int, payload: bytes) -> None:
    """Exactly what the Go core does: the bytes through a ctypes callback into Event.execute."""
    buffer = ctypes.create_string_buffer(payload, len(payload))
    func_callback_bytes(client.event.execute)(client.uuid, ctypes.addressof(buffer), len(payload), code)


def replay_into(client: Any, path: Path) -> ReplayStats:
    stats = ReplayStats()
    for code, payload in read_records(path):
        if code == MEDIA_RECORD:
            stats.media_files += 1
            continue
        if code == PICTURE_RECORD:
            stats.pictures += 1
            continue
        feed_bytes(client, code, payload)
        stats.events += 1
    return stats
