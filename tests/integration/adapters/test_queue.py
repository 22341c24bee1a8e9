"""The SQS adapter against both local backends: send/receive/delete, DLQ redrive and back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from deeplens.adapters.queue import Queue


def _receive_all(queue: Queue, expected: int, timeout: float = 10.0) -> list[Any]:
    got: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(got) < expected and time.monotonic() < deadline:
        got += queue.receive(wait_s=1)
    return got


def test_message_is_gone_when_received_and_deleted(queue_pair: Callable[..., tuple[Queue, Queue]]) -> None:
    queue, _ = queue_pair()
    queue.send('{"batch": 1}')
    [message] = _receive_all(queue, 1)
    assert message.body == '{"batch": 1}'
    assert message.attributes["ApproximateReceiveCount"] == "1"
    queue.delete([message.receipt_handle])
    time.sleep(1.2)
    assert queue.receive(wait_s=1) == []


def test_message_reaches_dlq_and_comes_back_when_never_deleted(
    queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    queue, dlq = queue_pair(max_receive_count=2)
    queue.send("poison")
    for _ in range(2):
        assert [m.body for m in _receive_all(queue, 1)] == ["poison"]
        time.sleep(1.2)
    assert queue.receive(wait_s=1) == []
    assert [m.body for m in _receive_all(dlq, 1)] == ["poison"]
    time.sleep(1.2)
    assert dlq.move_all_to(queue) == 1
    assert [m.body for m in _receive_all(queue, 1)] == ["poison"]
