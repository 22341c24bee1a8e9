"""The events bucket is the source of truth: reconcile and replay refill the queue from it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue
from deeplens.domain.batch import batch_key, decode_pointer, encode_batch, pointer_for_key
from deeplens.domain.envelope import parse_event
from deeplens.domain.errors import PoisonRecord
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps, ingest_record, record_rejection
from deeplens.services.reconcile import Limits, ReconcileResult, reconcile, replay

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


# --- watermark, rejected batches, bounded runs ---------------------------------------------------

DAY_MS = 86_400_000


def _put_on_day(store: ObjectStore, session: str, name: str, days_ago: int) -> str:
    """A one-message batch in the log under the UTC day `days_ago` days back."""
    at_ms = int(datetime.now(UTC).timestamp() * 1000) - days_ago * DAY_MS
    event = f.message(f.PN, name, f.PN, f.T0, name)
    event["session"] = session
    key = batch_key(session, name, at_ms)
    store.put(key, encode_batch([parse_event(event)]), "application/gzip")
    return key


def _mark_applied(deps: IngestDeps, session: str, keys: list[str]) -> None:
    with deps.pool.connection() as conn:
        for key in keys:
            conn.execute(
                "INSERT INTO applied_batches (session_id, batch_key, event_count) VALUES (%s, %s, 1)",
                (session, key),
            )


def _queued_keys(queue: Queue) -> list[str]:
    keys: list[str] = []
    while received := queue.receive(10):
        keys += [decode_pointer(message.body).key for message in received]
        queue.delete(message.receipt_handle for message in received)
    return sorted(keys)


def _run(deps: IngestDeps, store: ObjectStore, queue: Queue, session: str, **options: Any) -> ReconcileResult:
    return reconcile(
        store, deps.pool, queue, session=session, now=datetime.now(UTC), min_age=timedelta(0), **options
    )


def test_lists_only_from_the_watermark_once_the_old_days_are_settled(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"wm_{uuid.uuid4().hex[:8]}"
    old = [_put_on_day(events_store, session, f"old{n}", days) for n, days in enumerate((30, 20, 10))]
    deps = make_deps(database_url)
    _mark_applied(deps, session, old)
    queue, _ = local_queue_pair()
    first = _run(deps, events_store, queue, session)
    assert (first.listed, first.applied, first.enqueued, first.complete) == (3, 3, 0, True)
    settled = date.fromisoformat(first.settled_through or "")
    assert settled == datetime.now(UTC).date() - timedelta(days=2)  # the settle window

    late_old = _put_on_day(events_store, session, "lateold", 20)  # behind the watermark
    today = _put_on_day(events_store, session, "today", 0)
    second = _run(deps, events_store, queue, session)
    assert (second.listed, second.enqueued) == (1, 1)  # the old days are not listed again
    assert _queued_keys(queue) == [today]

    full = _run(deps, events_store, queue, session, full=True)
    assert (full.listed, full.enqueued) == (5, 2)
    assert _queued_keys(queue) == sorted([late_old, today])


def test_watermark_stops_before_the_first_day_with_an_unapplied_batch(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"wm_{uuid.uuid4().hex[:8]}"
    done = _put_on_day(events_store, session, "done", 12)
    lost = _put_on_day(events_store, session, "lost", 9)  # its SQS message was lost
    deps = make_deps(database_url)
    _mark_applied(deps, session, [done])
    queue, _ = local_queue_pair()
    first = _run(deps, events_store, queue, session)
    assert first.enqueued == 1 and _queued_keys(queue) == [lost]
    assert first.settled_through == (datetime.now(UTC).date() - timedelta(days=10)).isoformat()
    # the re-enqueued message is lost too (a purged queue): the next run still finds the batch
    again = _run(deps, events_store, queue, session)
    assert (again.listed, again.enqueued) == (1, 1)
    _mark_applied(deps, session, [lost])
    _queued_keys(queue)
    settled = _run(deps, events_store, queue, session)
    assert settled.settled_through == (datetime.now(UTC).date() - timedelta(days=2)).isoformat()


def test_skips_batches_ingest_refused_unless_asked(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"rj_{uuid.uuid4().hex[:8]}"
    bad = _put_on_day(events_store, session, "bad", 0)
    good = _put_on_day(events_store, session, "good", 0)
    deps = make_deps(database_url)
    record_rejection(deps.pool, "m-1", PoisonRecord("event #0: nonsense", session, bad), receives=17)
    queue, _ = local_queue_pair()
    first = _run(deps, events_store, queue, session)
    assert (first.enqueued, first.rejected_skipped) == (1, 1)
    assert _queued_keys(queue) == [good]
    _mark_applied(deps, session, [good])
    asked = _run(deps, events_store, queue, session, include_rejected=True)
    assert (asked.requeued_rejected, asked.enqueued, asked.rejected_skipped) == (1, 1, 0)
    assert _queued_keys(queue) == [bad]


def test_bounded_runs_resume_where_the_last_one_stopped(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"bd_{uuid.uuid4().hex[:8]}"
    keys = sorted(_put_on_day(events_store, session, f"k{n}", days) for n, days in enumerate((9, 8, 7, 6, 5)))
    deps = make_deps(database_url)
    _mark_applied(deps, session, keys[:3])
    queue, _ = local_queue_pair()
    limits = Limits(max_listed=2, max_enqueued=1, settle_days=2)
    first = _run(deps, events_store, queue, session, limits=limits)
    assert (first.listed, first.enqueued, first.complete) == (2, 0, False)
    assert first.settled_through == (datetime.now(UTC).date() - timedelta(days=9)).isoformat()
    second = _run(deps, events_store, queue, session, limits=limits)
    assert (second.listed, second.enqueued, second.complete) == (2, 1, False)  # stopped by the enqueue bound
    third = _run(deps, events_store, queue, session, limits=limits)
    assert (third.listed, third.enqueued, third.complete) == (1, 1, True)
    assert _queued_keys(queue) == keys[3:]  # each outstanding batch once over the three runs
    # the pass saw k3 outstanding (its message is still in flight): the watermark waits before its day
    assert third.settled_through == (datetime.now(UTC).date() - timedelta(days=7)).isoformat()
