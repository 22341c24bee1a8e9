"""The SQS adapter against both local backends: send/receive/delete, DLQ redrive and back."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from deeplens.adapters.queue import Queue


def _queue_pair(sqs: Any, max_receive_count: int = 2) -> tuple[Queue, Queue]:
    name = f"t-{uuid.uuid4().hex[:10]}"
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count})
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "1", "RedrivePolicy": redrive})
    return Queue(sqs, url["QueueUrl"]), Queue(sqs, dlq_url)


def _receive_all(queue: Queue, expected: int, timeout: float = 10.0) -> list[Any]:
    got: list[Any] = []
    deadline = time.monotonic() + timeout
    while len(got) < expected and time.monotonic() < deadline:
        got += queue.receive(wait_s=1)
    return got


def test_message_is_gone_when_received_and_deleted(sqs: Any) -> None:
    queue, _ = _queue_pair(sqs)
    queue.send('{"batch": 1}')
    [message] = _receive_all(queue, 1)
    assert message.body == '{"batch": 1}'
    assert message.attributes["ApproximateReceiveCount"] == "1"
    queue.delete([message.receipt_handle])
    time.sleep(1.2)
    assert queue.receive(wait_s=1) == []


def test_message_reaches_dlq_and_comes_back_when_never_deleted(sqs: Any) -> None:
    queue, dlq = _queue_pair(sqs, max_receive_count=2)
    queue.send("poison")
    for _ in range(2):
        assert [m.body for m in _receive_all(queue, 1)] == ["poison"]
        time.sleep(1.2)
    assert queue.receive(wait_s=1) == []
    assert [m.body for m in _receive_all(dlq, 1)] == ["poison"]
    time.sleep(1.2)
    assert dlq.move_all_to(queue) == 1
    assert [m.body for m in _receive_all(queue, 1)] == ["poison"]
