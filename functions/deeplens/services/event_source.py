"""The local SQS event-source mapping: what AWS Lambda does for an SQS trigger, in-process.

It long-polls the queue, builds the exact Lambda SQS event, calls the handler, deletes only the
records the handler did not report as failed, and leaves the rest to the queue's own redrive
policy (after maxReceiveCount receives a message moves to the DLQ)."""

from __future__ import annotations

import hashlib
import json
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


SMALL_BATCH = 50  # events: a batch of live traffic (the connector flushes every 250 ms)


class FairPoller:
    """`poll_once` with fairness between accounts (issue #15): it reads ahead up to `lookahead`
    messages and hands the handler at most `batch_size` per call, taken round-robin across the
    accounts the pointers name, oldest first within each. A history sync of one account (hundreds
    of batch pointers queued at once) then delays another account's live message by about one
    handler call once the worker has read past the backlog, instead of by the whole backlog.

    Messages held in the read-ahead stay invisible in the queue for its visibility timeout, so
    `lookahead` x the time per record must stay well under it (local queue: 60 s; a batch of 500
    events takes ~0.1 s). A crash leaves them to reappear after the timeout, as poll_once's."""

    def __init__(
        self,
        queue: QueuePort,
        handler: Handler,
        context: Any,
        *,
        region: str,
        wait_s: int = 5,
        batch_size: int = 10,
        lookahead: int = 200,
        max_events: int = 1000,
    ) -> None:
        self.queue, self.handler, self.context, self.region = queue, handler, context, region
        self.wait_s, self.batch_size, self.lookahead = wait_s, batch_size, max(lookahead, batch_size)
        self.max_events = max_events  # per handler call: a call of ten 500-event batches takes seconds
        self.buffer: list[Received] = []
        self._meta: dict[str, tuple[str | None, int]] = {}  # message id -> (account, events), read once

    def poll(self) -> PollResult:
        self._fill()
        if not self.buffer:
            return PollResult(0, 0, 0, crashed=False)
        picked = self._pick()
        try:
            response = self.handler(
                sqs_event(picked, queue_arn(self.queue.url, self.region), self.region), self.context
            )
        except Exception:  # the invocation failed: delete nothing, SQS redelivers these after the timeout
            return PollResult(len(picked), 0, len(picked), crashed=True)
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        done = [m.receipt_handle for m in picked if m.message_id not in failed]
        self.queue.delete(done)
        return PollResult(len(picked), len(done), len(failed), crashed=False)

    def _fill(self) -> None:
        """Read until `lookahead` messages are held or the queue has none; waits (long poll) only
        while holding nothing."""
        while len(self.buffer) < self.lookahead:
            got = self.queue.receive(10, wait_s=0 if self.buffer else self.wait_s)
            if not got:
                return
            fresh = [m for m in got if m.message_id not in self._meta]
            self._meta.update((m.message_id, pointer_meta(m.body)) for m in fresh)
            self.buffer += fresh

    def _pick(self) -> list[Received]:
        """Up to batch_size messages and about max_events events, removed from the read-ahead:
        the small batches (live traffic, at most SMALL_BATCH events) of every account first, one
        per account in turn; only when none is held, the big ones (a history sync) the same way. A
        live message then waits for at most the one big batch being applied when it arrived."""
        small = [m for m in self.buffer if self._meta[m.message_id][1] <= SMALL_BATCH]
        picked = self._round_robin(small or self.buffer)
        taken = {m.message_id for m in picked}
        self.buffer = [m for m in self.buffer if m.message_id not in taken]
        for message_id in taken:
            del self._meta[message_id]
        return picked

    def _round_robin(self, held: list[Received]) -> list[Received]:
        """One message per account in turn (accounts in order of their oldest held message)."""
        lanes: dict[str | None, list[Received]] = {}
        for message in held:
            lanes.setdefault(self._meta[message.message_id][0], []).append(message)
        picked: list[Received] = []
        events = 0
        while any(lanes.values()):
            for lane in (lane for lane in lanes.values() if lane):
                count = self._meta[lane[0].message_id][1]
                if picked and (len(picked) >= self.batch_size or events + count > self.max_events):
                    return picked
                picked.append(lane.pop(0))
                events += count
        return picked


def pointer_meta(body: str) -> tuple[str | None, int]:
    """The account a batch pointer names (its `session`) and its event count; (None, 1) for
    anything else (it fails in ingest as poison, in a lane of its own)."""
    try:
        data = json.loads(body)
        session, count = data.get("session"), data.get("count")
    except (ValueError, AttributeError, RecursionError):
        return None, 1
    account = session if isinstance(session, str) else None
    return account, count if isinstance(count, int) and count > 0 else 1
