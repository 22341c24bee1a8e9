from __future__ import annotations

import contextlib
from typing import Any

import pytest
from deeplens.domain.errors import InvalidEnvelope, InvalidJid
from deeplens.domain.media import (
    ByteRange,
    Delivery,
    RangeNotSatisfiable,
    content_disposition,
    content_range,
    delivery_for,
    download_name,
    entity_tag,
    etag_matches,
    extension_for,
    inline_type,
    media_key,
    parse_content_range,
    parse_range,
    unsatisfied_range,
    valid_file_id,
)
from hypothesis import given
from hypothesis import strategies as st

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


# --- delivery to a browser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mime", "served"),
    [
        ("image/jpeg", "image/jpeg"),
        ("IMAGE/PNG", "image/png"),
        ("image/gif", "image/gif"),
        ("image/webp", "image/webp"),
        ("image/avif", "image/avif"),
        ("image/heic", "image/heic"),
        ("audio/ogg; codecs=opus", "audio/ogg"),
        ("audio/mpeg", "audio/mpeg"),
        ("video/mp4", "video/mp4"),
        ("video/quicktime", "video/quicktime"),
        ("application/pdf", "application/pdf"),
        ("image/svg+xml", None),
        ("text/html", None),
        ("text/html; charset=utf-8", None),
        ("application/xhtml+xml", None),
        ("text/xml", None),
        ("application/xml", None),
        ("application/javascript", None),
        ("text/javascript", None),
        ("text/plain", None),
        ("application/octet-stream", None),
        ("application/was", None),
        ("image/x-icon", None),
        ("image/jpeg\r\nSet-Cookie: a=b", None),
        ("video/mp4 x", None),
        ("audio/", None),
        ("", None),
        (None, None),
    ],
)
def test_inline_type_allows_only_raster_images_audio_video_and_pdf_when_asked(
    mime: str | None, served: str | None
) -> None:
    assert inline_type(mime) == served


def test_delivery_is_an_octet_stream_attachment_when_the_type_is_not_allowed() -> None:
    assert delivery_for("text/html", "invite.html", FILE_ID) == Delivery(
        "application/octet-stream", 'attachment; filename="invite.html"'
    )
    assert delivery_for("image/svg+xml", None, FILE_ID).content_disposition == (
        f'attachment; filename="{FILE_ID}.bin"'
    )


def test_delivery_is_inline_under_its_own_type_when_allowed() -> None:
    delivery = delivery_for("audio/ogg; codecs=opus", None, FILE_ID)
    assert delivery == Delivery("audio/ogg", f'inline; filename="{FILE_ID}.ogg"')
    assert delivery.inline


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("report.pdf", 'attachment; filename="report.pdf"'),
        ("Отчёт.pdf", "attachment; filename=\"_.pdf\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf"),
        ("会議.pdf", "attachment; filename=\"_.pdf\"; filename*=UTF-8''%E4%BC%9A%E8%AD%B0.pdf"),
        ("🎉.pdf", "attachment; filename=\"_.pdf\"; filename*=UTF-8''%F0%9F%8E%89.pdf"),
        ("Café menu.pdf", "attachment; filename=\"Cafe menu.pdf\"; filename*=UTF-8''Caf%C3%A9%20menu.pdf"),
        ('say "hi".txt', "attachment; filename=\"say hi.txt\"; filename*=UTF-8''say%20%22hi%22.txt"),
        ("100%.txt", "attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt"),
        ("a\\b.txt", "attachment; filename=\"ab.txt\"; filename*=UTF-8''a%5Cb.txt"),
    ],
)
def test_content_disposition_is_rfc_6266_with_an_ascii_fallback_when_built(name: str, header: str) -> None:
    assert content_disposition("attachment", name) == header
    assert header.isascii()


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("holiday.jpg", "holiday.jpg"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("C:\\Users\\me\\cv.docx", "C:_Users_me_cv.docx"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # no right-to-left override
        ("\x00\x01", f"{FILE_ID}.pdf"),
        ("   ", f"{FILE_ID}.pdf"),
        (None, f"{FILE_ID}.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("y" * 300, "y" * 120),
    ],
)
def test_download_name_keeps_no_control_characters_or_path_when_cleaned(
    file_name: str | None, name: str
) -> None:
    assert download_name("application/pdf", file_name, FILE_ID) == name


# --- byte ranges and entity tags ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, None)),
        ("bytes=-500", ByteRange(None, suffix=500)),
        ("Bytes = 5 - 9", ByteRange(5, 9)),
        ("bytes=0-0", ByteRange(0, 0)),
        ("bytes=0-1,5-6", None),  # several ranges: ignored (the whole file)
        ("items=0-5", None),  # another unit: ignored
    ],
)
def test_parse_range_reads_one_byte_range_when_honoured(
    header: str | None, expected: ByteRange | None
) -> None:
    assert parse_range(header) == expected


@pytest.mark.parametrize(
    "header",
    ["bytes=5-3", "bytes=", "bytes=-", "bytes=abc", "bytes=1-2-3", "garbage", "=0-5", "bytes=" + "9" * 20],
)
def test_parse_range_raises_when_a_bytes_range_is_malformed(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header)


@given(st.text(max_size=40))
def test_parse_range_never_raises_anything_else_when_given_any_text(header: str) -> None:
    with contextlib.suppress(RangeNotSatisfiable):
        parse_range(header)


@pytest.mark.parametrize(
    ("wanted", "size", "span"),
    [
        (ByteRange(0, 99), 2048, (0, 99)),
        (ByteRange(2000, 9999), 2048, (2000, 2047)),
        (ByteRange(100, None), 2048, (100, 2047)),
        (ByteRange(None, suffix=500), 2048, (1548, 2047)),
        (ByteRange(None, suffix=5000), 2048, (0, 2047)),
        (ByteRange(2048, None), 2048, None),
        (ByteRange(None, suffix=0), 2048, None),
        (ByteRange(0, None), 0, None),
        (ByteRange(None, suffix=5), 0, None),
    ],
)
def test_byte_range_resolves_against_the_size_when_known(
    wanted: ByteRange, size: int, span: tuple[int, int] | None
) -> None:
    assert wanted.resolve(size) == span


def test_byte_range_header_is_what_s3_is_sent_when_built() -> None:
    assert (ByteRange(0, 99).header(), ByteRange(7, None).header()) == ("bytes=0-99", "bytes=7-")


def test_content_range_headers_are_rfc_9110_when_built() -> None:
    assert content_range(0, 99, 2048) == "bytes 0-99/2048"
    assert unsatisfied_range(2048) == "bytes */2048"
    assert parse_content_range("bytes 0-99/2048") == (0, 99, 2048)
    assert parse_content_range("bytes */2048") is None
    assert parse_content_range(None) is None


@pytest.mark.parametrize(
    ("if_none_match", "matches"),
    [
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", "abc"', True),
        ("*", True),
        ('"abd"', False),
        ("abc", False),
        ("", False),
        (None, False),
    ],
)
def test_etag_matches_by_weak_comparison_when_revalidated(if_none_match: str | None, matches: bool) -> None:
    assert etag_matches(if_none_match, '"abc"') is matches


def test_entity_tag_is_the_bucket_etag_or_file_id_and_size_when_built() -> None:
    assert (
        entity_tag('"9b2cf535f27731c974343645a3985328"', FILE_ID, 10) == '"9b2cf535f27731c974343645a3985328"'
    )
    assert entity_tag("", FILE_ID, 10) == f'"{FILE_ID}-10"'
    assert entity_tag("not quoted", FILE_ID, 10) == f'"{FILE_ID}-10"'
