"""FairPoller (#15 isolation): one account's backlog (a history sync) does not hold another
account's live batches behind it; a handler call stays within its event budget; every message is
deleted once handled. On the
stack's SQS (moto) with the real pointer bodies; the handler records what it is given."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from deeplens.domain.batch import BatchPointer, encode_pointer
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import FairPoller, pointer_meta, poll_once


def _pointer(session: str, n: int, count: int) -> str:
    key = f"events/{session}/2025/11/24/b{n:05d}.jsonl.gz"
    return encode_pointer(
        BatchPointer(batch_id=f"b{n:05d}", session=session, bucket="deeplens-events", key=key, count=count)
    )


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[tuple[str, int]]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.calls.append([pointer_meta(record["body"]) for record in event["Records"]])  # type: ignore[misc]
        return {"batchItemFailures": []}


def _fill(queue: Any) -> None:
    for n in range(30):  # a history sync's burst: 30 batches of 500 events
        queue.send(_pointer("hist", n, 500))
    queue.send(_pointer("live1", 100, 1))
    queue.send(_pointer("live2", 101, 1))


def test_live_batches_of_other_accounts_go_first_despite_the_backlog(
    local_queue_pair: Callable[..., Any],
) -> None:
    queue, _ = local_queue_pair()
    _fill(queue)
    handler = Recorder()
    poller = FairPoller(queue, handler, LocalContext(), region="us-east-1", wait_s=1, max_events=1000)
    while poller.poll().received:
        pass
    assert handler.calls[0] == [("live1", 1), ("live2", 1)]  # queued last, applied first
    assert handler.calls[1] == [("hist", 500), ("hist", 500)]  # then the backlog, within its budget
    assert all(sum(count for _, count in call) <= 1000 for call in handler.calls)
    assert sum(len(call) for call in handler.calls) == 32
    assert queue.receive(10, wait_s=1) == []  # every handled message was deleted


def test_the_plain_poller_hands_the_backlog_first(local_queue_pair: Callable[..., Any]) -> None:
    """What FairPoller is for: poll_once's first call is the history account's alone."""
    queue, _ = local_queue_pair()
    _fill(queue)
    handler = Recorder()
    poll_once(queue, handler, LocalContext(), region="us-east-1", wait_s=1)
    assert {account for account, _ in handler.calls[0]} == {"hist"}


def test_a_body_that_is_no_pointer_gets_a_lane_of_its_own() -> None:
    assert pointer_meta("not json") == (None, 1)
    assert pointer_meta(json.dumps({"session": 5, "count": "x"})) == (None, 1)
    assert pointer_meta(_pointer("sales", 1, 7)) == ("sales", 7)
