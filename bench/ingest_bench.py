"""Ingest benchmark: messages/s into PostgreSQL through the real Lambda handler, against
(a) a naive one-INSERT-and-commit-per-message baseline and (b) a raw COPY of the same rows into
the same schema and indexes (the ceiling), all measured in this run on the test stack.

    .venv/bin/python bench/ingest_bench.py [--messages 200000] [--batch 500] [--naive 20000]

Each variant gets a fresh migrated database. The handler runs in a child process so its peak RSS
is its own. Figures are printed; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from typing import Any

import psycopg
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import BatchPointer
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.ingest import IngestDeps
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.stack import up

SESSION = "bench"
WORDS = (  # a multilingual vocabulary: the search indexes see realistic text
    "hallo wie geht es dir heute morgen treffen wir uns um zehn im büro okay super danke hola qué tal",
    "nos vemos mañana sim obrigado até logo the report is ready please review meeting lunch pizza",
    "sushi photo video call later tomorrow tonight weekend नमस्ते धन्यवाद",
)
VOCABULARY = " ".join(WORDS).split(" ")


def envelopes(count: int, chats: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    base_ms = 1_764_000_000_000
    out = []
    per_chat = max(count // chats, 1)
    for number in range(count):
        # History sync arrives conversation by conversation: each chat's messages are contiguous.
        index = number // per_chat
        group = index % 3 == 0
        chat = f"120363{index:012d}@g.us" if group else f"4915{index:09d}@s.whatsapp.net"
        sender = f"4917{rng.randrange(10**8):08d}@s.whatsapp.net" if group else chat
        text = " ".join(rng.choices(VOCABULARY, k=rng.randint(2, 30)))
        at = base_ms + number * 1000
        out.append(
            {
                "v": 1, "event_id": f"m-{number}", "session": SESSION, "kind": "message",
                "occurred_at_ms": at, "source": "history", "chat_jid": chat,
                "chat_kind": "group" if group else "direct", "message_id": f"3EB0{number:016X}",
                "sender_jid": sender, "sender_alt_jid": None, "from_me": False, "push_name": "Bench",
                "timestamp_ms": at, "type": "text", "text": text, "media": None, "quoted": None,
                "mentions": [], "flags": {"view_once": False, "ephemeral": False, "forwarded": False},
                "location": None, "contacts": [], "poll": None,
                "raw": {"extendedTextMessage": {"text": text}},
            }
        )  # fmt: skip
    return out


def sqs_events(events: list[dict[str, Any]], batch: int) -> list[dict[str, Any]]:
    """Records of `batch` envelopes each, 10 records per SQS event (the Lambda batch size)."""
    bodies = []
    for start in range(0, len(events), batch):
        batch_id = f"b{start:09d}"
        key = f"events/{SESSION}/2025/11/24/{batch_id}.jsonl.gz"
        chunk = events[start : start + batch]
        pointer = BatchPointer(
            batch_id=batch_id,
            session=SESSION,
            bucket="deeplens-events",
            key=key,
            count=len(chunk),
            events=chunk,
        )
        # All events inline even past SQS's 256 KiB (encode_pointer would leave them out and the
        # handler would read the batch object): the bench measures the handler, not S3 reads.
        bodies.append(json.dumps(pointer.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")))
    return [
        {"Records": [{"messageId": str(i), "body": body, "attributes": {"ApproximateReceiveCount": "1"}}
                     for i, body in enumerate(bodies[start : start + 10], start)]}
        for start in range(0, len(bodies), 10)
    ]  # fmt: skip


def run_handler(url: str, messages: int, batch: int, chats: int) -> dict[str, float]:
    """In this (child) process: build the SQS events, then time the handler over all of them."""
    events = sqs_events(envelopes(messages, chats), batch)  # bodies are strings: the dicts are freed
    gc.collect()
    before_mb = current_rss_mb()
    pool = make_pool(url)
    deps = IngestDeps(pool, events=None, policy=TrackingPolicy(True, True))  # type: ignore[arg-type]
    started = time.perf_counter()
    for event in events:
        failures = handler(event, LocalContext(), deps)["batchItemFailures"]
        if failures:
            raise SystemExit(f"handler failed records: {failures}")
    seconds = time.perf_counter() - started
    pool.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": peak_mb, "input_rss_mb": before_mb}


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


ROW_SQL = (
    "INSERT INTO messages (session_id, chat_jid, id, sender_jid, remote_jid, push_name, content,"
    ' message_type, text_body, "timestamp", source) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)'
)


def rows_of(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (SESSION, e["chat_jid"], e["message_id"], e["sender_jid"], e["chat_jid"], e["push_name"],
         json.dumps(e["raw"]), e["type"], e["text"], e["timestamp_ms"], e["source"])
        for e in events
    ]  # fmt: skip


def create_chats(conn: psycopg.Connection[Any], events: list[dict[str, Any]]) -> None:
    chats = sorted({(e["chat_jid"], e["chat_kind"]) for e in events})
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO chats (session_id, jid, kind) VALUES (%s, %s, %s)", [(SESSION, *c) for c in chats]
        )
    conn.commit()


def run_naive(url: str, events: list[dict[str, Any]]) -> float:
    with psycopg.connect(url) as conn:
        create_chats(conn, events)
        started = time.perf_counter()
        for row in rows_of(events):
            conn.execute(ROW_SQL, row)
            conn.commit()
        return time.perf_counter() - started


def run_copy(url: str, events: list[dict[str, Any]]) -> float:
    with psycopg.connect(url) as conn:
        create_chats(conn, events)
        rows = rows_of(events)
        started = time.perf_counter()
        columns = (
            "session_id, chat_jid, id, sender_jid, remote_jid, push_name, content, message_type,"
            ' text_body, "timestamp", source'
        )
        with conn.cursor() as cur, cur.copy(f"COPY messages ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=500, help="envelopes per batch object / SQS record")
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--naive", type=int, default=20_000, help="messages for the naive baseline")
    parser.add_argument("--child-handler", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_handler:
        sys.stdout.write(json.dumps(run_handler(args.child_handler, args.messages, args.batch, args.chats)))
        return
    env = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    events = envelopes(args.messages, args.chats)
    results: dict[str, float] = {}
    url = create_database(admin, "bench")
    child = subprocess.run(
        [sys.executable, __file__, "--child-handler", url, "--messages", str(args.messages),
         "--batch", str(args.batch), "--chats", str(args.chats)],
        capture_output=True, text=True, check=True, env={**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    handler_run = json.loads(child.stdout.strip().splitlines()[-1])  # the logger writes lines before it
    results["handler"] = args.messages / handler_run["seconds"]
    drop_database(admin, url)
    url = create_database(admin, "bench")
    results["naive"] = args.naive / run_naive(url, events[: args.naive])
    drop_database(admin, url)
    url = create_database(admin, "bench")
    results["copy"] = args.messages / run_copy(url, events)
    drop_database(admin, url)
    print(f"ingest benchmark: {args.messages:,} messages, {args.chats} chats, {args.batch} per batch")
    print(f"  handler (real Lambda handler, bulk upserts) {results['handler']:>10,.0f} msg/s")
    print(f"  naive (INSERT + COMMIT per message, {args.naive:,}) {results['naive']:>10,.0f} msg/s")
    print(f"  COPY (ceiling)                               {results['copy']:>10,.0f} msg/s")
    print(f"  handler / naive = {results['handler'] / results['naive']:.1f}x (target >= 20x)")
    print(f"  handler / COPY  = {results['handler'] / results['copy']:.2f}x (target >= 0.6x)")
    print(
        f"  handler process peak RSS = {handler_run['peak_rss_mb']:.0f} MB"
        f" ({handler_run['input_rss_mb']:.0f} MB before the first invocation:"
        " interpreter, imports, the pre-built SQS events)"
    )


if __name__ == "__main__":
    main()
