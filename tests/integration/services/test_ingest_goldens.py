"""Every golden envelope ingests to the rows it describes (the consumer side of the contract)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope_parts import MessageFlags
from deeplens.domain.ids import is_lid
from deeplens.domain.message_flags import flags_mask
from deeplens.services.ingest import IngestDeps, ingest_record

from tests.golden.goldens import golden_names, load_golden
from tests.integration.services.test_ingest_archive import inline_record, rows

TRACK_ALL = TrackingPolicy(track_groups=True, track_private=True)


def _expect_message(url: str, g: dict[str, Any]) -> None:
    [row] = rows(
        url,
        'SELECT sender_jid, from_me, message_type, text_body, "timestamp", source, push_name, content,'
        " quoted_id FROM messages WHERE chat_jid = %s AND id = %s",
        g["chat_jid"],
        g["message_id"],
    )
    quoted = g["quoted"]["message_id"] if g["quoted"] else None
    # A LID sender with a known phone number is archived under the phone JID (one person, one id).
    lid_with_phone = is_lid(g["sender_jid"]) and g["sender_alt_jid"]
    sender = g["sender_alt_jid"] if lid_with_phone else g["sender_jid"]
    expected = (sender, g["from_me"], g["type"], g["text"], g["timestamp_ms"], g["source"])
    assert row == (*expected, g["push_name"], g["raw"], quoted)
    if g["media"]:
        media = g["media"]
        assert rows(
            url,
            "SELECT status, bucket_key, mime, size, sha256 FROM media WHERE file_id = %s",
            media["file_id"],
        ) == [(media["status"], media["key"], media["mime"], media["size"], media["sha256"])]
        assert rows(url, "SELECT media_url, file_id FROM messages") == [(media["key"], media["file_id"])]
    assert rows(url, "SELECT kind FROM chats WHERE jid = %s", g["chat_jid"]) == [(g["chat_kind"],)]
    flags = g["flags"]
    assert rows(url, "SELECT flags, forwarding_score, ephemeral_timer_s FROM messages") == [
        (flags_mask(MessageFlags(**flags)), flags["forwarding_score"], flags["ephemeral_timer_s"])
    ]


def _expect_message_state(url: str, g: dict[str, Any]) -> None:
    assert rows(
        url, "SELECT chat_jid, message_id, state, is_on, changed_at, actor_jid FROM message_states"
    ) == [
        (
            g["target"]["chat_jid"],
            g["target"]["message_id"],
            g["state"],
            g["on"],
            g["changed_at_ms"],
            g["actor_jid"],
        )
    ]


def _expect_call(url: str, g: dict[str, Any]) -> None:
    [row] = rows(url, "SELECT call_id, chat_jid, caller_jid, from_me, is_video, is_group, result FROM calls")
    assert row == (
        g["call_id"],
        g["chat_jid"],
        g["caller_jid"],
        g["from_me"],
        g["video"],
        g["group"],
        g["result"],
    )
    at = rows(url, "SELECT started_at, accepted_at, ended_at FROM calls")[0]
    steps = {"offer": 0, "log": 0, "accept": 1, "terminate": 2}
    assert at[steps[g["step"]]] == g["at_ms"]
    entries = rows(url, 'SELECT id, message_type, "timestamp" FROM messages')  # its line in the timeline
    starts = g["step"] in ("offer", "log")
    assert entries == ([(f"call-{g['call_id']}", "call", g["at_ms"])] if starts else [])


def _expect_edit(url: str, g: dict[str, Any]) -> None:
    target = g["target"]
    assert rows(
        url,
        "SELECT edited_at, text_body, is_original FROM message_versions"
        " WHERE chat_jid = %s AND message_id = %s",
        target["chat_jid"],
        target["message_id"],
    ) == [(g["edited_at_ms"], g["new_text"], False)]


def _expect_revoke(url: str, g: dict[str, Any]) -> None:
    target = g["target"]
    assert rows(
        url,
        "SELECT revoked_at, revoked_by FROM message_marks WHERE chat_jid = %s AND message_id = %s",
        target["chat_jid"],
        target["message_id"],
    ) == [(g["revoked_at_ms"], g["revoked_by"])]


def _expect_reaction(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT message_id, reactor_jid, emoji, reacted_at FROM reactions") == [
        (g["target"]["message_id"], g["reactor_jid"], g["emoji"], g["reacted_at_ms"])
    ]


def _expect_receipt(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT message_id, status FROM message_marks ORDER BY message_id") == [
        (message_id, g["status"]) for message_id in sorted(g["message_ids"])
    ]


def _expect_poll_vote(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT message_id, voter_jid, selected_options, voted_at FROM poll_votes") == [
        (g["target"]["message_id"], g["voter_jid"], g["selected_options"], g["voted_at_ms"])
    ]


def _expect_chat(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT jid, name, kind, parent_jid FROM chats") == [
        (g["jid"], g["name"], g["chat_kind"], g["parent_jid"])
    ]
    assert rows(url, "SELECT name FROM tracking_config WHERE jid = %s", g["jid"]) == [(g["name"],)]
    members = sorted((p["jid"], p["is_admin"]) for p in g["participants"] or [])
    assert rows(url, "SELECT participant_jid, is_admin FROM group_participants ORDER BY 1") == members


def _expect_contact(url: str, g: dict[str, Any]) -> None:
    [(push_name, full_name)] = rows(url, "SELECT push_name, full_name FROM contacts")
    assert (push_name, full_name) == (g["push_name"], g["full_name"])


def _expect_lid_mapping(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT alias_jid, canonical_jid FROM jid_aliases") == [(g["lid"], g["phone_jid"])]


def _expect_connection(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT event_id, state, detail FROM connection_events") == [
        (g["event_id"], g["state"], g["detail"])
    ]


def _expect_picture(url: str, g: dict[str, Any]) -> None:
    assert rows(url, "SELECT jid, picture_id, bucket_key, author_jid, changed_at FROM profile_pictures") == [
        (g["jid"], g["picture_id"], g["key"], g["author_jid"], g["changed_at_ms"])
    ]


def _expect_chat_state(url: str, g: dict[str, Any]) -> None:
    said = {
        "archived": (g["archived"], None),
        "pinned": (g["pinned"], None),
        "muted": (g["muted"], g["muted_until_ms"]),
        "marked_unread": (g["marked_unread"], None),
        "unread": (None if g["unread_count"] is None else g["unread_count"] > 0, g["unread_count"]),
    }
    expected = sorted((state, on, value) for state, (on, value) in said.items() if on is not None)
    assert (
        rows(
            url,
            "SELECT state, is_on, value FROM chat_states WHERE chat_jid = %s ORDER BY state",
            g["chat_jid"],
        )
        == expected
    )
    assert rows(url, "SELECT jid, kind FROM chats") == [(g["chat_jid"], g["chat_kind"])]


def _expect_group_change(url: str, g: dict[str, Any]) -> None:
    [(kind, sender, at, content)] = rows(
        url, 'SELECT message_type, sender_jid, "timestamp", content FROM messages'
    )
    assert (kind, sender, at) == ("system", g["actor_jid"], g["changed_at_ms"])
    entry = content["system"]
    assert (entry["change"], entry["participants"], entry["value"]) == (
        g["change"],
        g["participants"],
        g["value"],
    )


EXPECTATIONS: dict[str, Callable[[str, dict[str, Any]], None]] = {
    "message": _expect_message,
    "edit": _expect_edit,
    "revoke": _expect_revoke,
    "reaction": _expect_reaction,
    "receipt": _expect_receipt,
    "poll_vote": _expect_poll_vote,
    "message_state": _expect_message_state,
    "call": _expect_call,
    "chat": _expect_chat,
    "chat_state": _expect_chat_state,
    "group_change": _expect_group_change,
    "contact": _expect_contact,
    "lid_mapping": _expect_lid_mapping,
    "connection": _expect_connection,
    "picture": _expect_picture,
}


def opt_in_to_status(url: str) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO tracking_config (session_id, jid, name, type, is_tracked)"
            " VALUES (%s, %s, %s, %s, %s)",
            ("primary_agent", "status@broadcast", "Status", "status", True),
        )


@pytest.mark.parametrize("name", golden_names())
def test_golden_envelope_ingests_to_its_rows_when_delivered_alone(
    name: str, database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    golden = load_golden(name)
    if golden.get("chat_kind") == "status":  # opt-in whatever the defaults: the user chose it
        opt_in_to_status(database_url)
    ingest_record(inline_record([golden], f"golden-{name}"), make_deps(database_url, TRACK_ALL))
    EXPECTATIONS[golden["kind"]](database_url, golden)


def test_every_kind_has_a_golden_when_contract_is_checked() -> None:
    assert {load_golden(name)["kind"] for name in golden_names()} == set(EXPECTATIONS)
