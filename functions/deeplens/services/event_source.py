"""The local SQS event-source mapping: what AWS Lambda does for an SQS trigger, in-process.

It long-polls the queue, builds the exact Lambda SQS event, calls the handler, deletes only the
records the handler did not report as failed, and leaves the rest to the queue's own redrive
policy (after maxReceiveCount receives a message moves to the DLQ)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from deeplens.adapters.queue import Received


class QueuePort(Protocol):
    url: str

    def receive(self, max_messages: int = 10, wait_s: int = 0) -> list[Received]: ...
    def delete(self, receipt_handles: Any) -> None: ...


Handler = Callable[[dict[str, Any], Any], Mapping[str, Any]]


@dataclass(frozen=True)
class PollResult:
    received: int
    deleted: int
    failed: int
    crashed: bool


def queue_arn(url: str, region: str) -> str:
    """arn:aws:sqs:{region}:{account}:{name} from a queue URL (AWS, LocalStack or moto shape)."""
    parts = url.rstrip("/").split("/")
    return f"arn:aws:sqs:{region}:{parts[-2]}:{parts[-1]}"


def sqs_event(messages: list[Received], arn: str, region: str) -> dict[str, Any]:
    return {"Records": [_record(message, arn, region) for message in messages]}


def _record(message: Received, arn: str, region: str) -> dict[str, Any]:
    return {
        "messageId": message.message_id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": message.attributes,
        "messageAttributes": {},
        "md5OfBody": message.md5_of_body or hashlib.md5(message.body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def poll_once(
    queue: QueuePort, handler: Handler, context: Any, *, region: str, wait_s: int = 5, batch_size: int = 10
) -> PollResult:
    messages = queue.receive(batch_size, wait_s=wait_s)
    if not messages:
        return PollResult(0, 0, 0, crashed=False)
    try:
        response = handler(sqs_event(messages, queue_arn(queue.url, region), region), context)
    except Exception:  # the invocation failed: like Lambda, delete nothing, SQS redelivers all
        return PollResult(len(messages), 0, len(messages), crashed=True)
    failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
    done = [m.receipt_handle for m in messages if m.message_id not in failed]
    queue.delete(done)
    return PollResult(len(messages), len(done), len(failed), crashed=False)
