"""Status posts (stories) through the API: opt-in, grouped by contact, in pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests import factories as f
from tests.golden.goldens import load_golden
from tests.integration.api.transport import ApiClient

STATUS = "status@broadcast"


def status_row(is_tracked: bool | None) -> dict[str, Any]:
    """The connector's chat sweep: the status row with its decision (opt-in: untracked)."""
    return f.chat(STATUS, "status", "Status", f.T0, is_tracked=is_tracked)


def post(message_id: str, sender: str, at: int, text: str) -> dict[str, Any]:
    return f.message(STATUS, message_id, sender, at, text, chat_kind="status")


POSTS = [
    post("S1", f.PN, f.T0 + 1_000, "Anna am Morgen"),
    post("S2", f.BOB_PN, f.T0 + 5_000, "Bob im Büro"),
    post("S3", f.PN, f.T0 + 10_000, "Anna am Abend"),
]


def opt_in(client: ApiClient) -> None:
    reply = client.request("PATCH", f"/api/tracking/{STATUS}", json_body={"is_tracked": True})
    assert reply.status == 200 and reply.json()["is_tracked"] is True


def test_status_is_empty_when_status_was_never_chosen(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest([status_row(False), *POSTS])  # groups and private chats tracked by default: not status
    tracked = {item["jid"]: item["is_tracked"] for item in client.get("/api/tracking").json()}
    assert tracked[STATUS] is False  # listed, to be chosen
    assert client.get("/api/status").json() == {"contacts": [], "next_cursor": None}


def test_posts_are_grouped_by_contact_newest_contact_first_when_status_is_chosen(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest([status_row(False)])
    opt_in(client)
    ingest(POSTS)
    page = client.get("/api/status").json()
    grouped = [(c["sender_jid"], [p["id"] for p in c["posts"]], c["latest_at"]) for c in page["contacts"]]
    assert grouped == [(f.PN, ["S1", "S3"], f.T0 + 10_000), (f.BOB_PN, ["S2"], f.T0 + 5_000)]
    assert page["contacts"][0]["posts"][1]["text"] == "Anna am Abend"
    assert page["next_cursor"] is None


def test_older_posts_come_by_cursor_when_a_limit_is_given(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest([status_row(False)])
    opt_in(client)
    ingest(POSTS)
    first = client.get("/api/status", params={"limit": 2}).json()
    assert [[p["id"] for p in c["posts"]] for c in first["contacts"]] == [["S3"], ["S2"]]
    second = client.get("/api/status", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [[p["id"] for p in c["posts"]] for c in second["contacts"]] == [["S1"]]
    assert second["next_cursor"] is None


def test_status_post_media_is_listed_when_the_golden_post_is_archived(
    client: ApiClient, ingest: Callable[[list[dict[str, Any]]], None]
) -> None:
    ingest([status_row(False)])
    opt_in(client)
    golden = load_golden("message_status")
    ingest([golden])
    [contact] = client.get("/api/status").json()["contacts"]
    [shown] = contact["posts"]
    assert (contact["sender_jid"], contact["sender_name"]) == (golden["sender_jid"], "Anna")
    assert (shown["type"], shown["media"]["file_id"]) == ("image", golden["media"]["file_id"])


def test_status_refuses_with_a_reason_when_the_cursor_or_limit_is_wrong(client: ApiClient) -> None:
    bad = client.get("/api/status", params={"cursor": "not-a-cursor"})
    assert bad.status == 400 and "cursor" in bad.body.decode()
    assert client.get("/api/status", params={"limit": 0}).status == 422
