from __future__ import annotations

from typing import Any

import pytest
from deeplens.domain.errors import InvalidEnvelope, InvalidJid
from deeplens.domain.media import extension_for, media_key, valid_file_id

PN = "4915112345678@s.whatsapp.net"
FILE_ID = "000bddd63fd135190937e21b21688fb3"
T0 = 1_764_000_000_000  # 2025-11-24T16:00:00Z


@pytest.mark.parametrize(
    ("chat", "at_ms", "key"),
    [
        (PN, T0, f"{PN}/2025-11-24/{FILE_ID}.jpg"),
        ("4915112345678:12@s.whatsapp.net", T0, f"{PN}/2025-11-24/{FILE_ID}.jpg"),
        ("120363012345678901@g.us", 1_764_028_799_999, f"120363012345678901@g.us/2025-11-24/{FILE_ID}.jpg"),
        ("120363012345678901@g.us", 1_764_028_800_000, f"120363012345678901@g.us/2025-11-25/{FILE_ID}.jpg"),
    ],
)
def test_media_key_uses_canonical_chat_and_utc_day_when_built(chat: str, at_ms: int, key: str) -> None:
    assert media_key(chat, at_ms, FILE_ID, "jpg") == key


@pytest.mark.parametrize(
    ("chat", "file_id", "ext", "error"),
    [
        (PN, "../../x", "jpg", InvalidEnvelope),
        (PN, FILE_ID, "j/pg", InvalidEnvelope),
        (PN, FILE_ID, "", InvalidEnvelope),
        ("not-a-jid", FILE_ID, "jpg", InvalidJid),
    ],
)
def test_media_key_raises_when_a_part_could_escape_the_layout(
    chat: str, file_id: str, ext: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        media_key(chat, T0, file_id, ext)


def test_media_key_raises_when_timestamp_is_negative() -> None:
    with pytest.raises(InvalidEnvelope, match="negative"):
        media_key(PN, -1, FILE_ID, "jpg")


@pytest.mark.parametrize(
    ("mime", "file_name", "ext"),
    [
        ("image/jpeg", None, "jpg"),
        ("Image/JPEG", None, "jpg"),
        ("image/webp", None, "webp"),
        ("video/mp4", "clip.mov", "mp4"),
        ("audio/ogg; codecs=opus", None, "ogg"),
        ("audio/mpeg", None, "mp3"),
        ("application/pdf", "Protokoll_2025-11.pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None, "docx"),
        ("application/octet-stream", "Report.PDF", "pdf"),
        ("application/x-unknown", "backup.tar.gz", "gz"),
        (None, "notes.txt", "txt"),
        ("application/octet-stream", "../../etc/passwd", "bin"),
        ("application/octet-stream", "no extension", "bin"),
        ("application/octet-stream", "file.averyveryverylongext", "bin"),
        ("application/octet-stream", "trailing.", "bin"),
        (None, None, "bin"),
        ("", "", "bin"),
    ],
)
def test_extension_for_prefers_mime_then_file_name_when_guessing(
    mime: str | None, file_name: str | None, ext: str
) -> None:
    assert extension_for(mime, file_name) == ext


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (FILE_ID, True),
        ("abc_DEF-123", True),
        ("a" * 128, True),
        ("short", False),
        ("a" * 129, False),
        ("../etc/passwd", False),
        ("aaaa/bbbb", False),
        ("abcdefgh.jpg", False),
        ("abcdefgh\n", False),
        ("abcdefgh%2F", False),
        ("", False),
        (None, False),
    ],
)
def test_valid_file_id_refuses_path_tricks_when_checked(value: Any, valid: bool) -> None:
    assert valid_file_id(value) is valid
