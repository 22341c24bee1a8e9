"""Channel posts and status posts through ingest: the golden envelopes in any order, twice.

Status is opt-in: its posts are archived only once its tracking row says tracked, whatever
DEFAULT_TRACK_* says. A channel post and its edit (an edited post is an `edit` of the same id)
give the same archive in either order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import psycopg
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.services.ingest import IngestDeps, ingest_record

from tests.golden.goldens import load_golden
from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.support import canonical_dump

TRACK_ALL = TrackingPolicy(track_groups=True, track_private=True)
STATUS = "status@broadcast"


def status_row(is_tracked: bool | None) -> dict[str, Any]:
    """The chat sweep's row for status, with the connector's decision (None: none carried)."""
    return {
        **load_golden("chat_newsletter"),
        "event_id": "chat:status@broadcast:1764000006000",
        "jid": STATUS,
        "name": "Status",
        "chat_kind": "status",
        "is_tracked": is_tracked,
    }


def opt_in(url: str) -> None:
    """What PATCH /api/tracking/status@broadcast writes when the user turns status on."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO tracking_config (session_id, jid, name, type, is_tracked)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (session_id, jid) DO UPDATE SET is_tracked = true",
            ("primary_agent", STATUS, "Status", "status", True),
        )


def deliver_each(url: str, deps: IngestDeps, events: list[dict[str, Any]], tag: str) -> None:
    for n, event in enumerate(events):
        ingest_record(inline_record([event], f"{tag}-{n}"), deps)


def test_status_posts_are_not_archived_when_status_was_never_chosen(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url, TRACK_ALL)  # groups and private chats tracked by default
    deliver_each(database_url, deps, [status_row(None), load_golden("message_status")], "s")
    assert rows(database_url, "SELECT jid, type, is_tracked FROM tracking_config") == [
        (STATUS, "status", False)
    ]
    assert rows(database_url, "SELECT count(*) FROM messages") == [(0,)]


def test_status_posts_are_archived_with_their_media_when_opted_in_in_any_order_and_twice(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    events = [status_row(False), load_golden("message_status")]
    dumps = []
    for order in itertools.permutations(events):
        url = fresh_databases()
        opt_in(url)
        deps = make_deps(url, TRACK_ALL)
        deliver_each(url, deps, [*order, *order], "o")
        deps.pool.close()
        dumps.append(canonical_dump(url))
    assert all(dump == dumps[0] for dump in dumps)
    post = load_golden("message_status")
    url = fresh_databases()
    opt_in(url)
    deliver_each(url, make_deps(url, TRACK_ALL), events, "x")
    assert rows(url, "SELECT chat_jid, sender_jid, text_body, file_id FROM messages") == [
        (STATUS, post["sender_jid"], post["text"], post["media"]["file_id"])
    ]
    assert rows(url, "SELECT status, bucket_key FROM media") == [("stored", post["media"]["key"])]
    assert rows(url, "SELECT is_tracked FROM tracking_config") == [(True,)]  # the choice stays


def test_channel_post_shows_its_edit_when_post_and_edit_arrive_in_any_order_and_twice(
    fresh_databases: Callable[[], str], make_deps: Callable[..., IngestDeps]
) -> None:
    events = [
        load_golden("chat_newsletter"),
        load_golden("message_newsletter"),
        load_golden("edit_newsletter"),
    ]
    dumps = []
    for order in itertools.permutations(events):
        url = fresh_databases()
        deps = make_deps(url, TRACK_ALL)
        deliver_each(url, deps, [*order, *order], "o")
        deps.pool.close()
        dumps.append(canonical_dump(url))
        edit = load_golden("edit_newsletter")
        assert rows(url, "SELECT text_body, edited_at FROM messages") == [
            (edit["new_text"], edit["edited_at_ms"])
        ]
        assert rows(url, "SELECT text_body, is_original FROM message_versions ORDER BY edited_at") == [
            (load_golden("message_newsletter")["text"], True),
            (edit["new_text"], False),
        ]
    assert all(dump == dumps[0] for dump in dumps)
