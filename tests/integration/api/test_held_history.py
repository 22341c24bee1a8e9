"""Retro-tracking through the real stack: the connector's publisher holds an untracked group's
content in `untracked/` (nothing is archived), tracking the group through the API replays it
(the messages appear once ingest has drained the queue), and 'forget now' deletes what is held."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue
from deeplens.domain.batch import untracked_prefix
from deeplens.domain.envelope import Event, parse_event
from deeplens.services import held_history
from deeplens.services.api import ApiDeps
from deeplens.services.ingest import IngestDeps
from deeplens.settings import ApiSettings
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests import factories as f
from tests.integration.api.test_imports import _client, _drain
from tests.integration.api.transport import ApiClient

MESSAGES = 222


@pytest.fixture
def queue(local_queue_pair: Callable[..., tuple[Queue, Queue]]) -> Queue:
    return local_queue_pair()[0]


@pytest.fixture
def deps(make_api_deps: Callable[[ApiSettings], ApiDeps], api_settings: ApiSettings, queue: Queue) -> ApiDeps:
    built = make_api_deps(api_settings.model_copy(update={"ingest_queue_url": queue.url}))
    built.cache.delete("login_attempts:127.0.0.1")
    built.cache.delete(held_history.state_key(f.SESSION))
    return built


@pytest.fixture
def api(deps: ApiDeps) -> Iterator[ApiClient]:
    yield from _client(deps)


@pytest.fixture
def events(deps: ApiDeps) -> Iterator[ObjectStore]:
    store = ObjectStore(make_s3_client(deps.settings), deps.settings.events_bucket)
    yield store
    for key in list(store.keys(untracked_prefix(f.SESSION))):
        store.delete(key)


def publish_untracked_group(events: ObjectStore, queue: Queue, spool: Path) -> None:
    """What the connector does for a new group while groups are untracked by default: its discovery
    (with the decision) is published, its content only held."""
    config = PublisherConfig(f.SESSION, max_events=100, max_wait_s=0.05)
    publisher = Publisher(config, Spool(spool, 10**8), events, queue).start()
    publisher.submit(parse_event(f.chat(f.GROUP, "group", "Family", f.T0, is_tracked=False)))
    held: list[Event] = [
        parse_event(f.message(f.GROUP, f"M{n:03d}", f.BOB_PN, f.T0 + n, f"message {n}"))
        for n in range(MESSAGES)
    ]
    publisher.hold_many(held)  # type: ignore[arg-type]
    assert publisher.close(timeout_s=30)


def group_messages(ingest: IngestDeps) -> int:
    with ingest.pool.connection() as conn:
        row = conn.execute("SELECT count(*) FROM messages WHERE chat_jid = %s", (f.GROUP,)).fetchone()
    assert row is not None
    return int(row[0])


def until_replayed(api: ApiClient, timeout_s: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        replay: dict[str, Any] = api.get("/api/tracking/held").json()["replays"].get(f.GROUP, {})
        if replay.get("state") in ("done", "failed") or time.monotonic() > deadline:
            return replay
        time.sleep(0.1)


@pytest.fixture
def ingest(
    database_url: str, make_deps: Callable[..., IngestDeps], monkeypatch: pytest.MonkeyPatch
) -> IngestDeps:
    monkeypatch.setattr(held_history, "SETTLE_S", 0.2)  # the replay's second listing, soon
    return make_deps(database_url)


def test_tracking_a_group_replays_its_held_history_and_forget_deletes_it(
    api: ApiClient, queue: Queue, events: ObjectStore, ingest: IngestDeps, tmp_path: Path
) -> None:
    publish_untracked_group(events, queue, tmp_path / "spool")
    held = list(events.keys(untracked_prefix(f.SESSION, f.GROUP)))
    assert len(held) == 3  # 222 messages in batches of 100, none enqueued
    assert _drain(queue, ingest) == 1  # the discovery only
    assert group_messages(ingest) == 0
    assert api.get("/api/tracking/held").json() == {"retention_days": 30, "replays": {}}

    reply = api.request("PATCH", f"/api/tracking/{f.GROUP}", json_body={"is_tracked": True})
    assert reply.status == 200, reply.body
    assert until_replayed(api)["state"] == "done"
    assert until_replayed(api)["batches"] == 3
    assert _drain(queue, ingest) == 3
    assert group_messages(ingest) == MESSAGES

    reply = api.request("DELETE", f"/api/tracking/{f.GROUP}/held")
    assert (reply.status, reply.json()) == (200, {"deleted": 3})
    assert list(events.keys(untracked_prefix(f.SESSION, f.GROUP))) == []
    assert group_messages(ingest) == MESSAGES  # forgetting the log keeps the archive


def test_forget_all_deletes_every_held_chat(
    api: ApiClient, queue: Queue, events: ObjectStore, tmp_path: Path
) -> None:
    publish_untracked_group(events, queue, tmp_path / "spool")
    reply = api.request("DELETE", "/api/tracking/held")
    assert (reply.status, reply.json()) == (200, {"deleted": 3})
    assert list(events.keys(untracked_prefix(f.SESSION))) == []
    assert api.request("DELETE", "/api/tracking/no-jid/held").status == 400
