"""Chats, one chat, message pages both ways, edit history — seeded through the real ingest."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

from tests import factories as f
from tests.integration.api.transport import ApiClient

pytestmark = pytest.mark.usefixtures("story")


def _ids(reply_json: dict[str, object], key: str = "id") -> list[object]:
    items = reply_json["items"]
    assert isinstance(items, list)
    return [item[key] for item in items]


def test_chats_come_newest_first_in_keyset_pages_when_paging_one_by_one(client: ApiClient) -> None:
    seen, cursor = [], None
    while True:
        page = client.get("/api/chats", params={"limit": 1, "cursor": cursor}).json()
        seen += _ids(page, "jid")
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f.GROUP, f.PN, f.COMMUNITY]  # the community has no message: last


def test_chat_list_shows_name_preview_and_flags_when_listing(client: ApiClient) -> None:
    items = {item["jid"]: item for item in client.get("/api/chats").json()["items"]}
    anna = items[f.PN]
    assert (anna["name"], anna["kind"], anna["unread_count"], anna["is_tracked"]) == (
        "Anna Schmidt",  # her address-book name, not the chat event's "Anna" (WhatsApp's order)
        "direct",
        2,
        True,
    )
    assert anna["last_message"]["id"] == "3EB0A4"
    assert anna["last_message"]["text"] == "Schau mal"
    assert items[f.GROUP]["last_message"]["timestamp"] == items[f.GROUP]["last_message_at"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ANNA"}, [f.PN]),
        ({"q": "renamed"}, [f.GROUP]),
        ({"q": "4915112345678"}, [f.PN]),
        ({"kind": "community"}, [f.COMMUNITY]),
        ({"kind": "group", "q": "team"}, [f.GROUP]),
        ({"q": "100%_"}, []),
    ],
)
def test_chat_list_is_filtered_when_name_or_kind_is_given(
    client: ApiClient, params: dict[str, str], expected: list[str]
) -> None:
    assert _ids(client.get("/api/chats", params=params).json(), "jid") == expected


def test_chat_list_answers_400_naming_the_field_when_cursor_is_forged(client: ApiClient) -> None:
    reply = client.get("/api/chats", params={"cursor": "bm90IGEgY3Vyc29y"})
    assert reply.status == 400
    assert reply.json()["error"]["field"] == "cursor"
    assert client.get("/api/chats", params={"kind": "planet"}).json()["error"]["field"] == "kind"


def test_group_detail_lists_current_members_when_member_list_changed(client: ApiClient) -> None:
    chat = client.get(f"/api/chats/{f.GROUP}").json()
    assert chat["name"] == "Team (renamed)"
    assert chat["message_count"] == 8
    members = {member["jid"]: member for member in chat["participants"]}
    assert set(members) == {f.ME, f.BOB_PN, f.PN}
    assert members[f.ME]["is_admin"] is True
    assert members[f.BOB_PN]["name"] == "Bob"


def test_chat_is_found_under_its_phone_jid_when_asked_by_lid(client: ApiClient) -> None:
    chat = client.get(f"/api/chats/{f.LID}").json()
    assert chat["jid"] == f.PN
    assert chat["participants"] == []


def test_chat_answers_404_or_400_when_unknown_or_malformed(client: ApiClient) -> None:
    unknown = client.get("/api/chats/4900000000000@s.whatsapp.net")
    assert (unknown.status, unknown.json()["error"]["code"]) == (404, "not_found")
    malformed = client.get("/api/chats/not-a-jid")
    assert (malformed.status, malformed.json()["error"]["field"]) == (400, "jid")
    assert client.get("/api/chats/4900000000000@s.whatsapp.net/messages").status == 404


def test_message_pages_walk_both_ways_when_following_cursors(client: ApiClient) -> None:
    url = f"/api/chats/{f.PN}/messages"
    newest = client.get(url, params={"limit": 2}).json()
    assert _ids(newest) == ["3EB0A3", "3EB0A4"]
    assert (newest["has_older"], newest["has_newer"]) == (True, False)
    older = client.get(url, params={"limit": 2, "before": newest["older_cursor"]}).json()
    assert _ids(older) == ["3EB0A1", "3EB0A2"]
    assert (older["has_older"], older["has_newer"]) == (False, True)
    newer = client.get(url, params={"limit": 2, "after": older["newer_cursor"]}).json()
    assert _ids(newer) == ["3EB0A3", "3EB0A4"]
    assert newer["has_newer"] is False


def test_message_page_centres_on_a_message_when_around_is_given(client: ApiClient) -> None:
    page = client.get(f"/api/chats/{f.PN}/messages", params={"around": "3EB0A2", "limit": 3}).json()
    assert _ids(page) == ["3EB0A1", "3EB0A2", "3EB0A3"]
    assert (page["has_older"], page["has_newer"]) == (False, True)
    missing = client.get(f"/api/chats/{f.PN}/messages", params={"around": "NOPE"})
    assert (missing.status, missing.json()["error"]["field"]) == (404, "around")


def test_message_page_answers_400_when_two_anchors_are_given(client: ApiClient) -> None:
    cursor = client.get(f"/api/chats/{f.PN}/messages").json()["older_cursor"]
    reply = client.get(f"/api/chats/{f.PN}/messages", params={"before": cursor, "after": cursor})
    assert (reply.status, reply.json()["error"]["code"]) == (400, "invalid_request")


def test_messages_carry_edits_reactions_receipts_and_media_when_known(client: ApiClient) -> None:
    items = {m["id"]: m for m in client.get(f"/api/chats/{f.PN}/messages").json()["items"]}
    first = items["3EB0A1"]
    assert (first["text"], first["versions_count"], first["edited_at"]) == (
        "Hallo! Wie geht es dir?",
        2,
        f.T0 + 90,
    )
    assert first["sender_name"] == "Anna Schmidt"
    assert [(r["emoji"], r["reactor_jid"]) for r in items["3EB0A2"]["reactions"]] == [("👍", f.PN)]
    assert items["3EB0A4"]["reactions"] == []  # removed
    assert (items["3EB0A2"]["status"], items["3EB0A3"]["status"]) == (2, 3)
    media = items["3EB0A3"]["media"]
    assert (media["file_id"], media["status"], media["mime"]) == ("F0000000000000A3", "stored", "image/jpeg")
    assert media["url"] == "/api/media/F0000000000000A3"


def test_poll_carries_each_voters_current_vote_named_when_votes_were_cast(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    # A live vote the connector could not match to its poll carries sha256(option) in hex.
    hashed = hashlib.sha256(b"Sushi").hexdigest()
    ingest([f.poll_vote(f.GROUP, "3EB0B5", f.BOB_PN, [hashed, "f" * 64], f.T0 + 900)])
    items = {m["id"]: m for m in client.get(f"/api/chats/{f.GROUP}/messages").json()["items"]}
    votes = {v["voter_jid"]: v["selected_options"] for v in items["3EB0B5"]["poll_votes"]}
    assert votes == {f.PN: ["Sushi"], f.ME: ["Pizza"], f.BOB_PN: ["Sushi", "f" * 64]}  # LID vote = PN's newer
    assert [v["voted_at"] for v in items["3EB0B5"]["poll_votes"]] == sorted(
        v["voted_at"] for v in items["3EB0B5"]["poll_votes"]
    )
    assert items["3EB0B1"]["poll_votes"] == []  # not a poll


def test_deleted_and_quoted_messages_keep_content_when_revoked_or_replied(client: ApiClient) -> None:
    items = {m["id"]: m for m in client.get(f"/api/chats/{f.GROUP}/messages").json()["items"]}
    revoked = items["3EB0B4"]
    assert (revoked["text"], revoked["deleted_at"], revoked["deleted_by"]) == (
        "Wrong chat, sorry", f.T0 + 240, f.BOB_PN,
    )  # fmt: skip
    assert items["3EB0B6"]["quoted"] == {
        "id": "3EB0B1", "sender_jid": f.ME, "text": "Meeting at 11:30?", "type": "text",
    }  # fmt: skip
    assert items["3EB0B7"]["media"]["url"] is None  # never downloaded
    assert items["3EB0B5"]["content"] is None or isinstance(items["3EB0B5"]["content"], dict)


def test_versions_list_every_edit_oldest_first_when_message_was_edited(client: ApiClient) -> None:
    reply = client.get(f"/api/messages/{f.GROUP}/3EB0B1/versions").json()
    assert [(v["text"], v["is_original"]) for v in reply["versions"]] == [
        ("Meeting at 10?", True), ("Meeting at 11?", False), ("Meeting at 11:30?", False),
    ]  # fmt: skip


def test_versions_hold_the_message_alone_when_it_was_never_edited(client: ApiClient) -> None:
    versions = client.get(f"/api/messages/{f.GROUP}/3EB0B3/versions").json()["versions"]
    assert versions == [{"edited_at": f.T0 + 220, "is_original": True, "text": "Bin dabei"}]
    assert client.get(f"/api/messages/{f.GROUP}/NOPE/versions").status == 404
