"""Publishing through a real network outage of S3 and SQS: nothing lost, order kept, and a
restarted connector drains what an earlier one spooled. End to end through ingest."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import decode_batch, decode_pointer
from deeplens.domain.envelope import parse_event
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps
from deeplens.settings import QueueSettings, S3Settings
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool, SpoolBusy

from tests import factories as f
from tests.integration.services.test_ingest_archive import rows
from tests.proxy import OutageProxy
from tests.support import settings_from

CHATS = (f.PN, f.BOB_PN, f.GROUP, "4915100000077@s.whatsapp.net")


@pytest.fixture
def proxies(stack_env: dict[str, str]) -> Iterator[tuple[OutageProxy, OutageProxy]]:
    s3 = OutageProxy(int(stack_env["MINIO_PORT"]))
    sqs = OutageProxy(int(stack_env["SQS_ENDPOINT_URL"].rsplit(":", 1)[1]))
    yield s3, sqs
    s3.close()
    sqs.close()


@pytest.fixture
def sinks(
    stack_env: dict[str, str], proxies: tuple[OutageProxy, OutageProxy], local_queue_pair: Callable[..., Any]
) -> tuple[ObjectStore, Queue, Queue]:
    """(events store via proxy, ingest queue via proxy, the same queue direct)."""
    s3_proxy, sqs_proxy = proxies
    s3 = settings_from(S3Settings, stack_env, minio_port=s3_proxy.port)
    direct, _ = local_queue_pair()
    queue_settings = settings_from(
        QueueSettings, stack_env, sqs_endpoint_url=f"http://127.0.0.1:{sqs_proxy.port}"
    )
    proxied = Queue(make_sqs_client(queue_settings, s3), direct.url)
    return ObjectStore(make_s3_client(s3), s3.events_bucket), proxied, direct


def _events(count: int) -> list[Any]:
    return [
        parse_event(f.message(CHATS[n % len(CHATS)], f"3EB0{n:016X}", f.PN, f.T0 + n, f"message {n}"))
        for n in range(count)
    ]


def _publisher(spool_dir: Path, store: ObjectStore, queue: Queue) -> Publisher:
    config = PublisherConfig(session=f.SESSION, max_events=100, max_wait_s=0.05, retry_max_s=0.5)
    return Publisher(config, Spool(spool_dir, max_bytes=50_000_000), store, queue).start()


def _received(direct: Queue, store: ObjectStore) -> list[tuple[str, list[dict[str, Any]]]]:
    """(batch id, its events) for every SQS message on the queue, in arrival order."""
    found = []
    while batch := direct.receive(10, wait_s=1):
        for message in batch:
            pointer = decode_pointer(message.body)
            events = pointer.events if pointer.events is not None else decode_batch(store.get(pointer.key))
            found.append((pointer.batch_id, events))
        direct.delete(m.receipt_handle for m in batch)
    return found


def test_every_event_arrives_once_in_order_when_s3_and_sqs_drop_out_midway(
    sinks: tuple[ObjectStore, Queue, Queue], proxies: tuple[OutageProxy, OutageProxy], tmp_path: Path
) -> None:
    store, proxied, direct = sinks
    publisher = _publisher(tmp_path / "spool", store, proxied)
    events = _events(2000)
    for number, event in enumerate(events):
        if number == 500:
            for proxy in proxies:
                proxy.cut()
        if number == 1500:
            time.sleep(1.0)  # the outage lasts while batches pile up in the spool
            for proxy in proxies:
                proxy.restore()
        publisher.submit(event)
    assert publisher.close(timeout_s=60)
    batches = dict(_received(direct, store))  # a batch re-sent after a lost reply counts once
    ids = [event["message_id"] for _, batch in sorted(batches.items()) for event in batch]
    assert sorted(ids) == sorted(e.message_id for e in events)  # all 2,000, none in two batches
    assert ids == [e.message_id for e in events]  # and in publishing order


def test_next_connector_drains_the_spool_when_previous_one_stopped_during_outage(
    sinks: tuple[ObjectStore, Queue, Queue],
    proxies: tuple[OutageProxy, OutageProxy],
    tmp_path: Path,
    database_url: str,
    make_deps: Callable[..., IngestDeps],
) -> None:
    store, proxied, direct = sinks
    for proxy in proxies:
        proxy.cut()
    first = _publisher(tmp_path / "spool", store, proxied)
    for event in _events(300):
        first.submit(event)
    with pytest.raises(SpoolBusy):
        Spool(tmp_path / "spool", max_bytes=1)  # one connector per spool: a second one is refused
    assert not first.close(timeout_s=1)  # still spooled: S3 and SQS are unreachable
    for proxy in proxies:
        proxy.restore()
    second = _publisher(tmp_path / "spool", store, proxied)
    assert second.close(timeout_s=30)
    deps = make_deps(database_url, TrackingPolicy(track_groups=True, track_private=True))

    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    while poll_once(direct, invoke, LocalContext(), region="us-east-1", wait_s=1).received:
        pass
    assert rows(database_url, "SELECT count(*) FROM messages") == [(300,)]


def test_every_pointer_names_its_account_as_the_fair_queue_tenant(
    sinks: tuple[ObjectStore, Queue, Queue], local_queue_pair: Callable[..., Any], tmp_path: Path
) -> None:
    """On a standard SQS queue MessageGroupId is the fair-queue tenant id: one account's history sync
    does not hold back another account's live messages. A redrive keeps it."""
    store, _, direct = sinks
    publisher = _publisher(tmp_path / "spool", store, direct)
    for event in _events(250):
        publisher.submit(event)
    assert publisher.close(timeout_s=30)
    redriven, _ = local_queue_pair()
    assert direct.move_all_to(redriven) >= 3  # max_events=100: three batches at least
    groups = set()
    while batch := redriven.receive(10, wait_s=1):
        groups |= {message.attributes.get("MessageGroupId") for message in batch}
        redriven.delete(m.receipt_handle for m in batch)
    assert groups == {f.SESSION}
