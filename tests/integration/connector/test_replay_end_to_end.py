"""The recorded sample through the live path (neonize dispatcher -> translate -> tracking ->
media -> publisher) into S3 + SQS, then the real ingest handler into PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import redis
from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps
from deeplens_connector.runtime import run_replay
from deeplens_connector.sample.build_sample import (
    ANNA_JID,
    CALL_ID,
    FORWARDED_ID,
    FORWARDED_MANY_ID,
    FORWARDED_MANY_SCORE,
    FORWARDED_MANY_TEXT,
    FORWARDED_TEXT,
    GROUP_HISTORY,
    GROUP_HISTORY_PHOTO_AT,
    GROUP_JID,
    GROUP_PHOTO,
    HOSTILE,
    HOSTILE_ID,
    HOSTILE_NAME,
    INVOICE,
    INVOICE_ID,
    INVOICE_NAME,
    PHOTO,
    SAMPLE,
    SEALED_EDITED_TEXT,
    SEALED_ORIGINAL_ID,
    SEALED_ORIGINAL_TEXT,
    SEARCH_WORD,
    VOICE,
)
from deeplens_connector.settings import ConnectorSettings

from tests.integration.services.test_ingest_archive import rows


def _ingest(queue: Any, deps: IngestDeps) -> None:
    def invoke(event: dict[str, Any], context: Any) -> Any:
        return handler(event, context, deps)

    while poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1).received:
        pass


def _stored(url: str, store: ObjectStore, session: str, message_id: str) -> tuple[str | None, bytes]:
    """The file name and the bytes in the bucket of one message's media."""
    sql = "SELECT file_name, bucket_key FROM media WHERE session_id = %s AND message_id = %s"
    ((file_name, key),) = rows(url, sql, session, message_id)
    return file_name, store.get(key)


def _replayed(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    *,
    track_groups: bool = False,
    worker_track_groups: bool | None = None,
) -> str:
    """Replayed by a connector with DEFAULT_TRACK_GROUPS=`track_groups`, ingested by a worker with
    `worker_track_groups` (the same unless given)."""
    queue, _ = local_queue_pair()
    settings = connector_settings(ingest_queue_url=queue.url, default_track_groups=track_groups)
    stats, drained = run_replay(settings, SAMPLE)
    assert drained
    assert (stats.events, stats.media_files) == (20, 5)
    worker = track_groups if worker_track_groups is None else worker_track_groups
    _ingest(queue, make_deps(database_url, TrackingPolicy(track_groups=worker)))
    return settings.session_id


def test_sample_becomes_archive_rows_when_replayed_and_ingested(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    media_store: ObjectStore,
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url)
    messages = rows(database_url, "SELECT id, message_type, text_body, source FROM messages"
                    " WHERE session_id = %s AND chat_jid = %s ORDER BY id", session, ANNA_JID)  # fmt: skip
    assert messages == [
        ("3EB0DEMO0001", "text", "Hi! Are you coming tonight? 🎉", "live"),
        ("3EB0DEMO0002", "image", "Sunset at the beach", "live"),
        ("3EB0DEMO0003", "voice", None, "live"),
        ("3EB0DEMO0004", "image", "from last year", "live"),
        (FORWARDED_ID, "text", FORWARDED_TEXT, "live"),
        (FORWARDED_MANY_ID, "text", FORWARDED_MANY_TEXT, "live"),
        (SEALED_ORIGINAL_ID, "text", SEALED_EDITED_TEXT, "live"),  # Anna's sealed edit, opened
        ("3EB0HIST0000", "text", "Last week's photos are great", "history"),
        ("3EB0HIST0001", "text", "Thanks! See you soon", "history"),
        (f"call-{CALL_ID}", "call", None, "live"),  # her call: a timeline row of its own
    ]
    media = dict(rows(database_url, "SELECT message_id, status FROM media WHERE session_id = %s", session))
    assert media == {
        "3EB0DEMO0002": "stored",
        "3EB0DEMO0003": "stored",
        "3EB0DEMO0004": "unavailable",
        INVOICE_ID: "stored",
        HOSTILE_ID: "stored",
    }
    assert _stored(database_url, media_store, session, "3EB0DEMO0002") == (None, PHOTO)
    assert _stored(database_url, media_store, session, "3EB0DEMO0003") == (None, VOICE)
    assert _stored(database_url, media_store, session, INVOICE_ID) == (INVOICE_NAME, INVOICE)
    assert _stored(database_url, media_store, session, HOSTILE_ID) == (HOSTILE_NAME, HOSTILE)
    assert rows(database_url, "SELECT emoji FROM reactions WHERE message_id = '3EB0DEMO0002'") == [("❤️",)]
    assert rows(database_url, "SELECT status FROM messages WHERE id = '3EB0DEMO0003'") == [(2,)]
    _assert_flags_edit_pin_and_call(database_url, session)


