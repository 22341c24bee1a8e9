"""The events bucket is the source of truth: reconcile and replay refill the queue from it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue
from deeplens.domain.batch import batch_key, encode_batch, pointer_for_key
from deeplens.domain.envelope import parse_event
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens.services.reconcile import reconcile, replay

from tests import factories as f
from tests.integration.services.test_ingest_archive import rows


def _write_log(store: ObjectStore, session: str, batches: int) -> list[str]:
    keys = []
    for number in range(batches):
        event = f.message(f.PN, f"R{number}", f.PN, f.T0 + number, f"batch {number}")
        event["session"] = session
        key = batch_key(session, f"b{number:03d}", f.T0)
        store.put(key, encode_batch([parse_event(event)]), "application/gzip")
        keys.append(key)
    return keys


def _drain(queue: Queue, deps: IngestDeps) -> None:
    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    while poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1).received:
        pass


def test_enqueues_exactly_the_unapplied_batches_when_queue_was_lost(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"rc_{uuid.uuid4().hex[:8]}"
    keys = _write_log(events_store, session, 3)
    deps = make_deps(database_url)
    ingest_record(pointer_for_key(events_store.bucket, keys[1], session), deps)
    queue, _ = local_queue_pair()

    result = reconcile(
        events_store, deps.pool, queue, session=session, now=datetime.now(UTC), min_age=timedelta(0)
    )
    assert (result.listed, result.applied, result.enqueued) == (3, 1, 2)
    _drain(queue, deps)
    assert rows(database_url, "SELECT id FROM messages ORDER BY id") == [("R0",), ("R1",), ("R2",)]
    again = reconcile(
        events_store, deps.pool, queue, session=session, now=datetime.now(UTC), min_age=timedelta(0)
    )
    assert (again.applied, again.enqueued) == (3, 0)


def test_leaves_young_batches_alone_when_their_message_may_be_in_flight(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"rc_{uuid.uuid4().hex[:8]}"
    _write_log(events_store, session, 2)
    queue, _ = local_queue_pair()
    deps = make_deps(database_url)
    result = reconcile(
        events_store, deps.pool, queue, session=session, now=datetime.now(UTC), min_age=timedelta(hours=1)
    )
    assert (result.enqueued, result.too_young) == (0, 2)


def test_rebuilds_archive_from_log_when_replayed_from_a_date(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"rc_{uuid.uuid4().hex[:8]}"
    _write_log(events_store, session, 3)
    deps = make_deps(database_url)
    queue, _ = local_queue_pair()
    reconcile(events_store, deps.pool, queue, session=session, now=datetime.now(UTC), min_age=timedelta(0))
    _drain(queue, deps)
    with deps.pool.connection() as conn:
        conn.execute("DELETE FROM messages")
    assert replay(events_store, deps.pool, queue, session, date(2025, 11, 24)).enqueued == 3
    _drain(queue, deps)
    assert rows(database_url, "SELECT count(*) FROM messages") == [(3,)]
    assert replay(events_store, deps.pool, queue, session, date(2025, 11, 25)).enqueued == 0
