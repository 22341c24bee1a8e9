"""The parser against every export shape the tests can write: locales, clocks, marks, system lines,
attachments, multi-line and empty messages."""

from __future__ import annotations

from datetime import datetime

import pytest
from deeplens.domain.chat_export.parse import parse_export
from deeplens.domain.chat_export.text import decode_export, normalized
from deeplens.domain.errors import InvalidExport

from tests.unit.domain.chat_export.builders import LRM, android_line, export_text, ios_line

EVE = datetime(2020, 12, 31, 23, 59)
NOON = datetime(2021, 1, 2, 12, 5)
MORNING = datetime(2021, 1, 3, 9, 7)


@pytest.mark.parametrize(
    "style",
    [
        "dmy4",
        "dmy2-dot",
        "mdy2-ampm",
        "mdy2-pm-dots",
        "dmy4-es",
        "iso",
        "dmy4-dash-word",
        "fi",
        "dmy2-lower-pm",
    ],
)
def test_android_locales_give_the_same_times(style: str) -> None:
    text = export_text(
        [
            android_line(EVE, "Anna", "last of the year", style=style),
            android_line(NOON, "Ben", "noon", style=style),
            android_line(MORNING, "Anna", "morning", style=style),
        ]
    )
    parsed = parse_export(text)
    assert [m.local_time for m in parsed.messages] == [EVE, NOON, MORNING]
    assert [m.sender for m in parsed.messages] == ["Anna", "Ben", "Anna"]
    assert [m.body.text for m in parsed.messages] == ["last of the year", "noon", "morning"]
    assert parsed.style == "android"


@pytest.mark.parametrize("style", ["dmy2", "mdy2-ampm", "dmy4-dot"])
def test_ios_bracketed_lines_with_seconds(style: str) -> None:
    at = datetime(2020, 12, 31, 23, 59, 58)
    text = export_text([ios_line(at, "Anna", "hi", style=style), ios_line(NOON, "Ben", "yo", style=style)])
    parsed = parse_export(text)
    assert [m.local_time for m in parsed.messages] == [at, NOON]
    assert all(m.has_seconds for m in parsed.messages)
    assert parsed.style == "ios"


def test_ambiguous_dates_follow_the_chat_forward_in_time() -> None:
    # 01/02 then 02/01 then 03/01: day-first runs 1 Feb -> 2 Jan (back); month-first runs forward.
    lines = [
        android_line(datetime(2021, 1, 2, 10, 0), "A", "x", style="dmy4"),
        android_line(datetime(2021, 2, 1, 10, 0), "A", "y", style="dmy4"),
        android_line(datetime(2021, 3, 1, 10, 0), "A", "z", style="dmy4"),
    ]
    parsed = parse_export(export_text(lines))
    assert parsed.order.order == "day-first"
    swapped = parse_export(export_text(lines), order="month-first")
    assert swapped.messages[0].local_time == datetime(2021, 2, 1, 10, 0)
    assert swapped.order.reason == "given"


def test_a_day_above_twelve_decides_the_whole_file() -> None:
    lines = [
        android_line(datetime(2021, 1, 5, 10, 0), "A", "x", style="mdy2-ampm"),
        android_line(datetime(2021, 1, 13, 10, 0), "A", "y", style="mdy2-ampm"),
    ]
    parsed = parse_export(export_text(lines))
    assert parsed.order.order == "month-first" and "line 2" in parsed.order.reason
    assert parsed.messages[0].local_time == datetime(2021, 1, 5, 10, 0)


def test_contradicting_dates_name_both_lines() -> None:
    text = "13/01/2021, 10:00 - A: x\n01/13/2021, 10:00 - A: y\n"
    with pytest.raises(InvalidExport, match=r"line 1 .* line 2"):
        parse_export(text)


def test_multi_line_messages_and_marks_around_names() -> None:
    text = export_text(
        [
            android_line(EVE, f"{LRM}\u202a+49 151 2345678\u202c", "first\nsecond\n\nfourth"),
            ios_line(NOON, f"{LRM}Ben", f"{LRM}line one", mark=True),
            "continuation of Ben",
        ]
    )
    parsed = parse_export(text)
    assert parsed.messages[0].sender == "+49 151 2345678"
    assert parsed.messages[0].body.text == "first\nsecond\n\nfourth"
    assert parsed.messages[1].sender == "Ben"
    assert parsed.messages[1].body.text == "line one\ncontinuation of Ben"


