"""The JSON export: valid JSON when streamed message by message, and valid against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from deeplens.domain.export import json_render
from deeplens.domain.export.records import (
    ExportChat,
    ExportMessage,
    Media,
    Poll,
    Quote,
    Reaction,
    Version,
    Vote,
)

SCHEMA = Path(__file__).resolve().parents[4] / "docs" / "export-v1.schema.json"
T0 = 1_764_000_000_000


def messages() -> list[ExportMessage]:
    plain = ExportMessage("M1", T0, "1@s.whatsapp.net", "Anna", False, "text", "<script>alert(1)</script>")
    full = ExportMessage(
        "M2",
        T0 + 1,
        None,
        None,
        True,
        "image",
        "caption",
        edited_at=T0 + 5,
        deleted_at=T0 + 9,
        versions=(Version(T0 + 1, "original", True), Version(T0 + 5, "caption", False)),
        quoted=Quote("M1", "1@s.whatsapp.net", "Anna", "hi", "text"),
        reactions=(Reaction("👍", "1@s.whatsapp.net", None, T0 + 3),),
        media=Media("F1", "image/jpeg", None, 10, "stored", 4, 3, None, export_name="F1.jpg"),
    )
    poll = ExportMessage(
        "M3", T0 + 2, "1@s.whatsapp.net", "Anna", False, "poll", None,
        poll=Poll("Lunch?", ("Pizza",), (Vote("2@s.whatsapp.net", "Bob", ("Pizza",), T0 + 4),)),
    )  # fmt: skip
    return [plain, full, poll]


def document(items: list[ExportMessage]) -> str:
    chat = ExportChat("1@s.whatsapp.net", 'Anna "A"', "direct")
    parts = [json_render.prefix(chat, T0 + 10, "Europe/Berlin")]
    parts.extend(json_render.message(item, first=index == 0) for index, item in enumerate(items))
    parts.append(json_render.suffix())
    return "".join(parts)


def test_streamed_pieces_make_one_json_document_valid_against_the_schema() -> None:
    data = json.loads(document(messages()))
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["format"] == "deeplens-chat-export" and data["version"] == 1
    assert data["chat"] == {"jid": "1@s.whatsapp.net", "name": 'Anna "A"', "kind": "direct"}
    assert [m["id"] for m in data["messages"]] == ["M1", "M2", "M3"]
    assert data["messages"][0]["text"] == "<script>alert(1)</script>"
    assert data["messages"][1]["media"]["path"] == "F1.jpg"
    assert data["messages"][1]["time"] == "2025-11-24T16:00:00.001+00:00"
    assert data["messages"][2]["poll"]["votes"][0]["options"] == ["Pizza"]


def test_an_empty_chat_is_valid_too() -> None:
    data = json.loads(document([]))
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["messages"] == []
