from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
from deeplens.domain.envelope import (
    EVENT_KINDS,
    ConnectionChanged,
    MessageSeen,
    MessageType,
    dump_event,
    parse_event,
)
from deeplens.domain.errors import InvalidEnvelope, UnsupportedVersion
from deeplens.domain.schema_export import envelope_json_schema, render_schema
from pydantic import ValidationError

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "docs" / "envelope-v1.schema.json"
Golden = Callable[[str], dict[str, Any]]

REQUIRED_FIELD = {
    "message": "timestamp_ms",
    "edit": "target",
    "revoke": "revoked_by",
    "reaction": "emoji",
    "receipt": "message_ids",
    "poll_vote": "voter_jid",
    "message_state": "state",
    "call": "call_id",
    "chat": "chat_kind",
    "chat_state": "changed_at_ms",
    "group_change": "change",
    "contact": "jid",
    "lid_mapping": "lid",
    "picture": "changed_at_ms",
    "connection": "state",
}
WRONG_TYPE = {
    "message": ("from_me", "true"),
    "edit": ("edited_at_ms", "1764000030000"),
    "revoke": ("target", "3EB0C767D26A1D6B8A2F"),
    "reaction": ("emoji", 128077),
    "receipt": ("status", 2.0),
    "poll_vote": ("selected_options", "Samstag"),
    "message_state": ("on", "true"),
    "call": ("from_me", "false"),
    "chat": ("participants", {"jid": "4915112345678@s.whatsapp.net"}),
    "chat_state": ("muted_until_ms", "for ever"),
    "group_change": ("participants", "4915122223333@s.whatsapp.net"),
    "contact": ("push_name", ["Anna"]),
    "lid_mapping": ("phone_jid", 4915112345678),
    "picture": ("picture_id", 1764001310),
    "connection": ("state", "online"),
}


def rejected(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidEnvelope) as caught:
        parse_event(data)
    reason = str(caught.value)
    assert "\n" not in reason
    return reason


def test_golden_parses_and_round_trips_when_dumped_and_parsed_again(
    golden_name: str, load_golden: Golden
) -> None:
    golden = load_golden(golden_name)
    event = parse_event(golden)
    assert dump_event(event) == golden  # goldens are stored exactly as dump_event writes them
    assert parse_event(dump_event(event)) == event
    assert golden_name.split("_", maxsplit=1)[0] in event.kind


def test_golden_parses_the_same_when_given_as_json_text_or_bytes(
    golden_name: str, load_golden: Golden
) -> None:
    golden = load_golden(golden_name)
    text = json.dumps(golden, ensure_ascii=False)
    assert parse_event(text) == parse_event(text.encode()) == parse_event(golden)


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_event_is_rejected_when_a_required_field_is_missing(kind: str, golden_of_kind: Golden) -> None:
    for field in (REQUIRED_FIELD[kind], "event_id", "session", "occurred_at_ms", "source"):
        data = golden_of_kind(kind)
        del data[field]
        assert rejected(data) == f"{kind}.{field}: Field required"


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_event_is_rejected_when_a_field_has_the_wrong_type(kind: str, golden_of_kind: Golden) -> None:
    field, value = WRONG_TYPE[kind]
    data = golden_of_kind(kind)
    data[field] = value
    assert rejected(data).startswith(f"{kind}.{field}")
    data = golden_of_kind(kind)
    data["occurred_at_ms"] = str(data["occurred_at_ms"])  # strict: no "12" for 12
    assert rejected(data).startswith(f"{kind}.occurred_at_ms: Input should be a valid integer")


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_event_is_rejected_when_it_has_an_extra_top_level_field(kind: str, golden_of_kind: Golden) -> None:
    data = golden_of_kind(kind) | {"chat_name": "Anna"}
    assert rejected(data) == f"{kind}.chat_name: Extra inputs are not permitted"


@pytest.mark.parametrize("kind", EVENT_KINDS)
@pytest.mark.parametrize("version", [2, 0, "1", True, None])
def test_event_raises_unsupported_version_when_v_is_not_1(
    kind: str, version: Any, golden_of_kind: Golden
) -> None:
    with pytest.raises(UnsupportedVersion, match=r"^v: unsupported version"):
        parse_event(golden_of_kind(kind) | {"v": version})


