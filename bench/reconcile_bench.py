"""Reconcile benchmark: one scheduled run with 10 million batch objects in the event log.

    .venv/bin/python bench/reconcile_bench.py [--objects 10000000] [--days 1000]

What is real and what is simulated:
- PostgreSQL is real (the test stack): `applied_batches` holds one row per object (10 million rows,
  filled with generate_series), and reconcile's lookups run against it.
- The listing is a simulation: an in-memory log of `--objects` keys spread evenly over `--days`
  days that answers like ListObjectsV2 (key order, StartAfter, 1,000 keys a page) and counts its
  pages. Filling s3rver with 10 million files was not practical here (a file pair per object).
  What one page costs on a real server is measured separately on s3rver with --real-keys objects,
  and the run's listing time is estimated as pages x that cost.
The SQS queue is a counter (nothing is outstanding in the steady state, so nothing is sent).
Figures are printed; nothing is asserted."""

from __future__ import annotations

import argparse
import bisect
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.services.reconcile import Limits, reconcile
from deeplens.settings import S3Settings
from devstack.config import StackConfig
from devstack.databases import create_database, drop_database
from devstack.stack import up

SESSION = "bench"
PAGE = 1000


class SimulatedLog:
    """`objects` like ObjectStore.objects over a log of `per_day` keys on each of `days` days up to
    today; counts the ListObjectsV2 pages a real listing would need."""

    bucket = "deeplens-events"

    def __init__(self, days: int, per_day: int, today: date) -> None:
        self.days = [today - timedelta(days=days - 1 - n) for n in range(days)]
        self.per_day = per_day
        self.pages = 0

    def key(self, day: date, index: int) -> str:
        return f"events/{SESSION}/{day:%Y/%m/%d}/{index:010d}-bench.jsonl.gz"

    def objects(self, prefix: str, start_after: str = "") -> Iterator[tuple[str, datetime]]:
        folders = [f"events/{SESSION}/{day:%Y/%m/%d}/" for day in self.days]
        first = max(bisect.bisect_right(folders, start_after) - 1, 0)
        modified = datetime(2020, 1, 1, tzinfo=UTC)
        served = 0
        for day in self.days[first:]:
            for index in range(self.per_day):
                key = self.key(day, index)
                if key <= start_after:
                    continue
                if served % PAGE == 0:
                    self.pages += 1
                served += 1
                yield key, modified


class CountingQueue:
    def __init__(self) -> None:
        self.sent = 0

    def send(self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None) -> str:
        self.sent += 1
        return str(self.sent)


def fill_applied(url: str, days: int, per_day: int, today: date) -> float:
    """One applied_batches row per simulated object, in PostgreSQL itself."""
    started = time.monotonic()
    first = today - timedelta(days=days - 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO applied_batches (session_id, batch_key, event_count)"
            " SELECT %s, 'events/' || %s || '/' || to_char(%s::date + d, 'YYYY/MM/DD') || '/'"
            "   || lpad(i::text, 10, '0') || '-bench.jsonl.gz', 1"
            " FROM generate_series(0, %s) d, generate_series(0, %s) i",
            (SESSION, SESSION, first, days - 1, per_day - 1),
        )
        conn.execute("VACUUM ANALYZE applied_batches")
    return time.monotonic() - started


def real_page_ms(env: dict[str, str], keys: int) -> float:
    """ms per 1,000-key ListObjectsV2 page on the local s3rver, with `keys` tiny objects."""
    settings = S3Settings(**{k.lower(): v for k, v in env.items() if k.lower() in S3Settings.model_fields})
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    prefix = "bench-listing/2026/01/01/"
    if sum(1 for _ in store.objects(prefix)) < keys:
        for index in range(keys):
            store.put(f"{prefix}{index:08d}-b.jsonl.gz", b"x", "application/octet-stream")
    best = float("inf")
    for _ in range(3):
        started = time.monotonic()
        listed = sum(1 for _ in store.objects(prefix))
        best = min(best, (time.monotonic() - started) * 1000 / max(listed / PAGE, 1))
    return best


def timed_run(log: SimulatedLog, pool: Any, **options: Any) -> tuple[Any, float, int]:
    log.pages = 0
    queue = CountingQueue()
    started = time.monotonic()
    result = reconcile(
        log, pool, queue, session=SESSION, now=datetime.now(UTC), min_age=timedelta(seconds=300), **options
    )
    return result, time.monotonic() - started, log.pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--real-keys", type=int, default=2500)
    args = parser.parse_args()
    cfg = StackConfig.load("test")
    env = up(cfg, ("s3rver",))["s3rver"]
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    per_day = args.objects // args.days
    today = datetime.now(UTC).date()
    page_ms = real_page_ms(env, args.real_keys)
    print(f"s3rver ListObjectsV2: {page_ms:.1f} ms per 1,000-key page (best of 3, {args.real_keys} keys)")
    url = create_database(admin, "reconcile_bench")
    pool = make_pool(url, max_size=1)
    try:
        filled = fill_applied(url, args.days, per_day, today)
        print(f"applied_batches: {args.days * per_day:,} rows in {filled:.0f}s")
        log = SimulatedLog(args.days, per_day, today)
        limits = Limits()
        for label in ("first run (no watermark yet)", "second run", "third run"):
            result, seconds, pages = timed_run(log, pool, limits=limits)
            estimate = seconds + pages * page_ms / 1000
            print(
                f"{label}: listed {result.listed:,} in {pages} pages, enqueued {result.enqueued},"
                f" complete={result.complete}, settled_through={result.settled_through};"
                f" {seconds:.2f}s here (simulated listing), ~{estimate:.2f}s with s3rver's page cost"
            )
        for _ in range(100):  # the catch-up after the first runs: until the pass reaches today
            result, seconds, pages = timed_run(log, pool, limits=limits)
            if result.complete:
                break
        result, seconds, pages = timed_run(log, pool, limits=limits)
        print(
            f"steady state after catch-up: listed {result.listed:,} ({pages} pages) in {seconds:.2f}s,"
            f" ~{seconds + pages * page_ms / 1000:.2f}s with s3rver's page cost"
        )
    finally:
        pool.close()
        drop_database(admin, url)


if __name__ == "__main__":
    main()