def _assert_flags_edit_pin_and_call(url: str, session: str) -> None:
    """Anna's forwarded messages keep their flags, her sealed edit is a version like a plain one,
    our pin is a message state, her unanswered video call a call row (missed)."""
    flags = rows(url, "SELECT id, flags & 4 > 0, forwarding_score FROM messages WHERE session_id = %s"
                 " AND id IN (%s, %s) ORDER BY id", session, FORWARDED_ID, FORWARDED_MANY_ID)  # fmt: skip
    assert flags == [(FORWARDED_ID, True, 1), (FORWARDED_MANY_ID, True, FORWARDED_MANY_SCORE)]
    versions = rows(url, "SELECT is_original, text_body FROM message_versions WHERE session_id = %s"
                    " AND message_id = %s ORDER BY edited_at", session, SEALED_ORIGINAL_ID)  # fmt: skip
    assert versions == [(True, SEALED_ORIGINAL_TEXT), (False, SEALED_EDITED_TEXT)]
    pins = rows(url, "SELECT message_id, is_on FROM message_states WHERE session_id = %s"
                " AND state = 'pinned'", session)  # fmt: skip
    assert pins == [(SEALED_ORIGINAL_ID, True)]
    calls = rows(url, "SELECT call_id, chat_jid, is_video, accepted_at, ended_at IS NOT NULL, result"
                 " FROM calls WHERE session_id = %s", session)  # fmt: skip
    assert calls == [(CALL_ID, ANNA_JID, True, None, True, None)]  # never accepted: missed


def test_group_is_listed_without_content_when_groups_are_untracked_by_default(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url)
    assert rows(database_url, "SELECT jid, kind FROM chats WHERE session_id = %s AND jid = %s",
                session, GROUP_JID) == [(GROUP_JID, "group")]  # fmt: skip
    assert rows(database_url, "SELECT count(*) FROM messages WHERE chat_jid = %s", GROUP_JID) == [(0,)]
    assert rows(database_url, "SELECT is_tracked FROM tracking_config WHERE jid = %s", GROUP_JID) == [
        (False,)
    ]


def test_group_history_is_archived_when_groups_are_tracked(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    media_store: ObjectStore,
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url, track_groups=True)
    counted = rows(database_url, "SELECT count(*), count(*) FILTER (WHERE source = 'history') FROM messages"
                   " WHERE session_id = %s AND chat_jid = %s", session, GROUP_JID)  # fmt: skip
    assert counted == [(GROUP_HISTORY + 2, GROUP_HISTORY)]
    hits = rows(database_url, "SELECT id FROM messages WHERE text_body LIKE %s", f"%{SEARCH_WORD}%")
    assert hits == [("3EB0FAM00004",)]
    photo = f"3EB0FAM{GROUP_HISTORY_PHOTO_AT:05d}"
    (key, status) = rows(database_url, "SELECT bucket_key, status FROM media WHERE message_id = %s", photo)[0]
    assert status == "stored"
    assert media_store.get(key) == GROUP_PHOTO
    chats = rows(database_url, "SELECT name FROM chats WHERE session_id = %s ORDER BY name", session)
    assert [name for (name,) in chats] == ["Anna", "Book club", "Carla", "David", "Family"]


def test_group_is_tracked_with_its_messages_when_the_connector_decided_it_and_the_worker_would_not(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
) -> None:
    """`make run` (worker: DEFAULT_TRACK_GROUPS=false) then `make demo` (replay: true)."""
    session = _replayed(
        connector_settings,
        local_queue_pair,
        make_deps,
        database_url,
        track_groups=True,
        worker_track_groups=False,
    )
    assert rows(database_url, "SELECT is_tracked FROM tracking_config WHERE session_id = %s AND jid = %s",
                session, GROUP_JID) == [(True,)]  # fmt: skip
    counted = rows(database_url, "SELECT count(*) FROM messages WHERE session_id = %s AND chat_jid = %s",
                   session, GROUP_JID)  # fmt: skip
    assert counted == [(GROUP_HISTORY + 2,)]


def test_status_reaches_redis_and_postgres_when_sample_connects(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    make_deps: Callable[..., IngestDeps],
    database_url: str,
    redis_client: redis.Redis[str],
) -> None:
    session = _replayed(connector_settings, local_queue_pair, make_deps, database_url)
    assert redis_client.get(f"connector:{session}:state") == "connected"
    live = json.loads(redis_client.get(f"connector_status:{session}") or "{}")
    assert (live["state"], live["account_jid"], live["history_progress"]) == (
        "connected", "4917000000001@s.whatsapp.net", 100)  # fmt: skip
    assert 0 < redis_client.ttl(f"connector_status:{session}") <= 120
    assert (
        json.loads(redis_client.get(f"connector:{session}:history") or "{}")["sync_type"]
        == "INITIAL_BOOTSTRAP"
    )
    status = rows(database_url, "SELECT state, account_jid, history_progress FROM connector_status"
                  " WHERE session_id = %s", session)  # fmt: skip
    assert status == [("connected", "4917000000001@s.whatsapp.net", 100)]
    audit = rows(
        database_url,
        "SELECT state FROM connection_events WHERE session_id = %s ORDER BY occurred_at",
        session,
    )
    assert [state for (state,) in audit] == ["connecting", "connected"]
