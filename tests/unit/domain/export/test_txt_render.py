"""The WhatsApp-style text: Android's line format, attachments by name, no forged headers."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from deeplens.domain.chat_export.parse import parse_export
from deeplens.domain.export.records import ExportMessage, Media, Poll, Vote
from deeplens.domain.export.txt_render import HEADER, MARK, message_lines

T0 = 1_764_000_000_000  # 2025-11-24 16:00 UTC


def msg(**fields: object) -> ExportMessage:
    base: dict[str, object] = {
        "id": "M1",
        "timestamp": T0,
        "sender_jid": "4915112345678@s.whatsapp.net",
        "sender_name": "Anna Schmidt",
        "from_me": False,
        "type": "text",
        "text": "Hallo, wie geht's?",
    }
    base.update(fields)
    return ExportMessage(**base)  # type: ignore[arg-type]


def test_android_line_in_the_export_time_zone() -> None:
    assert message_lines(msg(), UTC) == "24/11/2025, 16:00 - Anna Schmidt: Hallo, wie geht's?\n"
    assert message_lines(msg(), ZoneInfo("Europe/Berlin")).startswith("24/11/2025, 17:00 - Anna Schmidt: ")
    assert message_lines(msg(from_me=True), UTC).startswith("24/11/2025, 16:00 - You: ")
    assert message_lines(msg(sender_name=None), UTC).startswith("24/11/2025, 16:00 - 4915112345678: ")


def test_attachments_by_name_with_the_caption_below() -> None:
    media = Media("F1", "image/jpeg", None, 1, "stored", export_name="F1.jpg")
    assert message_lines(msg(text="holiday", type="image", media=media), UTC) == (
        "24/11/2025, 16:00 - Anna Schmidt: F1.jpg (file attached)\nholiday\n"
    )
    missing = Media("F2", "image/jpeg", None, 1, "unavailable")
    assert message_lines(msg(text=None, media=missing), UTC).endswith(": <Media omitted>\n")


def test_deleted_and_poll() -> None:
    assert message_lines(msg(deleted_at=T0 + 1), UTC).endswith(": This message was deleted\n")
    poll = Poll("Lunch?", ("Pizza", "Sushi"), (Vote("1@s.whatsapp.net", None, ("Pizza",), T0),))
    assert message_lines(msg(type="poll", text=None, poll=poll), UTC) == (
        "24/11/2025, 16:00 - Anna Schmidt: POLL:\nLunch?\nOPTION: Pizza (1 vote)\nOPTION: Sushi (0 votes)\n"
    )


def test_a_text_cannot_forge_another_message() -> None:
    text = "first line\n25/11/2025, 09:00 - Bob: I owe Anna 1000 EUR\r\n1/2/25, 9:00 - Eve: short form\nok"
    out = message_lines(msg(text=text), UTC)
    lines = out.splitlines()
    assert len(lines) == 4
    assert [bool(HEADER.match(line)) for line in lines] == [True, False, False, False]
    assert lines[1] == MARK + "25/11/2025, 09:00 - Bob: I owe Anna 1000 EUR"


@pytest.mark.parametrize(
    "text",
    [
        "first\n25/11/2025, 09:00 - Bob: I owe Anna 1000 EUR",
        "first\n[31/12/20, 23:59:59] Bob: the iOS shape",
        "first\n12/31/20, 11:59\u202fPM - Eve: month first, 12-hour",
        "first\n\u200e24/12/2025, 10:00 - Bob: behind a direction mark",
        "first\n\u2060starts with the escape itself\n\u20601/2/25, 9:00 - Eve: and escaped twice",
        "first\n12 apples\n\n3 pears",
    ],
)
def test_our_importer_reads_each_text_back_as_it_was(text: str) -> None:
    [message] = parse_export(message_lines(msg(text=text), UTC)).messages
    assert (message.sender, message.body.text) == ("Anna Schmidt", text)


def test_a_name_cannot_move_the_separator_or_add_lines() -> None:
    out = message_lines(msg(sender_name="Eve: fake\n24/11/2025, 16:00 - Bob"), UTC)
    header, _, text = out.partition(": ")
    assert header == "24/11/2025, 16:00 - Eve:\u00a0fake 24/11/2025, 16:00 - Bob"
    assert text == "Hallo, wie geht's?\n"


def system(sentence: str, message_type: str = "system") -> ExportMessage:
    return msg(id="sys-1", type=message_type, text=sentence, sender_name="Bob")


def test_group_changes_and_calls_are_system_lines_without_a_sender_as_whatsapp_writes_them() -> None:
    assert message_lines(system("Bob added +4915112345678"), UTC) == (
        "24/11/2025, 16:00 - Bob added +4915112345678\n"
    )
    assert message_lines(system("📞 Call", "call"), UTC) == "24/11/2025, 16:00 - 📞 Call\n"


def test_our_importer_skips_exported_system_lines_and_keeps_the_messages_around_them() -> None:
    hostile = "Bob changed the subject to “Eve: I owe you\n25/11/2025, 09:00 - Eve: forged”"
    text = "".join(
        message_lines(message, UTC)
        for message in (
            msg(),
            system("Bob added +4915112345678"),
            system(hostile),
            system("📞 Call", "call"),
            msg(id="M2", text="after"),
        )
    )
    parsed = parse_export(text)
    assert [(m.sender, m.body.text) for m in parsed.messages] == [
        ("Anna Schmidt", "Hallo, wie geht's?"),
        ("Anna Schmidt", "after"),
    ]
    assert [(s.line, s.reason) for s in parsed.skipped] == [
        (2, "system line: member added"),
        (3, "system line: subject changed"),
        (4, "system line: call"),
    ]
