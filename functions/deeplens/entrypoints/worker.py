"""`python -m deeplens.entrypoints.worker`: the local ingest worker (SQS -> the Lambda handler).

Also `... worker redrive` moves every DLQ message back to the ingest queue after a fix."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import ingest_deps_from
from deeplens.entrypoints.cli import run_cli
from deeplens.entrypoints.ingest import handler
from deeplens.services.event_source import FairPoller, PollResult, poll_once
from deeplens.settings import WorkerSettings, load_settings

logger = Logger(service="deeplens-worker")


@dataclass
class LocalContext:
    """The parts of a LambdaContext that Powertools reads."""

    function_name: str = "deeplens-ingest-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:deeplens-ingest-local"
    aws_request_id: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


class _Stop:
    requested = False

    @classmethod
    def request(cls, signum: int, frame: FrameType | None) -> None:
        cls.requested = True


def main(argv: list[str]) -> int:
    settings = load_settings(WorkerSettings)
    sqs = make_sqs_client(settings, settings)
    queue = Queue(sqs, str(settings.ingest_queue_url))
    if argv[:1] == ["redrive"]:
        return _redrive(sqs, queue, settings)
    deps = ingest_deps_from(settings)
    signal.signal(signal.SIGTERM, _Stop.request)
    signal.signal(signal.SIGINT, _Stop.request)
    logger.info("ingest worker polling", extra={"queue": queue.url})

    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    poll = _poller(queue, invoke, settings)
    while not _Stop.requested:
        _poll(poll)
    logger.info("ingest worker stopped")
    return 0


def _poller(queue: Queue, invoke: Any, settings: WorkerSettings) -> Callable[[], PollResult]:
    """FairPoller (accounts in turn, bounded events per call) unless WORKER_LOOKAHEAD is 0."""
    if settings.worker_lookahead == 0:
        return lambda: poll_once(
            queue, invoke, LocalContext(), region=settings.aws_region,
            wait_s=settings.worker_wait_seconds, batch_size=settings.worker_batch_size,
        )  # fmt: skip
    return FairPoller(
        queue, invoke, LocalContext(), region=settings.aws_region, wait_s=settings.worker_wait_seconds,
        batch_size=settings.worker_batch_size, lookahead=settings.worker_lookahead,
        max_events=settings.worker_max_events,
    ).poll  # fmt: skip


def _poll(poll: Callable[[], PollResult]) -> None:
    try:
        result = poll()
    except Exception as error:  # the queue itself is unreachable: wait and try again
        logger.warning("queue unreachable, retrying", extra={"error": str(error)})
        time.sleep(2)
        return
    if result.failed:
        logger.warning("records failed", extra={"failed": result.failed, "crashed": result.crashed})


def _redrive(sqs: Any, queue: Queue, settings: WorkerSettings) -> int:
    if settings.ingest_dlq_url is None:
        sys.stderr.write("INGEST_DLQ_URL: required for redrive but not set\n")
        return 2
    moved = Queue(sqs, str(settings.ingest_dlq_url)).move_all_to(queue)
    sys.stdout.write(f"moved {moved} messages from the DLQ back to the ingest queue\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
