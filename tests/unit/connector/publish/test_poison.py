"""No single event or batch stops publishing: an event that cannot be serialised is set aside with its
reason and its batch goes on; a body the queue refuses is sent as a bare pointer, or dead-lettered;
a publisher thread that dies anyway says so (`failed`), so the connector can exit for a restart."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

from deeplens.domain.batch import decode_batch, decode_pointer
from deeplens.domain.envelope import Event, parse_event
from deeplens.domain.errors import RefusedMessage
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests import factories as f
from tests.unit.connector.publish.test_batching import Messages, Objects, published


def _message(n: int, raw: dict[str, Any] | None = None) -> Event:
    data = f.message(f.PN, f"3EB0{n:016X}", f.PN, f.T0 + n, f"message {n}")
    if raw is not None:
        data["raw"] = raw
    return parse_event(data)


def _nested(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return root


def _wait_for(condition: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_event_too_deep_to_serialise_is_set_aside_and_its_batch_goes_on(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    publisher = Publisher(
        PublisherConfig("s1", max_events=10), Spool(tmp_path, 10**8), objects, messages
    ).start()
    publisher.submit_many([_message(1), _message(2, raw=_nested(2000)), _message(3)])
    publisher.submit(_message(4))
    assert publisher.close(timeout_s=10)
    assert not publisher.failed.is_set()
    ids = [event["message_id"] for batch in published(objects, messages) for event in batch]
    assert ids == [f"3EB0{n:016X}" for n in (1, 3, 4)]
    rejected = {key: body for key, body in objects.bodies.items() if key.startswith("rejected/s1/")}
    assert len(rejected) == 1 and publisher.rejected_events == 1
    record = json.loads(next(iter(rejected.values())))
    assert record["event"]["message_id"] == f"3EB0{2:016X}"
    assert record["event"]["text"] == "message 2"
    assert "depth" in record["reason"]
    assert not list((tmp_path / "rejected").glob("*"))  # uploaded, then forgotten


def test_publishing_goes_on_after_a_set_aside_event(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    config = PublisherConfig("s1", max_events=2, max_wait_s=0.01)
    publisher = Publisher(config, Spool(tmp_path, 10**8), objects, messages).start()
    publisher.submit(_message(1, raw=_nested(2000)))
    for n in range(2, 12):
        publisher.submit(_message(n))
    _wait_for(lambda: sum(len(batch) for batch in published(objects, messages)) == 10)
    assert sum(len(batch) for batch in published(objects, messages)) == 10  # before close()
    assert publisher.close(timeout_s=10)


class RefusesInline(Messages):
    """A queue that refuses any body carrying events inline (as SQS does a body it cannot take)."""

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        if decode_pointer(body).events is not None:
            raise RefusedMessage("SQS refused the message: InvalidMessageContents")
        return super().send(body, attributes)


class RefusesAll(Messages):
    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        if self.refused < 2:  # the inline body, then the bare pointer of the first batch
            self.refused += 1
            raise RefusedMessage("SQS refused the message: InvalidMessageContents")
        return super().send(body, attributes)


def test_batch_refused_inline_goes_as_a_bare_pointer(tmp_path: Path) -> None:
    objects, messages = Objects(), RefusesInline()
    publisher = Publisher(PublisherConfig("s1"), Spool(tmp_path, 10**8), objects, messages).start()
    publisher.submit_many([_message(1), _message(2)])
    assert publisher.close(timeout_s=10)
    [body] = messages.bodies
    pointer = decode_pointer(body)
    assert pointer.events is None and pointer.count == 2
    assert [e["message_id"] for e in decode_batch(objects.bodies[pointer.key])] == [
        f"3EB0{1:016X}",
        f"3EB0{2:016X}",
    ]


def test_batch_refused_even_as_a_pointer_is_dead_lettered_and_the_next_one_goes(tmp_path: Path) -> None:
    objects, messages = Objects(), RefusesAll()
    config = PublisherConfig("s1", max_events=1, retry_min_s=0.01)
    publisher = Publisher(config, Spool(tmp_path, 10**8), objects, messages).start()
    publisher.submit_many([_message(1), _message(2)])
    assert publisher.close(timeout_s=10)
    assert [batch[0]["message_id"] for batch in published(objects, messages)] == [f"3EB0{2:016X}"]
    [dead] = (tmp_path / "dead").glob("*.batch")
    assert json.loads(gzip.decompress(dead.read_bytes()))["message_id"] == f"3EB0{1:016X}"
    assert len(objects.bodies) == 2  # the refused batch's object is in the log: reconcile applies it


class BrokenSpool(Spool):
    def append(
        self, data: bytes, at_ms: int, count: int, batch_id: str, chat_segment: str | None = None
    ) -> Any:
        raise RuntimeError("disk controller on fire")


def test_a_dying_batch_thread_marks_the_publisher_failed(tmp_path: Path) -> None:
    publisher = Publisher(
        PublisherConfig("s1", max_wait_s=0.01), BrokenSpool(tmp_path, 10**8), Objects(), Messages()
    )
    publisher.start()
    publisher.submit(_message(1))
    assert publisher.failed.wait(10)
    assert "disk controller on fire" in publisher.failure
    assert not publisher.close(timeout_s=1)
