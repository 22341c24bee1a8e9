"""The Lambda handler with real SQS event shapes, partial failures, transient failures,
claim-check batches from the bucket, and the local event-source mapping with its DLQ."""

from __future__ import annotations

import copy
import gzip
import json
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue
from deeplens.domain.batch import BatchPointer, batch_key, encode_batch, encode_pointer
from deeplens.domain.envelope import parse_event
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.ingest import IngestDeps

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows

AWS_EVENT = Path(__file__).parents[2] / "events/sqs_receive_message.json"


def aws_event(*bodies: str) -> dict[str, Any]:
    """The SQS event in AWS's own shape (as `sam local generate-event sqs receive-message`)."""
    template = json.loads(AWS_EVENT.read_text())["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record.update(messageId=f"msg-{index}", body=body)
        records.append(record)
    return {"Records": records}


def test_applies_records_when_event_has_aws_sqs_shape(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    event = aws_event(inline_record([f.message(f.PN, "M1", f.PN, f.T0, "hello")], "h1"))
    assert handler(event, LocalContext(), deps) == {"batchItemFailures": []}
    assert rows(database_url, "SELECT id, text_body FROM messages") == [("M1", "hello")]


def test_reports_only_the_poison_record_when_one_envelope_is_invalid(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    bad = f.message(f.PN, "M2", f.PN, f.T0, "bad")
    bad["timestamp_ms"] = "yesterday"
    event = aws_event(
        inline_record([f.message(f.PN, "M1", f.PN, f.T0, "good")], "p1"),
        inline_record([f.message(f.PN, "M3", f.PN, f.T0, "also fine"), bad], "p2"),
        "not json at all",
        inline_record([f.message(f.PN, "M4", f.PN, f.T0, "good too")], "p3"),
    )
    response = handler(event, LocalContext(), deps)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}, {"itemIdentifier": "msg-2"}]}
    assert rows(database_url, "SELECT id FROM messages ORDER BY id") == [("M1",), ("M4",)]
    reasons = rows(database_url, "SELECT sqs_message_id, batch_key, reason FROM ingest_rejections ORDER BY 1")
    batch = f"events/{f.SESSION}/2025/11/24/p2.jsonl.gz"
    assert [(r[0], r[1]) for r in reasons] == [("msg-1", batch), ("msg-2", None)]
    assert "timestamp_ms" in reasons[0][2]
    assert "not JSON" in reasons[1][2]


def test_hostile_records_fail_alone_with_their_reason_kept(
    database_url: str, make_deps: Callable[..., IngestDeps], events_store: ObjectStore
) -> None:
    deps = make_deps(database_url)
    deep_pointer = "[" * 5000 + "]" * 5000
    deep_object = '{"v":1,"a":' + '{"a":' * 3000 + "1" + "}" * 3001
    bomb_key = batch_key(f.SESSION, f"bomb{uuid.uuid4().hex[:8]}", f.T0)
    bomb = gzip.compress(b" " * (200 * 1024 * 1024), compresslevel=9)  # 200 MB of blanks, ~200 KB
    events_store.put(bomb_key, bomb, "application/gzip")
    bomb_pointer = BatchPointer(batch_id=bomb_key.rsplit("/", 1)[1].split(".")[0], session=f.SESSION,
                                bucket=events_store.bucket, key=bomb_key)  # fmt: skip
    event = aws_event(
        deep_pointer,
        deep_object,
        encode_pointer(bomb_pointer),
        inline_record([f.message(f.PN, "M1", f.PN, f.T0, "good")], "h2"),
    )
    response = handler(event, LocalContext(), deps)
    assert response == {"batchItemFailures": [{"itemIdentifier": f"msg-{n}"} for n in range(3)]}
    assert rows(database_url, "SELECT id FROM messages") == [("M1",)]
    reasons = dict(rows(database_url, "SELECT sqs_message_id, reason FROM ingest_rejections"))
    assert "nested too deeply" in reasons["msg-0"] and "nested too deeply" in reasons["msg-1"]
    assert "larger than" in reasons["msg-2"]


def test_a_redriven_batch_updates_its_rejection_instead_of_adding_one(
    database_url: str, make_deps: Callable[..., IngestDeps]
) -> None:
    deps = make_deps(database_url)
    bad = f.message(f.PN, "M2", f.PN, f.T0, "bad")
    bad["timestamp_ms"] = "yesterday"
    body = inline_record([bad], "r1")
    for _ in range(3):  # each redrive: the same batch under a new SQS message id
        event = aws_event(body)
        event["Records"][0]["messageId"] = str(uuid.uuid4())
        handler(event, LocalContext(), deps)
    [(count, key)] = rows(database_url, "SELECT count(*), max(batch_key) FROM ingest_rejections")
    assert (count, key) == (1, f"events/{f.SESSION}/2025/11/24/r1.jsonl.gz")


def test_fails_every_record_when_database_is_unreachable(make_deps: Callable[..., IngestDeps]) -> None:
    deps = make_deps("postgresql://deeplens:x@127.0.0.1:9/deeplens")
    event = aws_event(
        *(inline_record([f.message(f.PN, f"M{n}", f.PN, f.T0, "hi")], f"t{n}") for n in range(2))
    )
    response = handler(event, LocalContext(), deps)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-1"}]}


def test_reads_batch_from_bucket_when_pointer_has_no_inline_events(
    database_url: str, make_deps: Callable[..., IngestDeps], events_store: ObjectStore
) -> None:
    deps = make_deps(database_url)
    events = [parse_event(f.message(f.PN, f"M{i}", f.PN, f.T0 + i, f"text {i}")) for i in range(30)]
    batch_id = uuid.uuid4().hex
    key = batch_key(f.SESSION, batch_id, f.T0)
    events_store.put(key, encode_batch(events), "application/gzip")
    pointer = BatchPointer(
        batch_id=batch_id, session=f.SESSION, bucket=events_store.bucket, key=key, count=30
    )
    assert handler(aws_event(encode_pointer(pointer)), LocalContext(), deps) == {"batchItemFailures": []}
    assert rows(database_url, "SELECT count(*) FROM messages") == [(30,)]


def test_poison_reaches_dlq_and_good_records_are_archived_when_run_by_local_worker(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    stack_env: dict[str, str],
    queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    deps = make_deps(database_url)
    queue, dlq = queue_pair(max_receive_count=2)
    queue.send(inline_record([f.message(f.PN, "M1", f.PN, f.T0, "good")], "w1"))
    queue.send('{"v": 7, "batch_id": "x"}')

    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    dead: list[str] = []
    deadline = time.monotonic() + 20
    while not dead and time.monotonic() < deadline:
        poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)
        dead = [message.body for message in dlq.receive(wait_s=0)]
    assert dead == ['{"v": 7, "batch_id": "x"}']
    assert rows(database_url, "SELECT id FROM messages") == [("M1",)]
    assert queue.receive(wait_s=1) == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM applied_batches").fetchone() == (1,)
