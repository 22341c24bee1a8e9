"""A PostgreSQL outage never sends good batches to the DLQ while it is shorter than the retry budget:
records that fail on it are hidden for the schedule's growing delays (ChangeMessageVisibility),
the invocation stops at the first such record, and everything is applied once the database is back.
A real outage: the database is reached through a TCP proxy the test cuts and restores."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue, RecordDelays, make_sqs_client
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.retry import RetrySchedule
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once, queue_arn, sqs_event
from deeplens.services.ingest import IngestDeps
from deeplens.settings import QueueSettings, S3Settings
from psycopg_pool import ConnectionPool

from tests import factories as f
from tests.integration.conftest import _queue_factory
from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.proxy import OutageProxy
from tests.support import settings_from

# 1, 2, 2, 2, 2 s: five receives cover an 8 s budget. With the queue's own 1 s visibility (no
# backoff), five receives were used up after ~5 s of outage and the batches went to the DLQ.
SCHEDULE = RetrySchedule(base_s=1, max_s=2, budget_s=8)
OUTAGE_S = 6.5


@pytest.fixture
def proxied_database(database_url: str) -> Iterator[tuple[str, OutageProxy]]:
    host_port = database_url.split("@", 1)[1].split("/", 1)[0]
    proxy = OutageProxy(int(host_port.rsplit(":", 1)[1]))
    yield database_url.replace(host_port, f"127.0.0.1:{proxy.port}"), proxy
    proxy.close()


def _deps(url: str, stack_env: dict[str, str], events_store: ObjectStore) -> IngestDeps:
    pool: ConnectionPool[Any] = ConnectionPool(
        url, min_size=0, max_size=2, timeout=1, kwargs={"connect_timeout": 1}, open=True
    )
    sqs = make_sqs_client(settings_from(QueueSettings, stack_env), settings_from(S3Settings, stack_env))
    policy = TrackingPolicy(track_groups=True, track_private=True)
    return IngestDeps(pool, events_store, policy, SCHEDULE, RecordDelays(lambda: sqs))


class _Worker:
    """The local event source polling in the background, as the worker process does."""

    def __init__(self, queue: Queue, deps: IngestDeps) -> None:
        self.stopping = threading.Event()

        def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
            return handler(event, context, deps)

        def loop() -> None:
            while not self.stopping.is_set():
                poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(30)


def _until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_good_batches_wait_out_an_outage_shorter_than_the_budget(
    stack_env: dict[str, str],
    events_store: ObjectStore,
    database_url: str,
    proxied_database: tuple[str, OutageProxy],
) -> None:
    url, proxy = proxied_database
    queue, dlq = _queue_factory(stack_env)(max_receive_count=SCHEDULE.max_receive_count)
    deps = _deps(url, stack_env, events_store)
    for n in range(3):
        queue.send(inline_record([f.message(f.PN, f"M{n}", f.PN, f.T0 + n, f"text {n}")], f"o{n}"))
    proxy.cut()
    worker = _Worker(queue, deps)
    time.sleep(OUTAGE_S)  # the outage lasts this long by the clock, however slow the polls are
    assert rows(database_url, "SELECT count(*) FROM messages") == [(0,)]
    proxy.restore()
    _until(lambda: rows(database_url, "SELECT count(*) FROM messages") == [(3,)], 30)
    worker.stop()
    assert rows(database_url, "SELECT id FROM messages ORDER BY id") == [("M0",), ("M1",), ("M2",)]
    assert dlq.receive(10, wait_s=1) == []
    deps.pool.close()


def test_an_invocation_stops_at_the_first_transient_failure(
    stack_env: dict[str, str], events_store: ObjectStore, proxied_database: tuple[str, OutageProxy]
) -> None:
    url, proxy = proxied_database
    queue, _ = _queue_factory(stack_env)(max_receive_count=SCHEDULE.max_receive_count)
    deps = _deps(url, stack_env, events_store)
    proxy.cut()
    for n in range(5):
        queue.send(inline_record([f.message(f.PN, f"S{n}", f.PN, f.T0 + n, "x")], f"s{n}"))
    tried: list[str] = []
    records = queue.receive(10, wait_s=1)
    while len(records) < 5:
        records += queue.receive(10, wait_s=1)

    def counting(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        tried.extend(record["messageId"] for record in event["Records"])
        return handler(event, context, deps)

    event = sqs_event(records, queue_arn(queue.url, "us-east-1"), "us-east-1")
    started = time.monotonic()
    response = counting(event, LocalContext())
    elapsed = time.monotonic() - started
    assert len(response["batchItemFailures"]) == 5
    assert elapsed < 2 * 1 + 1  # one pool timeout (1 s), not five
    # every failed record is hidden for the first delay: none comes back at once
    assert queue.receive(10, wait_s=0) == []
    deps.pool.close()
