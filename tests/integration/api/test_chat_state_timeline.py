"""Chat state (archived, pinned, muted, unread) and timeline entries (group changes, calls) as
the API shows them, seeded through the real ingest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import factories as f
from tests.integration.api.transport import ApiClient
from tests.integration.services.test_ingest_chat_state import chat_state, group_change

Ingest = Callable[[list[dict[str, Any]]], None]
CARLA = "4915122223333@s.whatsapp.net"
FOREVER = None
WEEK_AHEAD = 32_000_000_000_000  # a mute end in the future (the year 2984)


def _chats(client: ApiClient, **query: Any) -> dict[str, dict[str, Any]]:
    response = client.get("/api/chats", params=query)
    assert response.status == 200, response.body
    return {chat["jid"]: chat for chat in response.json()["items"]}


def test_chat_list_shows_state_and_picks_folders_when_asked(client: ApiClient, ingest: Ingest) -> None:
    ingest(
        [
            f.message(f.PN, "A1", f.PN, f.T0, "hi"),
            f.message(f.BOB_PN, "B1", f.BOB_PN, f.T0 + 5, "yo"),
            f.message(f.GROUP, "G1", f.BOB_PN, f.T0 + 9, "party"),
            chat_state(f.PN, f.T0 + 1, "history", archived=True, muted=True, muted_until_ms=WEEK_AHEAD),
            chat_state(f.BOB_PN, f.T0 + 1, pinned=True, muted=True, muted_until_ms=f.T0 - 1),  # expired
            chat_state(f.GROUP, f.T0 + 1, muted=True, muted_until_ms=FOREVER, marked_unread=True),
        ]
    )
    every = _chats(client)
    anna, bob, group = every[f.PN], every[f.BOB_PN], every[f.GROUP]
    assert (anna["is_archived"], anna["is_muted"], anna["muted_until"], anna["is_pinned"]) == (
        True, True, WEEK_AHEAD, False,
    )  # fmt: skip
    assert (bob["is_pinned"], bob["is_muted"], bob["muted_until"]) == (True, False, f.T0 - 1)
    assert (group["is_muted"], group["muted_until"], group["marked_unread"]) == (True, None, True)
    assert set(_chats(client, archived=True)) == {f.PN}
    assert set(_chats(client, archived=False)) == {f.BOB_PN, f.GROUP}
    assert set(_chats(client, archived=False, pinned=True)) == {f.BOB_PN}
    assert set(_chats(client, archived=False, pinned=False)) == {f.GROUP}
    assert client.get("/api/chats", params={"archived": "maybe"}).status == 422


def test_unread_count_stays_current_when_messages_come_after_the_history_sync(
    client: ApiClient, ingest: Ingest
) -> None:
    ingest(
        [
            f.message(f.PN, "A1", f.PN, f.T0, "old"),
            chat_state(f.PN, f.T0 + 10, "history", unread_count=2),
            f.message(f.PN, "A2", f.PN, f.T0 + 20, "new one"),
            f.message(f.PN, "A3", f.PN, f.T0 + 30, "and another"),
        ]
    )
    assert _chats(client)[f.PN]["unread_count"] == 4  # WhatsApp's 2, then two more from Anna
    ingest([f.receipt(f.PN, ["A2"], 2, f.T0 + 40)])  # read on the phone (a read-self receipt)
    assert _chats(client)[f.PN]["unread_count"] == 1
    ingest([f.message(f.PN, "A4", f.ME, f.T0 + 50, "answered", from_me=True)])
    assert _chats(client)[f.PN]["unread_count"] == 0


def test_group_changes_and_calls_are_timeline_entries_when_the_chat_is_listed(
    client: ApiClient, ingest: Ingest
) -> None:
    ingest(
        [
            f.chat(f.GROUP, "group", "Orga", f.T0),
            f.message(f.GROUP, "G1", f.BOB_PN, f.T0 + 10, "hi"),
            group_change("subject", f.T0 + 20, value="<img src=x onerror=alert(1)>"),
            group_change("added", f.T0 + 30, participants=[f.LID, CARLA]),
            f.lid_mapping(f.LID, f.PN, f.T0),
            f.contact(f.PN, f.T0, full_name="Anna Schmidt"),
            f.contact(f.BOB_PN, f.T0, push_name="Bob"),
        ]
    )
    call = f.base("call", f.T0 + 40)
    call.update(
        call_id="C9", chat_jid=f.GROUP, caller_jid=f.BOB_PN, from_me=False, step="log", at_ms=f.T0 + 40
    )
    call.update(group=True, video=True, result="missed", duration_s=0)
    ingest([call])
    items = client.get(f"/api/chats/{f.GROUP}/messages").json()["items"]
    assert [(m["type"], m["system"] is not None, m["call"] is not None) for m in items] == [
        ("text", False, False),
        ("system", True, False),
        ("system", True, False),
        ("call", False, True),
    ]
    subject, added = items[1]["system"], items[2]["system"]
    assert (subject["change"], subject["actor_name"], subject["value"]) == (
        "subject", "Bob", "<img src=x onerror=alert(1)>",
    )  # fmt: skip
    assert added["participants"] == [
        {"jid": f.PN, "name": "Anna Schmidt"},  # the LID, named through its phone JID
        {"jid": CARLA, "name": None},
    ]
    assert items[3]["call"] == {
        "call_id": "C9",
        "video": True,
        "group": True,
        "outcome": "missed",
        "duration_s": 0,
    }
    around = client.get(f"/api/chats/{f.GROUP}/messages", params={"around": items[2]["id"], "limit": 2})
    assert around.status == 200, around.body
    assert items[2]["id"] in [m["id"] for m in around.json()["items"]]
