"""Fairness between accounts (#15): does one account's history sync starve another's live messages?

Three accounts on one queue and one worker, the real ingest handler, on the test stack: `hist`
queues a history sync of --history messages at once (batches of --batch events in the events
bucket, pointers in the queue, as the connector's burst does), while `live1` and `live2` each send
one live message every 1/--rate s (each its own batch, inline), for as long as the history takes
plus --tail s. A live message's ingest latency is `applied_batches.applied_at` minus the moment it
was sent. Measured in the same run: the single-account figure (live1 alone, no history), then the
three accounts with the plain poller (poll_once) and with FairPoller (services/event_source.py).

    .venv/bin/python bench/accounts_fairness_bench.py [--history 50000] [--batch 500] [--rate 2]

Figures are printed; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import BatchPointer, batch_key, encode_batch, encode_pointer
from deeplens.domain.envelope import parse_events
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import FairPoller, PollResult, poll_once
from deeplens.services.ingest import IngestDeps
from deeplens.settings import QueueSettings, S3Settings, load_settings
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.stack import up

CHAT = "4915112345678@s.whatsapp.net"
ME = "4917000000001@s.whatsapp.net"
T0 = 1_764_000_000_000


def _message(session: str, message_id: str, at_ms: int, source: str) -> dict[str, Any]:
    return {
        "v": 1, "event_id": f"msg-{message_id}-{source}", "session": session, "kind": "message",
        "occurred_at_ms": at_ms, "source": source, "chat_jid": CHAT, "chat_kind": "direct",
        "message_id": message_id, "sender_jid": CHAT, "sender_alt_jid": None, "from_me": False,
        "push_name": None, "timestamp_ms": at_ms, "type": "text", "text": f"hallo {message_id}",
        "media": None, "quoted": None, "mentions": [],
        "flags": {"view_once": False, "ephemeral": False, "forwarded": False},
        "location": None, "contacts": [], "poll": None, "raw": {"conversation": "hallo"},
    }  # fmt: skip


class Bench:
    def __init__(self, env: dict[str, str]) -> None:
        s3 = load_settings(
            S3Settings, **{k.lower(): v for k, v in env.items() if k.lower() in S3Settings.model_fields}
        )
        queue_settings = load_settings(
            QueueSettings, **{k.lower(): v for k, v in env.items() if k.lower() in QueueSettings.model_fields}
        )
        self.sqs = make_sqs_client(queue_settings, s3)
        self.events = ObjectStore(make_s3_client(s3), s3.events_bucket)
        self.admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
        self.env = env

    def queue(self) -> Queue:
        name = f"fair-{uuid.uuid4().hex[:8]}"
        url = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        return Queue(self.sqs, url)

    def history(self, queue: Queue, session: str, messages: int, batch: int) -> None:
        for start in range(0, messages, batch):
            events = [
                _message(session, f"H{n:07d}", T0 + n, "history")
                for n in range(start, min(start + batch, messages))
            ]
            batch_id = f"h{start:07d}{uuid.uuid4().hex[:6]}"
            key = batch_key(session, batch_id, T0)
            self.events.put(key, encode_batch(parse_events(events)), "application/gzip")
            pointer = BatchPointer(batch_id=batch_id, session=session, bucket=self.events.bucket, key=key,
                                   count=len(events))  # fmt: skip
            queue.send(encode_pointer(pointer))

    def live(self, queue: Queue, session: str, sent: Any, stop: Any, rate: float) -> None:
        n = 0
        while not stop.is_set():
            batch_id = f"l{n:06d}{uuid.uuid4().hex[:6]}"
            key = batch_key(session, batch_id, T0)
            events = [_message(session, f"L{session}{n:06d}", int(time.time() * 1000), "live")]
            pointer = BatchPointer(batch_id=batch_id, session=session, bucket=self.events.bucket, key=key,
                                   count=1, events=events)  # fmt: skip
            sent[key] = time.time()
            queue.send(encode_pointer(pointer))
            n += 1
            stop.wait(1 / rate)


def _run(
    bench: Bench, *, history: int, batch: int, rate: float, tail_s: float, fair: bool | None
) -> list[float]:
    """Live latencies (s) of live1 (and live2) in one scenario; fair None: live1 alone."""
    url = create_database(bench.admin, "fair")
    pool = make_pool(url, max_size=2)
    deps = IngestDeps(pool, bench.events, TrackingPolicy(track_groups=True, track_private=True))
    queue = bench.queue()
    context = multiprocessing.get_context("spawn")
    manager = context.Manager()
    sent = manager.dict()  # batch key -> when it was sent, written by the sender processes
    stop = manager.Event()
    try:
        sessions = ("live1",) if fair is None else ("live1", "live2")
        # each sender a process of its own, as the connectors are: the worker's CPU does not delay them
        senders = [
            context.Process(target=_sender, args=(bench.env, queue.url, s, (sent, stop), rate))
            for s in sessions
        ]
        for sender in senders:
            sender.start()
        while len(sent) < len(senders):  # started (a spawned process imports for seconds)
            time.sleep(0.05)
        if fair is not None:  # the history sync's burst (a process too), while the live accounts keep sending
            burst = context.Process(target=_history_sender, args=(bench.env, queue.url, history, batch))
            burst.start()
            senders.append(burst)
        poll = _poller(queue, deps, fair)
        history_done_at = _work(poll, url, history if fair is not None else 0, tail_s)
        stop.set()
        for sender in senders:
            sender.join()
        while poll().received:  # the last live messages
            pass
        latencies = _latencies(url, dict(sent))
        label = (
            "live1 alone" if fair is None else ("3 accounts, FairPoller" if fair else "3 accounts, poll_once")
        )
        print(f"{label}: history applied after {history_done_at:.1f}s; {_summary(latencies)}", flush=True)
        return latencies
    finally:
        stop.set()
        manager.shutdown()
        pool.close()
        drop_database(bench.admin, url)
        bench.sqs.delete_queue(QueueUrl=queue.url)


def _sender(env: dict[str, str], queue_url: str, session: str, shared: tuple[Any, Any], rate: float) -> None:
    bench = Bench(env)
    sent, stop = shared
    bench.live(Queue(bench.sqs, queue_url), session, sent, stop, rate)


def _history_sender(env: dict[str, str], queue_url: str, history: int, batch: int) -> None:
    bench = Bench(env)
    bench.history(Queue(bench.sqs, queue_url), "hist", history, batch)


def _poller(queue: Queue, deps: IngestDeps, fair: bool | None) -> Callable[[], PollResult]:
    def invoke(event: dict[str, Any], context: Any) -> Any:
        return handler(event, context, deps)

    if fair:
        return FairPoller(queue, invoke, LocalContext(), region="us-east-1", wait_s=1).poll
    return lambda: poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)


def _work(poll: Callable[[], PollResult], url: str, history: int, tail_s: float) -> float:
    """Poll until the history is applied and tail_s more have passed; when the history was done."""
    start = time.monotonic()
    done_at = 0.0 if history == 0 else None
    while done_at is None or time.monotonic() - start < done_at + tail_s:
        poll()
        if done_at is None and _history_applied(url) >= history:
            done_at = time.monotonic() - start
    return done_at


def _history_applied(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(event_count), 0) FROM applied_batches WHERE session_id = 'hist'"
        ).fetchone()
    return int(row[0]) if row else 0


def _latencies(url: str, sent: dict[str, float]) -> list[float]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT batch_key, applied_at FROM applied_batches WHERE session_id LIKE 'live%'"
        ).fetchall()
    applied = {key: at.timestamp() for key, at in rows}
    missing = [key for key in sent if key not in applied]
    if missing:
        print(f"  ({len(missing)} live batches not applied by the end)")
    return [applied[key] - sent[key] for key in sent if key in applied]


def _summary(latencies: list[float]) -> str:
    if len(latencies) < 2:
        return f"{len(latencies)} live messages"
    cuts = statistics.quantiles(latencies, n=100)
    return (f"{len(latencies)} live messages, latency p50 {cuts[49]:.2f}s p99 {cuts[98]:.2f}s"
            f" max {max(latencies):.2f}s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--history", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--rate", type=float, default=2.0, help="live messages per second per account")
    parser.add_argument("--tail", type=float, default=5.0, help="seconds of live traffic after the history")
    args = parser.parse_args()
    logging.getLogger("deeplens-ingest").setLevel(logging.WARNING)  # one line per batch otherwise
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    bench = Bench(env)
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(
        f"{when}, history {args.history} messages in batches of {args.batch}, live {args.rate}/s per account"
    )
    options = {"history": args.history, "batch": args.batch, "rate": args.rate, "tail_s": args.tail}
    _run(bench, fair=None, **{**options, "tail_s": max(args.tail, 15.0)})
    _run(bench, fair=False, **options)
    _run(bench, fair=True, **options)


if __name__ == "__main__":
    main()
