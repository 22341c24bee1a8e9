"""The batcher: events handed over one by one or in lists leave in order, in batches of max_events."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from deeplens.domain.batch import decode_batch, decode_pointer
from deeplens.domain.envelope import Event, parse_event
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests.golden.goldens import all_goldens


class Objects:
    bucket = "events"

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}

    def put(self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None) -> str:
        self.bodies[key] = body
        return key


class Messages:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        self.bodies.append(body)
        return str(len(self.bodies))


def published(objects: Objects, messages: Messages) -> list[list[dict[str, Any]]]:
    return [decode_batch(objects.bodies[decode_pointer(body).key]) for body in messages.bodies]


def events(count: int) -> list[Event]:
    goldens = list(all_goldens().values())
    return [parse_event(goldens[n % len(goldens)] | {"event_id": f"e{n}"}) for n in range(count)]


def test_events_leave_in_order_in_full_batches_when_handed_over_in_lists(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    config = PublisherConfig("s1", max_events=3, max_wait_s=30)  # only size and close() end a batch
    publisher = Publisher(config, Spool(tmp_path, 10_000_000), objects, messages).start()
    sent = events(8)
    publisher.submit_many(sent[:4])
    publisher.submit(sent[4])
    publisher.submit_many([])
    publisher.submit_many(sent[5:7])
    publisher.submit(sent[7])
    assert publisher.close(timeout_s=10)
    batches = published(objects, messages)
    assert [len(batch) for batch in batches] == [3, 3, 2]
    assert [event["event_id"] for batch in batches for event in batch] == [f"e{n}" for n in range(8)]


def test_a_due_batch_leaves_without_waiting_for_more_when_the_deadline_passes(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    config = PublisherConfig("s1", max_events=500, max_wait_s=0.01)
    publisher = Publisher(config, Spool(tmp_path, 10_000_000), objects, messages).start()
    publisher.submit_many(events(2))
    deadline = time.monotonic() + 10
    while not messages.bodies and time.monotonic() < deadline:
        time.sleep(0.01)
    assert messages.bodies  # published before close(): the deadline ended the batch
    assert publisher.close(timeout_s=10)
    assert [len(batch) for batch in published(objects, messages)] == [2]
