"""Bad files: each refused with the entry or line named, before anything could be published."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from deeplens.domain.chat_export.archive import MAX_TEXT_BYTES, open_export
from deeplens.domain.errors import InvalidExport

from tests.unit.domain.chat_export.builders import android_line, export_text, zip_bytes

from .test_parse import EVE

CHAT = export_text([android_line(EVE, "Anna", "IMG-20201231-WA0001.jpg (file attached)")]).encode()
PHOTO = b"\xff\xd8\xff" + os.urandom(2000)


def opened(data: bytes, name: str = "export.zip") -> tuple[bytes, str | None, dict[str, int]]:
    with open_export(io.BytesIO(data), name, len(data)) as source:
        media = source.media_file("IMG-20201231-WA0001.jpg")
        return source.text, source.text_entry, {"media": media.size if media else -1}


def test_a_zip_with_chat_and_media() -> None:
    text, entry, media = opened(
        zip_bytes({"WhatsApp Chat with Anna.txt": CHAT, "IMG-20201231-WA0001.jpg": PHOTO})
    )
    assert (text, entry, media) == (CHAT, "WhatsApp Chat with Anna.txt", {"media": len(PHOTO)})


def test_a_plain_text_export() -> None:
    assert opened(CHAT, "chat.txt") == (CHAT, None, {"media": -1})


def test_truncated_zip_is_named() -> None:
    data = zip_bytes({"_chat.txt": CHAT, "IMG-20201231-WA0001.jpg": PHOTO})
    with pytest.raises(InvalidExport, match=r"export.zip: not a readable zip \(truncated or damaged"):
        opened(data[: len(data) // 2])


def test_damaged_entry_is_named() -> None:
    data = bytearray(zip_bytes({"_chat.txt": CHAT, "IMG-20201231-WA0001.jpg": PHOTO}, zipfile.ZIP_STORED))
    start = data.index(PHOTO[:64])
    data[start + 100] ^= 0xFF
    with pytest.raises(InvalidExport, match=r"entry 'IMG-20201231-WA0001\.jpg' cannot be read"):
        opened(bytes(data))


@pytest.mark.parametrize("evil", ["../../etc/cron.d/x", "/etc/passwd", "media/../../x.jpg", "C:\\x.jpg"])
def test_path_traversal_is_refused(evil: str) -> None:
    with pytest.raises(InvalidExport, match="path traversal"):
        opened(zip_bytes({"_chat.txt": CHAT, evil: b"x"}))


def test_zip_bomb_is_refused() -> None:
    with pytest.raises(InvalidExport, match="zip bomb"):
        opened(zip_bytes({"_chat.txt": CHAT, "IMG-1.jpg": b"\0" * (64 * 1024 * 1024)}))


def test_zip_without_a_chat_text() -> None:
    with pytest.raises(InvalidExport, match="no chat text"):
        opened(zip_bytes({"IMG-1.jpg": PHOTO}))


def test_a_two_gigabyte_text_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "chat.txt"
    with big.open("wb") as handle:
        handle.write(CHAT)
        handle.truncate(2 * 1024**3)  # sparse: costs no disk
    with (
        big.open("rb") as handle,
        pytest.raises(InvalidExport, match=r"chat\.txt: 2\.0 GB is more than"),
        open_export(handle, "chat.txt", big.stat().st_size),
    ):
        pass
    assert big.stat().st_size > MAX_TEXT_BYTES
