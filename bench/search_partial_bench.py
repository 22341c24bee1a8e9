"""Partial-word search: the vocabulary design (migration 0016) against the trigram index of every
message it replaced, on the same archive in the same run (docs/decisions.md, "Search: a vocabulary
instead of trigrams of every message").

    .venv/bin/python bench/api_bench.py --keep            # prints: kept database NAME
    .venv/bin/python bench/search_partial_bench.py --database NAME [--runs 20]

The trigram index `messages_text_trgm` is built on the kept database for the comparison and dropped
at the end. "trigram" runs search_messages with the vocabulary look-up switched off (the substring
goes through `dl_search_text(text_body) LIKE`, which the trigram index serves: the code before 0016);
"vocabulary" runs it as it is. Runs alternate; both must return the same messages. Prints p50/p95
in ms; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import psycopg
from deeplens.adapters import search_queries as sq
from devstack.config import StackConfig
from devstack.stack import up

SESSION = "bench"
QUERIES = ("kenhaus", "tacion", "ause", "ber", "münchen", "the")
TRIGRAM = (
    "CREATE INDEX IF NOT EXISTS messages_text_trgm ON messages"
    " USING gin (dl_search_text(text_body) gin_trgm_ops)"
)


def timed(conn: psycopg.Connection[Any], query: str, vocabulary: bool) -> tuple[float, set[str]]:
    real = sq._infix
    if not vocabulary:
        sq._infix = lambda _conn, _query: None  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        rows = sq.search_messages(conn, SESSION, query, sq.SearchFilters(), limit=31, after=None)
        return (time.perf_counter() - started) * 1000, {f"{r['chat_jid']}/{r['id']}" for r in rows}
    finally:
        sq._infix = real


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="a database kept by bench/api_bench.py --keep")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    stack = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    url = stack["DATABASE_URL"].rsplit("/", 1)[0] + f"/{args.database}"
    with psycopg.connect(url, autocommit=True) as conn:
        words = conn.execute("SELECT count(*) FROM search_words").fetchone()
        started = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute(TRIGRAM)
        conn.execute("ANALYZE messages")
        built = time.perf_counter() - started
        print(f"partial-word search, {args.runs} runs each, alternating; vocabulary"
              f" {words[0] if words else 0:,} words; trigram index built in {built:.0f} s")  # fmt: skip
        try:
            head = f"{'trigram p50':>12} {'p95':>8} {'vocabulary p50':>15} {'p95':>8} {'ratio':>6}"
            print(f"  {'query':<10} {head}")
            for query in QUERIES:
                times: dict[bool, list[float]] = {True: [], False: []}
                for _ in range(args.runs):
                    found = {}
                    for vocabulary in (False, True):
                        ms, found[vocabulary] = timed(conn, query, vocabulary)
                        times[vocabulary].append(ms)
                    if found[False] != found[True]:
                        raise SystemExit(f"{query}: the two designs found different messages")
                old, new = (statistics.median(times[v]) for v in (False, True))
                p95 = {v: statistics.quantiles(times[v], n=20)[-1] for v in (False, True)}
                print(f"  {query:<10} {old:>12.1f} {p95[False]:>8.1f} {new:>15.1f} {p95[True]:>8.1f}"
                      f" {new / old:>5.2f}x")  # fmt: skip
        finally:
            conn.execute("DROP INDEX IF EXISTS messages_text_trgm")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
