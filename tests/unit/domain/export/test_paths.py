"""Names inside the zip: always one safe component, whatever the sender called a file."""

from __future__ import annotations

import pytest
from deeplens.domain.export.paths import chat_dir, media_name, page_name, safe_component, text_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "file"),
        ("...", "file"),
        ("/absolute", "_absolute"),
        ("C:\\Windows\\x.exe", "C__Windows_x.exe"),
        ("a\x00b\nc", "abc"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ('what?<>|*".txt', "what______.txt"),
        (" trailing dots... ", "trailing dots"),
        ("", "file"),
        (None, "file"),
        ("Привет 👋.pdf", "Привет 👋.pdf"),
    ],
)
def test_safe_component(raw: str | None, expected: str) -> None:
    assert safe_component(raw) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_component("x" * 300 + ".pdf")
    assert len(name) == 80 and name.endswith(".pdf")


def test_media_names_are_unique_per_file_and_never_leave_the_folder() -> None:
    assert media_name("F1", "image/jpeg", None) == "F1.jpg"
    assert media_name("F1", "application/pdf", "../../x.pdf") == "F1__.._x.pdf"
    assert "/" not in media_name("F2", "application/pdf", "a/b\\c.pdf")
    assert media_name("F3", "application/pdf", "..") == "F3_F3.pdf"


def test_files_a_browser_would_run_open_as_text() -> None:
    assert media_name("F1", "text/html", "evil.html") == "F1_evil.html.txt"
    assert media_name("F2", "image/svg+xml", "logo.SVG") == "F2_logo.SVG.txt"
    assert media_name("F3", "application/pdf", "report.pdf") == "F3_report.pdf"


def test_chat_folders() -> None:
    anna = chat_dir("4915112345678@s.whatsapp.net", "Anna/../Schmidt")
    assert anna == "chats/Anna_.._Schmidt-4915112345678"
    group = chat_dir("120363012345678901@g.us", "")
    assert group == "chats/chat-120363012345678901"
    lid = chat_dir("weird-id@lid", "..")
    assert lid.startswith("chats/chat-") and len(lid.rsplit("-", 1)[1]) == 10
    assert text_name('"Anna"') == "WhatsApp Chat with _Anna_.txt"
    assert page_name("2025-11", 1) == "2025-11.html" and page_name("2025-11", 3) == "2025-11-3.html"