def test_event_is_invalid_but_not_unsupported_when_v_is_missing(golden_of_kind: Golden) -> None:
    data = golden_of_kind("message")
    del data["v"]
    with pytest.raises(InvalidEnvelope, match=r"^v: Field required$") as caught:
        parse_event(data)
    assert not isinstance(caught.value, UnsupportedVersion)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "sticker_pack"}, "kind: Input tag 'sticker_pack' found using 'kind' does not match"),
        ({"kind": None}, "kind: "),
        ({"timestamp_ms": "soon"}, "message.timestamp_ms: Input should be a valid integer"),
        ({"timestamp_ms": 1_764_000_000_000_000}, "message.timestamp_ms: Input should be less than or equal"),
        (
            {"sender_jid": "anna@example.com"},
            "message.sender_jid: Value error, unexpected user 'anna' for server",
        ),
        ({"mentions": ["4915112345678@s.whatsapp.net", "me"]}, "message.mentions.1: Value error, not a JID"),
        ({"type": "gif"}, "message.type: Input should be 'text'"),
        ({"chat_kind": "group"}, "message: Value error, chat_kind 'group' is impossible"),
        ({"type": "image"}, "message: Value error, a image message needs media"),
        ({"type": "poll"}, "message: Value error, a poll message needs poll"),
        ({"session": "primary agent"}, "message.session: String should match pattern"),
        ({"message_id": ""}, "message.message_id: String should match pattern"),
        ({"source": "backup"}, "message.source: Input should be 'live', 'history' or 'import'"),
        ({"flags": {"pinned": True}}, "message.flags.pinned: Extra inputs are not permitted"),
    ],
)
def test_message_reason_names_the_field_path_when_a_value_is_bad(
    change: dict[str, Any], reason: str, load_golden: Golden
) -> None:
    assert rejected(load_golden("message_text") | change).startswith(reason)


@pytest.mark.parametrize(
    ("media", "reason"),
    [
        ({"status": "skipped"}, "media.key is set exactly when media.status is 'stored'"),
        ({"key": None}, "media.key is set exactly when media.status is 'stored'"),
        ({"sha256": "F2" * 32}, "message.media.sha256: String should match pattern"),
        ({"file_id": "../../etc/passwd"}, "message.media.file_id: String should match pattern"),
        ({"thumbnail_b64": "not base64!"}, "message.media.thumbnail_b64: Value error, not base64"),
        ({"thumbnail_b64": "QUFB" * 22_000}, "message.media.thumbnail_b64: String should have at most"),
        ({"status": "downloading"}, "message.media.status: Input should be"),
        ({"key": "4915112345678@s.whatsapp.net/2025-11-24/other.jpg"}, "does not name file 756d525e"),
    ],
)
def test_media_is_rejected_when_it_contradicts_itself(
    media: dict[str, Any], reason: str, load_golden: Golden
) -> None:
    data = load_golden("message_image")
    data["media"] |= media
    assert reason in rejected(data)


def test_jids_are_stored_canonical_when_they_carry_device_suffixes(load_golden: Golden) -> None:
    golden = load_golden("message_text_quoted_mentions")
    noisy = copy.deepcopy(golden)
    noisy["sender_jid"] = "4915187654321:7@s.whatsapp.net"
    noisy["quoted"]["sender_jid"] = "123456789012345:3@LID"
    noisy["mentions"] = ["4915112345678.0:12@s.whatsapp.net", "4917000000001@c.us"]
    assert dump_event(parse_event(noisy)) == golden


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lid": "4915112345678@s.whatsapp.net"}, "lid_mapping.lid: Value error, expected a JID @lid"),
        (
            {"phone_jid": "123456789012345@lid"},
            "lid_mapping.phone_jid: Value error, expected a JID @s.whatsapp",
        ),
    ],
)
def test_lid_mapping_is_rejected_when_identities_are_swapped(
    change: dict[str, Any], reason: str, load_golden: Golden
) -> None:
    assert rejected(load_golden("lid_mapping") | change).startswith(reason)


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        ("receipt", {"status": 4}, "receipt.status: Input should be less than or equal to 3"),
        ("receipt", {"message_ids": []}, "receipt.message_ids: List should have at least 1 item"),
        ("chat_direct", {"chat_kind": "community"}, "chat: Value error, chat_kind 'community' is impossible"),
        (
            "chat_group",
            {"parent_jid": "4915112345678@s.whatsapp.net"},
            "chat: Value error, parent_jid must be",
        ),
        ("chat_group", {"participants": [{"jid": "x"}]}, "chat.participants.0.jid: Value error, not a JID"),
        (
            "reaction",
            {"target": {"message_id": "3EB0C767D26A1D6B8A2F"}},
            "reaction.target.chat_jid: Field required",
        ),
        ("picture", {"key": "profile/120363012345678901@g.us/9.jpg"}, "picture: Value error, key must be"),
        ("picture", {"key": None}, "picture: Value error, key must be"),
        ("picture_removed", {"key": "profile/x/1.jpg"}, "picture: Value error, key must be None"),
        ("picture", {"picture_id": "../1", "key": None}, "picture.picture_id: String should match"),
    ],
)
def test_update_is_rejected_when_a_value_is_impossible(
    name: str, change: dict[str, Any], reason: str, load_golden: Golden
) -> None:
    assert rejected(load_golden(name) | change).startswith(reason)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x1f\x8b not json", "envelope: not JSON"),
        ("[1, 2]", "envelope: expected a JSON object, got list"),
        ({}, "v: Field required"),
        ({"v": 1}, "kind: Unable to extract tag using discriminator 'kind'"),
    ],
)
def test_parse_event_raises_invalid_envelope_when_input_is_not_an_event(data: Any, reason: str) -> None:
    with pytest.raises(InvalidEnvelope) as caught:
        parse_event(data)
    assert str(caught.value).startswith(reason)


