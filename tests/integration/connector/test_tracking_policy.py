"""Tracking before publishing, on the real Redis and PostgreSQL, through neonize's dispatcher."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import psycopg
import redis
from deeplens.adapters.queue import Queue
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import decode_pointer
from deeplens_connector import archive_db
from deeplens_connector.replay import feed_bytes
from deeplens_connector.runtime import build
from deeplens_connector.sample.protos import complete, jid, media_fields, message, png
from deeplens_connector.settings import ConnectorSettings
from deeplens_connector.tracking import ChatPolicy, PolicyLookup
from deeplens_connector.translate import MediaRef
from neonize.client import NewClient
from neonize.events import EVENT_TO_INT
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

ANNA, CARL = "4915112345678", "4915199999999"
PHOTO = png(4, 4, (1, 2, 3))


def _configure(database_url: str, session: str, jid_text: str, tracked: bool, media: bool = True) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO tracking_config (session_id, jid, type, is_tracked, auto_download_media)"
            " VALUES (%s, %s, 'private', %s, %s)",
            (session, jid_text, tracked, media),
        )


def _lookup(database_url: str, session: str, cache: redis.Redis[str]) -> PolicyLookup:
    pool = archive_db.make_pool(database_url)
    return PolicyLookup(
        session, cache, lambda j: archive_db.fetch_policy(pool, session, j), TrackingPolicy(), 0
    )


def test_policy_comes_from_postgres_when_redis_has_no_entry(
    database_url: str, session_id: str, redis_client: redis.Redis[str]
) -> None:
    _configure(database_url, session_id, f"{ANNA}@s.whatsapp.net", tracked=False)
    lookup = _lookup(database_url, session_id, redis_client)
    assert lookup.policy_for(f"{ANNA}@s.whatsapp.net", "direct") == ChatPolicy(False, True)
    assert lookup.policy_for(f"{CARL}@s.whatsapp.net", "direct") == ChatPolicy(True, True)  # new chat
    assert not lookup.policy_for("120363000000000001@g.us", "group").is_tracked


def test_redis_entry_wins_when_api_just_changed_the_chat(
    database_url: str, session_id: str, redis_client: redis.Redis[str]
) -> None:
    _configure(database_url, session_id, f"{ANNA}@s.whatsapp.net", tracked=False)
    redis_client.set(f"tracking:{session_id}:{ANNA}@s.whatsapp.net",
                     json.dumps({"is_tracked": True, "auto_download_media": False}), ex=60)  # fmt: skip
    lookup = _lookup(database_url, session_id, redis_client)
    assert lookup.policy_for(f"{ANNA}@s.whatsapp.net", "direct") == ChatPolicy(True, False)


def _bulk_lookup(database_url: str, session: str, cache: redis.Redis[str]) -> PolicyLookup:
    pool = archive_db.make_pool(database_url)
    return PolicyLookup(
        session, cache, lambda j: archive_db.fetch_policy(pool, session, j), TrackingPolicy(), 60,
        database_many=lambda jids: archive_db.fetch_policies(pool, session, jids),
    )  # fmt: skip


def test_bulk_lookup_gives_the_same_policies_when_many_chats_are_fetched_at_once(
    database_url: str, session_id: str, redis_client: redis.Redis[str]
) -> None:
    anna, carl, group = f"{ANNA}@s.whatsapp.net", f"{CARL}@s.whatsapp.net", "120363000000000001@g.us"
    _configure(database_url, session_id, anna, tracked=False)
    _configure(database_url, session_id, carl, tracked=False)
    redis_client.set(f"tracking:{session_id}:{carl}",
                     json.dumps({"is_tracked": True, "auto_download_media": False}), ex=60)  # fmt: skip
    one_by_one = _lookup(database_url, session_id, redis_client)
    bulk = _bulk_lookup(database_url, session_id, redis_client)
    chats = {anna: "direct", carl: "direct", group: "group", "4915100000000@s.whatsapp.net": "direct"}
    bulk.prefetch(chats)
    assert {jid: bulk.policy_for(jid, kind) for jid, kind in chats.items()} == {
        jid: one_by_one.policy_for(jid, kind) for jid, kind in chats.items()
    }
    assert bulk.policy_for(carl, "direct") == ChatPolicy(True, False)  # Redis wins over the row


def test_bulk_lookup_asks_once_for_every_chat_when_a_history_chunk_is_prefetched(
    database_url: str, session_id: str, redis_client: redis.Redis[str]
) -> None:
    pool = archive_db.make_pool(database_url)
    queries: list[list[str]] = []

    def fetch_many(jids: list[str]) -> dict[str, ChatPolicy]:
        queries.append(jids)
        return archive_db.fetch_policies(pool, session_id, jids)

    def fetch_one(jid: str) -> ChatPolicy | None:
        raise AssertionError(f"one-by-one lookup of {jid}")

    lookup = PolicyLookup(session_id, redis_client, fetch_one, TrackingPolicy(), 60, database_many=fetch_many)
    chats = {f"49151{n:08d}@s.whatsapp.net": "direct" for n in range(300)}
    lookup.prefetch(chats)
    assert all(lookup.policy_for(jid, kind).is_tracked for jid, kind in chats.items())
    assert [len(jids) for jids in queries] == [300]


def _photo_from(user: str, msg_id: str) -> Any:
    image = E2E.ImageMessage(
        mimetype="image/png", caption="secret caption", **media_fields(PHOTO, f"/v/{msg_id}")
    )
    return complete(message(msg_id, jid(user), jid(user), 1_764_000_000_000, E2E.Message(imageMessage=image),
                            push_name="X", wa_type="media", media_type="image"))  # fmt: skip


def _published(queue: Queue) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while batch := queue.receive(10, wait_s=1):
        events += [e for m in batch for e in (decode_pointer(m.body).events or [])]
        queue.delete(m.receipt_handle for m in batch)
    return events


def _feed_photos(settings: ConnectorSettings, *events: Any) -> list[str]:
    asked: list[str] = []

    def download(ref: MediaRef) -> bytes:
        asked.append(ref.message_id)
        return PHOTO

    client = NewClient("never-connected", uuid=f"test-{settings.session_id}")
    connector = build(settings, client, download, settings.spool_dir)
    for ev in events:
        feed_bytes(client, EVENT_TO_INT[type(ev)], ev.SerializeToString())
    assert connector.finish(20)  # every download done: close() would leave them pending
    assert connector.close(20)
    return asked


def test_untracked_chat_publishes_no_content_and_downloads_nothing_when_messages_arrive(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    database_url: str,
    session_id: str,
) -> None:
    _configure(database_url, session_id, f"{CARL}@s.whatsapp.net", tracked=False)
    queue, _ = local_queue_pair()
    asked = _feed_photos(
        connector_settings(ingest_queue_url=queue.url),
        _photo_from(CARL, "3EB0C1"),
        _photo_from(CARL, "3EB0C2"),
    )
    published = _published(queue)
    assert asked == []
    assert [(e["kind"], e["jid"]) for e in published] == [("chat", f"{CARL}@s.whatsapp.net")]
    assert "secret caption" not in json.dumps(published)


def test_media_metadata_is_kept_without_download_when_auto_download_is_off(
    connector_settings: Callable[..., ConnectorSettings],
    local_queue_pair: Callable[..., Any],
    database_url: str,
    session_id: str,
) -> None:
    _configure(database_url, session_id, f"{ANNA}@s.whatsapp.net", tracked=True, media=False)
    queue, _ = local_queue_pair()
    asked = _feed_photos(
        connector_settings(ingest_queue_url=queue.url),
        _photo_from(ANNA, "3EB0A1"),
        _photo_from(CARL, "3EB0A2"),
    )
    media = {e["message_id"]: e["media"] for e in _published(queue) if e["kind"] == "message"}
    assert asked == ["3EB0A2"]  # Carl: a new direct chat, tracked with downloads by default
    assert media["3EB0A1"]["status"] == "skipped"
    assert media["3EB0A1"]["sha256"] == hashlib.sha256(PHOTO).hexdigest()
    assert media["3EB0A2"]["status"] == "stored"
