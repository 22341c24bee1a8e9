"""Import benchmark: a 100,000-line chat export through the real importer (read, parse, match
against the archive, publish to the event log + queue) and the real ingest handler (drained from
the queue like the worker), against the same messages published as history-sync envelopes and
ingested by the same handler, in this run on the test stack.

    .venv/bin/python bench/import_bench.py [--lines 100000]

Each variant gets a fresh migrated database and a fresh queue. Figures are printed, not asserted."""

from __future__ import annotations

import argparse
import io
import os
import random
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")

from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import batch_key, encode_batch, encode_pointer, pointer_for
from deeplens.domain.chat_export.identity import Identities, resolve_senders
from deeplens.domain.chat_export.parse import parse_export
from deeplens.domain.chat_export.plan import Target, events_for, plan_messages
from deeplens.domain.envelope import Event
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.services.import_chat import BATCH_EVENTS, ImportDeps, ImportRequest, import_export
from deeplens.services.ingest import IngestDeps
from deeplens.settings import QueueSettings, S3Settings, load_settings
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.stack import up

SESSION = "bench"
CHAT = "4915112345678@s.whatsapp.net"
ME = "4917000000001@s.whatsapp.net"
ZONE = ZoneInfo("Europe/Berlin")
WORDS = (
    "hallo wie geht es dir heute morgen treffen wir uns um zehn im büro okay super danke hola qué tal",
    "nos vemos mañana sim obrigado até logo the report is ready please review meeting lunch pizza",
)
VOCABULARY = " ".join(WORDS).split(" ")


def export_text(lines: int, seed: int = 7) -> str:
    """An Android export of `lines` lines: two people, a multi-line message now and then."""
    rng = random.Random(seed)
    at = datetime(2019, 1, 1, 8, 0)
    out = ["01/01/2019, 08:00 - Messages and calls are end-to-end encrypted."]
    while len(out) < lines:
        at += timedelta(seconds=rng.randint(5, 900))
        who = "Me" if rng.random() < 0.5 else "Sample User"
        text = " ".join(rng.choices(VOCABULARY, k=rng.randint(2, 25)))
        out.append(f"{at:%d/%m/%Y, %H:%M} - {who}: {text}")
        if rng.random() < 0.02:
            out.append(" ".join(rng.choices(VOCABULARY, k=8)))  # a second line of the same message
    return "\n".join(out[:lines]) + "\n"


def history_events(text: str) -> list[Event]:
    """The export's messages as the history sync would bring them (WhatsApp's ids, `history`)."""
    parsed = parse_export(text)
    senders = resolve_senders(parsed.senders, Identities(CHAT, me_name="Me", me_jid=ME))
    target = Target(SESSION, CHAT)
    planned = plan_messages(parsed.messages, senders, target, ZONE, {})
    events = events_for(planned, target, new_chat=False)
    return [
        e.model_copy(update={"source": "history", "event_id": f"h-{n}", "message_id": f"3EB0{n:016X}"})
        for n, e in enumerate(events)
    ]


def publish(events: list[Event], store: ObjectStore, queue: Queue) -> None:
    at_ms = int(time.time() * 1000)
    for start in range(0, len(events), BATCH_EVENTS):
        chunk = events[start : start + BATCH_EVENTS]
        key = batch_key(SESSION, f"{at_ms:013d}-history-{start:09d}", at_ms)
        store.put(key, encode_batch(chunk), "application/gzip")
        queue.send(encode_pointer(pointer_for(store.bucket, key, SESSION, chunk)))


def drain(queue: Queue, deps: IngestDeps) -> int:
    def invoke(event: dict[str, Any], context: Any) -> Mapping[str, Any]:
        return handler(event, context, deps)

    applied = 0
    while (result := poll_once(queue, invoke, LocalContext(), region="us-east-1", wait_s=1)).received:
        if result.failed:
            raise SystemExit(f"ingest failed {result.failed} records")
        applied += result.deleted
    return applied


def fresh_queue(env: dict[str, str]) -> Queue:
    queue_settings = load_settings(QueueSettings, ingest_queue_url=env["INGEST_QUEUE_URL"])
    sqs = make_sqs_client(queue_settings, load_settings(S3Settings, **_s3(env)))
    url = sqs.create_queue(QueueName=f"bench-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "60"})
    return Queue(sqs, url["QueueUrl"])


def _s3(env: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in env.items() if k.lower() in S3Settings.model_fields}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    for key in ("SQS_ENDPOINT_URL", "SQS_ACCESS_KEY", "SQS_SECRET_KEY"):
        if key in env:
            os.environ[key] = env[key]
    s3_settings = load_settings(S3Settings, **_s3(env))
    s3 = make_s3_client(s3_settings)
    events_store = ObjectStore(s3, s3_settings.events_bucket)
    media_store = ObjectStore(s3, s3_settings.minio_bucket)
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    data = export_text(args.lines).encode()

    url = create_database(admin, "bench")
    pool = make_pool(url)
    queue = fresh_queue(env)
    ingest = IngestDeps(pool, events_store, TrackingPolicy(True, True))
    started = time.perf_counter()
    summary = import_export(
        io.BytesIO(data), "bench.txt", len(data),
        ImportRequest(CHAT, ZONE, me_name="Me", me_jid=ME),
        ImportDeps(pool, media_store, events_store, queue, SESSION),
        now_ms=lambda: int(time.time() * 1000),
    )  # fmt: skip
    imported_s = time.perf_counter() - started
    drain(queue, ingest)
    import_total_s = time.perf_counter() - started
    pool.close()
    drop_database(admin, url)

    history = history_events(data.decode())
    url = create_database(admin, "bench")
    pool = make_pool(url)
    queue = fresh_queue(env)
    ingest = IngestDeps(pool, events_store, TrackingPolicy(True, True))
    started = time.perf_counter()
    publish(history, events_store, queue)
    published_s = time.perf_counter() - started
    drain(queue, ingest)
    history_total_s = time.perf_counter() - started
    pool.close()
    drop_database(admin, url)

    n = summary.imported
    print(f"import benchmark: {args.lines:,} lines, {summary.messages:,} messages, {n:,} imported")
    print(f"  importer (read, parse, match, publish) {imported_s:7.1f} s  {n / imported_s:>9,.0f} msg/s")
    print(
        f"  import end to end (+ ingest)           {import_total_s:7.1f} s  {n / import_total_s:>9,.0f} msg/s"
    )
    print(f"  history envelopes: publish              {published_s:7.1f} s")
    print(
        f"  history end to end (+ ingest)          {history_total_s:7.1f} s"
        f"  {len(history) / history_total_s:>9,.0f} msg/s"
    )
    print(f"  import / history = {import_total_s / history_total_s:.2f}x the time")


if __name__ == "__main__":
    main()