def test_raw_is_kept_verbatim_when_it_is_any_json_object(load_golden: Golden) -> None:
    raw: dict[str, Any] = {"pollUpdateMessage": {"vote": {"encIV": "AwQ="}, "list": [1, None, {"a": []}]}}
    event = parse_event(load_golden("message_unknown") | {"raw": raw})
    assert isinstance(event, MessageSeen)
    assert event.raw == raw


def test_event_builds_with_v_and_kind_defaults_when_constructed_in_python() -> None:
    event = ConnectionChanged(
        event_id="connection:connected:1",
        session="primary_agent",
        occurred_at_ms=1,
        source="live",
        state="connected",
    )
    dumped = dump_event(event)
    assert dumped == {
        "v": 1,
        "kind": "connection",
        "event_id": "connection:connected:1",
        "session": "primary_agent",
        "occurred_at_ms": 1,
        "source": "live",
        "state": "connected",
        "detail": None,
    }
    assert json.loads(json.dumps(dumped)) == dumped
    with pytest.raises(ValidationError):
        event.state = "offline"  # type: ignore[misc]


def test_goldens_cover_every_kind_and_message_type_when_listed(
    all_goldens: dict[str, dict[str, Any]],
) -> None:
    events = list(all_goldens.values())
    messages = [e for e in events if e["kind"] == "message"]
    assert {e["kind"] for e in events} == set(EVENT_KINDS)
    assert {m["type"] for m in messages} == set(get_args(MessageType))
    assert any(m["source"] == "history" for m in messages)
    assert any(m["sender_jid"].endswith("@lid") and m["sender_alt_jid"] for m in messages)
    assert any(m["quoted"] and m["mentions"] for m in messages)


def test_goldens_target_golden_messages_when_they_update_one(all_goldens: dict[str, dict[str, Any]]) -> None:
    messages = {(e["chat_jid"], e["message_id"]): e for e in all_goldens.values() if e["kind"] == "message"}
    for event in all_goldens.values():
        if "target" in event:
            target = messages[event["target"]["chat_jid"], event["target"]["message_id"]]
            assert event["target"]["sender_jid"] == target["sender_jid"]
        if event["kind"] == "receipt":  # receipts report on the account's own messages
            assert all(messages[event["chat_jid"], mid]["from_me"] for mid in event["message_ids"])
        if event["kind"] == "poll_vote":
            poll = messages[event["target"]["chat_jid"], event["target"]["message_id"]]["poll"]
            assert set(event["selected_options"]) <= set(poll["options"])
        if event.get("quoted"):
            assert (event["quoted"]["chat_jid"], event["quoted"]["message_id"]) in messages


def test_schema_file_matches_the_models_when_exported() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_schema(), (
        "run: python -m deeplens.domain.schema_export docs/envelope-v1.schema.json"
    )
    schema = envelope_json_schema()
    assert set(schema["discriminator"]["mapping"]) == set(EVENT_KINDS)
    assert all(
        {"v", "kind"} <= set(d["required"]) for d in schema["$defs"].values() if "kind" in d["properties"]
    )
