"""GET /api/changes: live updates by polling, over uvicorn and through Mangum — the revision, the
free "nothing changed" answer (ETag, 304), what a new message, an edit and a reaction look like,
bad input, and the reset when a cursor is older than the kept log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from deeplens.adapters import change_log
from deeplens.domain.changes import ChatChange

from tests import factories as f
from tests.integration.api.transport import ApiClient

pytestmark = pytest.mark.usefixtures("story")

Ingest = Callable[[list[dict[str, Any]]], None]
LATER = f.T0 + 86_400_000


def _changes(client: ApiClient, **params: Any) -> Any:
    reply = client.get("/api/changes", params=params)
    assert reply.status == 200, reply.body
    return reply.json()


def test_first_poll_gives_the_revision_and_no_changes(client: ApiClient) -> None:
    answer = _changes(client)
    assert answer["revision"] >= 1  # the story's batch
    assert (answer["reset"], answer["chats"], answer["messages"]) == (False, [], [])


def test_answers_304_when_nothing_changed_and_the_client_sends_the_last_etag(client: ApiClient) -> None:
    revision = _changes(client)["revision"]
    first = client.get("/api/changes", params={"since": revision, "chat": f.PN})
    assert first.status == 200
    assert first.headers["etag"] == f'"{revision}-{revision}"'
    assert "no-cache" in first.headers["cache-control"]
    again = client.get(
        "/api/changes",
        params={"since": revision, "chat": f.PN},
        headers={"if-none-match": first.headers["etag"]},
    )
    assert (again.status, again.body, again.headers["etag"]) == (304, b"", first.headers["etag"])


def test_new_message_edit_and_reaction_come_with_their_chat_entry_and_messages(
    client: ApiClient, ingest: Ingest
) -> None:
    revision = _changes(client)["revision"]
    ingest([f.message(f.PN, "3EB0LIVE1", f.PN, LATER, "Bin gleich da")])
    ingest(
        [
            f.edit(f.PN, "3EB0A2", "Gut, danke! Und dir?", LATER + 1),
            f.reaction(f.PN, "3EB0A2", f.PN, "🎉", LATER + 2),
        ]
    )

    answer = _changes(client, since=revision, chat=f.PN)

    assert answer["revision"] == revision + 2
    assert answer["reset"] is False
    [changed] = answer["chats"]
    assert (changed["jid"], changed["message_ids"]) == (f.PN, ["3EB0A2", "3EB0LIVE1"])
    assert changed["chat"]["last_message"]["text"] == "Bin gleich da"
    messages = {message["id"]: message for message in answer["messages"]}
    assert list(messages) == ["3EB0A2", "3EB0LIVE1"]  # oldest first
    assert messages["3EB0A2"]["text"] == "Gut, danke! Und dir?"
    assert [reaction["emoji"] for reaction in messages["3EB0A2"]["reactions"]] == ["🎉"]
    assert _changes(client, since=revision + 2, chat=f.PN)["chats"] == []


def test_messages_come_only_for_the_open_chat_and_a_new_chat_is_listed(
    client: ApiClient, ingest: Ingest
) -> None:
    revision = _changes(client)["revision"]
    newcomer = "4915100000077@s.whatsapp.net"
    ingest([f.message(newcomer, "3EB0NEW1", newcomer, LATER, "Hallo, ich bin neu")])

    answer = _changes(client, since=revision, chat=f.PN)

    assert [(c["jid"], c["message_ids"], c["chat"]["kind"]) for c in answer["chats"]] == [
        (newcomer, ["3EB0NEW1"], "direct")
    ]
    assert answer["messages"] == []


def test_refuses_a_malformed_cursor_or_chat_with_400_naming_it(client: ApiClient) -> None:
    for params, field in (
        ({"since": "-1"}, "since"),
        ({"since": "12a"}, "since"),
        ({"chat": "x@@y"}, "chat"),
    ):
        reply = client.get("/api/changes", params=params)
        assert reply.status == 400, params
        assert reply.json()["error"]["field"] == field


def test_needs_credentials(anonymous: ApiClient) -> None:
    assert anonymous.get("/api/changes").status == 401


def test_resets_a_cursor_ahead_of_the_archive(client: ApiClient) -> None:
    revision = _changes(client)["revision"]
    assert _changes(client, since=revision + 5)["reset"] is True


def test_resets_a_cursor_older_than_the_kept_log(client: ApiClient, database_url: str) -> None:
    start = _changes(client)["revision"]
    with psycopg.connect(database_url) as conn:
        for _ in range(6):
            change_log.record(conn, f.SESSION, [ChatChange(f.PN, ())], keep=3, prune_every=2)
    answer = _changes(client, since=start)
    assert (answer["reset"], answer["revision"]) == (True, start + 6)
    recent = _changes(client, since=start + 4)
    assert (recent["reset"], [c["jid"] for c in recent["chats"]]) == (False, [f.PN])