def test_system_lines_are_skipped_with_their_reason() -> None:
    text = export_text(
        [
            android_line(
                EVE,
                None,
                "Messages and calls are end-to-end encrypted. No one outside of this chat can read them.",
            ),
            android_line(EVE, None, 'Anna created group "Family: the real one"'),
            android_line(EVE, None, "Anna added Ben"),
            android_line(EVE, None, "Ben left"),
            android_line(EVE, None, 'Anna changed the subject from "a" to "b: c"'),
            android_line(EVE, "Anna", "This message was deleted"),
            android_line(EVE, "Anna", "Missed voice call"),
            android_line(EVE, "Anna", ""),
            ios_line(NOON, "Family", f"{LRM}Anna added Carla"),
            android_line(MORNING, "Anna", "still here"),
        ]
    )
    parsed = parse_export(text)
    reasons = [s.reason for s in parsed.skipped]
    assert reasons == [
        "system line: encryption notice",
        "system line: group created",
        "system line: member added",
        "system line: member left",
        "system line: subject changed",
        "deleted message",
        "call",
        "empty message",
        "system line: member added",
    ]
    assert [m.body.text for m in parsed.messages] == ["still here"]


def test_attachments_in_both_spellings_with_captions() -> None:
    text = export_text(
        [
            android_line(EVE, "Anna", f"{LRM}IMG-20201231-WA0001.jpg (file attached)\nfireworks!"),
            android_line(EVE, "Anna", "PTT-20201231-WA0002.opus (Datei angehängt)"),
            ios_line(NOON, "Ben", f"{LRM}<attached: 00000012-PHOTO-2020-12-31-23-59-59.jpg>"),
            android_line(MORNING, "Ben", "<Media omitted>"),
            ios_line(MORNING, "Ben", f"{LRM}video omitted"),
            android_line(MORNING, "Ben", "location: https://maps.google.com/?q=52.52,13.405"),
        ]
    )
    bodies = [m.body for m in parse_export(text).messages]
    assert [(b.kind, b.attachment, b.text) for b in bodies[:3]] == [
        ("attachment", "IMG-20201231-WA0001.jpg", "fireworks!"),
        ("attachment", "PTT-20201231-WA0002.opus", None),
        ("attachment", "00000012-PHOTO-2020-12-31-23-59-59.jpg", None),
    ]
    assert [(b.kind, b.media_hint) for b in bodies[3:5]] == [
        ("media_omitted", None),
        ("media_omitted", "video"),
    ]
    assert (bodies[5].kind, bodies[5].latitude, bodies[5].longitude) == ("location", 52.52, 13.405)


def test_edited_marker_is_removed_and_remembered() -> None:
    text = export_text([android_line(EVE, "Anna", f"fixed typo {LRM}<This message was edited>")])
    [message] = parse_export(text).messages
    assert (message.body.text, message.body.edited) == ("fixed typo", True)


def test_not_an_export_names_line_one() -> None:
    with pytest.raises(InvalidExport, match="line 1: not a WhatsApp chat export"):
        parse_export("Dear diary,\ntoday I wrote no chat.\n" * 30, "notes.txt")


def test_impossible_date_names_its_line() -> None:
    text = "31/12/2020, 23:59 - A: x\n30/02/2021, 10:00 - A: y\n"
    with pytest.raises(InvalidExport, match="line 2: 30/02/2021"):
        parse_export(text)


def test_decoding_bom_utf16_and_a_bad_byte() -> None:
    line = android_line(EVE, "Zoë", "hé") + "\n"
    assert decode_export(b"\xef\xbb\xbf" + line.encode(), "c") == line
    assert decode_export(line.encode("utf-16"), "c") == line
    assert decode_export(line.encode("cp1252"), "c", "cp1252") == line
    with pytest.raises(InvalidExport, match=r"c line 2, column 23: not utf-8"):
        decode_export(b"fine\n" + line.encode("cp1252"), "c")
    with pytest.raises(InvalidExport, match="unknown encoding"):
        decode_export(b"", "c", "klingon")


def test_normalized_text_ignores_whitespace_and_marks() -> None:
    assert normalized(f"  hello \n  {LRM}world\u00a0 ") == "hello world"
