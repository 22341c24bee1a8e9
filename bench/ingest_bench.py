"""Ingest benchmark: messages/s into PostgreSQL through the real Lambda handler, against
(a) a naive one-INSERT-and-commit-per-message baseline, (b) an Evolution-API-style insert (one row
per event holding the JSON document, one statement and commit each, a table with only an instance
index) and (c) a raw COPY of the same rows into the same schema and indexes (the ceiling), all
measured in this run on the test stack. Then what each index of `messages` costs: COPY into the
bare table (no primary key, foreign key, secondary index or trigger), with only the primary key, and
with each constraint, index or trigger alone; and into the schema as it was before migration 0016
(trigram index of every message, foreign key to `chats`). Last, the handler's peak RSS for one
maximal Lambda invocation (10 SQS records, each a batch of the connector's largest size read from
the events bucket) in a fresh process, next to the function's MemorySize in template.yaml.

    .venv/bin/python bench/ingest_bench.py [--messages 200000] [--batch 500] [--naive 20000]
        [--no-index-cost] [--index-messages 50000] [--rounds 3] [--no-memory] [--memory-text-chars 4096]

Each variant gets a fresh migrated database. The handler runs in a child process so its peak RSS
is its own. Server CPU is the PostgreSQL backend's own CPU time (from /proc), steadier than wall
time on a loaded machine. Figures are printed; nothing is asserted (speed is not a test)."""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.bootstrap import make_pool
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import BatchPointer, batch_key, encode_batch, encode_pointer, pointer_for
from deeplens.domain.envelope import parse_events
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.ingest import IngestDeps
from deeplens.settings import IngestSettings, load_settings
from devstack.config import REPO_ROOT, StackConfig
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
        failures = handler(event, LocalContext(), deps)["batchItemFailures"]  # type: ignore[arg-type]
        if failures:
            raise SystemExit(f"handler failed records: {failures}")
    seconds = time.perf_counter() - started
    pool.close()
    return {"seconds": seconds, "peak_rss_mb": current_rss_mb("VmHWM"), "input_rss_mb": before_mb}


def current_rss_mb(field: str = "VmRSS") -> float:
    """This process's RSS (VmHWM: its peak; getrusage's ru_maxrss would say max(parent, child), as
    Linux carries the parent's RSS at spawn time into a child's ru_maxrss across exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:")) / 1024


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


COPY_COLUMNS = (
    "session_id, chat_jid, id, sender_jid, remote_jid, push_name, content, message_type, text_body,"
    ' "timestamp", source'
)


@dataclass
class Timed:
    """One variant: wall seconds and the PostgreSQL backend's CPU seconds, for `count` messages; for
    COPY also the deferred work (merging the GIN pending lists) timed apart."""

    count: int
    seconds: float
    server_cpu: float
    load: float
    merge_seconds: float = 0.0
    merge_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def cpu_us(self, *, merged: bool = True) -> float:
        return (self.server_cpu + (self.merge_cpu if merged else 0.0)) / self.count * 1e6

    def wall_us(self, *, merged: bool = True) -> float:
        return (self.seconds + (self.merge_seconds if merged else 0.0)) / self.count * 1e6


def backend_cpu(conn: psycopg.Connection[Any]) -> float:
    """User + system CPU seconds of this connection's server process so far (0 if not readable)."""
    try:
        stat = Path(f"/proc/{conn.info.backend_pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load1() -> float:
    return os.getloadavg()[0]


def run_naive(url: str, events: list[dict[str, Any]]) -> Timed:
    with psycopg.connect(url) as conn:
        create_chats(conn, events)
        rows = rows_of(events)
        cpu = backend_cpu(conn)
        started = time.perf_counter()
        for row in rows:
            conn.execute(ROW_SQL, row)
            conn.commit()
        return Timed(len(rows), time.perf_counter() - started, backend_cpu(conn) - cpu, load1())


# Evolution API keeps each message as one row of its "Message" table (the Baileys message as JSON:
# key, pushName, message, messageTimestamp, ...), written by one ORM create (one statement, its own
# commit) per event, with a text primary key and an index on the instance id only.
EVOLUTION_TABLE = (
    "CREATE TABLE peer_evolution_message (id text PRIMARY KEY, instance_id text NOT NULL,"
    " data jsonb NOT NULL);"
    " CREATE INDEX peer_evolution_message_instance ON peer_evolution_message (instance_id)"
)


def evolution_document(event: dict[str, Any]) -> dict[str, Any]:
    """The message as Evolution API stores it: Baileys' key, the raw message and a few columns."""
    return {
        "key": {"id": event["message_id"], "remoteJid": event["chat_jid"], "fromMe": event["from_me"],
                "participant": event["sender_jid"] if event["chat_kind"] == "group" else None},
        "pushName": event["push_name"], "messageType": "conversation", "message": event["raw"],
        "messageTimestamp": event["timestamp_ms"] // 1000, "source": "unknown", "status": "DELIVERY_ACK",
    }  # fmt: skip


def run_evolution(url: str, events: list[dict[str, Any]]) -> Timed:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(EVOLUTION_TABLE)
        rows = [(uuid.uuid4().hex, SESSION, json.dumps(evolution_document(e))) for e in events]
        cpu = backend_cpu(conn)
        started = time.perf_counter()
        for row in rows:  # autocommit: each statement is its own transaction, as an ORM create is
            conn.execute(
                "INSERT INTO peer_evolution_message (id, instance_id, data) VALUES (%s, %s, %s)", row
            )
        return Timed(len(rows), time.perf_counter() - started, backend_cpu(conn) - cpu, load1())


def message_schema(conn: psycopg.Connection[Any]) -> dict[str, str]:
    """Every constraint (primary, foreign, unique) and secondary index of `messages`: name -> the
    statement that builds it (from the catalog, so a new migration's index is measured too)."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = 'messages'::regclass AND contype IN ('p', 'f', 'u') ORDER BY contype DESC, conname"
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = 'messages'::regclass"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY 1"
    ).fetchall()
    triggers = conn.execute(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE tgrelid = 'messages'::regclass AND NOT tgisinternal ORDER BY tgname"
    ).fetchall()
    built = {
        name: f"ALTER TABLE messages ADD CONSTRAINT {name} {definition}" for name, definition in constraints
    }
    return built | {name: definition for name, definition in indexes + triggers}


def shape_messages(
    url: str, keep: tuple[str, ...], drop_columns: tuple[str, ...] = (), then: tuple[str, ...] = ()
) -> None:
    """Make `messages` bare but for `keep` (names from message_schema), then run `then`."""
    with psycopg.connect(url) as conn:
        schema = message_schema(conn)
        for name in reversed(schema):  # triggers, indexes, then constraints: the foreign key first
            if name not in keep:
                if schema[name].startswith("ALTER TABLE"):
                    conn.execute(f"ALTER TABLE messages DROP CONSTRAINT IF EXISTS {name}")
                elif " TRIGGER " in schema[name]:
                    conn.execute(f"DROP TRIGGER {name} ON messages")
                else:
                    conn.execute(f"DROP INDEX {name}")
        for column in drop_columns:
            conn.execute(f"ALTER TABLE messages DROP COLUMN {column}")
        for statement in then:
            conn.execute(statement.encode())
        conn.commit()


def gin_indexes(conn: psycopg.Connection[Any]) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'gin'"
            " AND i.indrelid IN ('messages'::regclass, to_regclass('search_words'))"
        )
    ]


def run_copy(url: str, events: list[dict[str, Any]]) -> Timed:
    """COPY into `messages` as it is in `url`; then the GIN pending lists merged (timed apart: the
    work an insert defers to the next insert that overflows the list, or to autovacuum)."""
    with psycopg.connect(url) as conn:
        create_chats(conn, events)
        rows = rows_of(events)
        cpu = backend_cpu(conn)
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY messages ({COPY_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        conn.commit()
        timed = Timed(len(rows), time.perf_counter() - started, backend_cpu(conn) - cpu, load1())
        cpu, started = backend_cpu(conn), time.perf_counter()
        for index in gin_indexes(conn):
            conn.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        conn.commit()
        timed.merge_seconds, timed.merge_cpu = time.perf_counter() - started, backend_cpu(conn) - cpu
        return timed


def run_in_fresh_database(
    admin: str, work: Callable[[str], Timed], prepare: Callable[[str], None] | None = None
) -> Timed:
    url = create_database(admin, "bench")
    try:
        if prepare:
            prepare(url)
        return work(url)
    finally:
        drop_database(admin, url)


# The search design before migration 0016 (docs/decisions.md, "Search: a vocabulary instead of
# trigrams of every message"): a trigram index of every message's folded text and the foreign key to
# `chats`, no vocabulary. Measured in the same run as the schema of today.
BEFORE_0016: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS messages_words_insert ON messages",
    "DROP TRIGGER IF EXISTS messages_words_update ON messages",
    "CREATE INDEX messages_text_trgm ON messages USING gin (dl_search_text(text_body) gin_trgm_ops)"
    " WITH (gin_pending_list_limit = 16384)",
    "ALTER TABLE messages ADD CONSTRAINT messages_session_id_chat_jid_fkey FOREIGN KEY (session_id, chat_jid)"
    " REFERENCES chats (session_id, jid) ON UPDATE CASCADE",
)


def index_cost(admin: str, events: list[dict[str, Any]]) -> tuple[dict[str, Timed], dict[str, str]]:
    """COPY into the full schema, the bare table, the bare table without its generated tsvector
    column, and the bare table plus each constraint or index alone."""
    url = create_database(admin, "bench")
    with psycopg.connect(url) as conn:
        schema = message_schema(conn)
    drop_database(admin, url)
    variants: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
        "bare": ((), (), ()),
        "bare, no search_vector column": ((), ("search_vector",), ()),
    }
    variants |= {f"+ {name}": ((name,), (), ()) for name in schema}
    for name in (n for n in ("messages_search",) if n in schema):  # its pending list, tuned for bulk
        variants[f"+ {name}, fastupdate off"] = ((name,), (), (f"ALTER INDEX {name} SET (fastupdate = off)",))
        for limit_kb in (4096, 65536):  # 4 MB: PostgreSQL's default; the migrations set 16 MB
            set_limit = f"ALTER INDEX {name} SET (gin_pending_list_limit = {limit_kb})"
            variants[f"+ {name}, pending list {limit_kb // 1024} MB"] = ((name,), (), (set_limit,))
    variants["full schema before 0016 (trigram index, foreign key)"] = (tuple(schema), (), BEFORE_0016)
    results = {"full schema": run_in_fresh_database(admin, lambda u: run_copy(u, events))}
    for label, (keep, columns, then) in variants.items():
        results[label] = run_in_fresh_database(
            admin,
            lambda u: run_copy(u, events),
            functools.partial(shape_messages, keep=keep, drop_columns=columns, then=then),
        )
    return results, schema


def interleaved(admin: str, events: list[dict[str, Any]], rounds: int) -> dict[str, list[Timed]]:
    """The three variants the target compares (bare, full schema, the schema before 0016), one after
    the other, `rounds` times: a load that changes between variants weighs on all three alike."""
    url = create_database(admin, "bench")
    with psycopg.connect(url) as conn:
        schema = tuple(message_schema(conn))
    drop_database(admin, url)
    shapes: dict[str, Callable[[str], None] | None] = {
        "bare": functools.partial(shape_messages, keep=()),
        "full schema": None,
        "before 0016": functools.partial(shape_messages, keep=schema, then=BEFORE_0016),
    }
    runs: dict[str, list[Timed]] = {label: [] for label in shapes}
    for _ in range(rounds):
        for label, shape in shapes.items():
            runs[label].append(run_in_fresh_database(admin, lambda u: run_copy(u, events), shape))
    return runs


def report_interleaved(runs: dict[str, list[Timed]]) -> None:
    rounds = len(runs["bare"])
    rate = {label: statistics.median(t.rate for t in timed) for label, timed in runs.items()}
    cpu = {label: statistics.median(t.cpu_us() for t in timed) for label, timed in runs.items()}
    loads = [t.load for timed in runs.values() for t in timed]
    print(f"  interleaved, {rounds} rounds (median; load {min(loads):.1f}-{max(loads):.1f}):")
    for label in runs:
        print(f"    {label:<14} {rate[label]:>8,.0f} msg/s  server CPU incl. GIN merge {cpu[label]:>6.1f} us")
    ratio = rate["full schema"] / rate["bare"]
    before = rate["before 0016"] / rate["bare"]
    print(f"    full / bare = {ratio:.2f}x msg/s (target >= 0.4x: {'met' if ratio >= 0.4 else 'MISSED'}),"
          f" {cpu['bare'] / cpu['full schema']:.2f}x in server CPU; before 0016 / bare ="
          f" {before:.2f}x msg/s, {cpu['bare'] / cpu['before 0016']:.2f}x CPU")  # fmt: skip


def run_index_cost(admin: str, events: list[dict[str, Any]], rounds: int) -> None:
    results, schema = index_cost(admin, events)
    report_index_cost(results, schema)
    if rounds:
        report_interleaved(interleaved(admin, events, rounds))


def report_index_cost(results: dict[str, Timed], schema: dict[str, str]) -> None:
    bare = results["bare"]
    full = results["full schema"]
    count = bare.count
    print(f"  index cost: COPY of {count:,} messages into `messages` shaped as below (fresh database each)")
    print(f"    {'variant':<52} {'msg/s':>8} {'load':>5} {'wall us/msg':>12} {'server CPU us/msg':>18}"
          f" {'+ GIN merge':>12} {'cost vs bare (CPU us/msg)':>26}")  # fmt: skip
    for label, timed in results.items():
        extra = timed.cpu_us() - bare.cpu_us()
        cost = "" if label == "bare" else f"{extra:>+26.1f}"
        print(
            f"    {label:<52} {timed.rate:>8,.0f} {timed.load:>5.1f} {timed.wall_us(merged=False):>12.1f}"
            f" {timed.cpu_us(merged=False):>18.1f} {timed.merge_cpu / timed.count * 1e6:>12.1f} {cost}"
        )
    ratio = full.rate / bare.rate
    verdict = "met" if ratio >= 0.4 else "MISSED"
    print(f"    COPY full schema / COPY bare = {ratio:.2f}x msg/s (target >= 0.4x: {verdict}); server CPU")
    before = next((timed for label, timed in results.items() if label.startswith("full schema before")), None)
    if before:
        print(f"    COPY full schema before 0016 / COPY bare = {before.rate / bare.rate:.2f}x msg/s;"
              f" full schema now / before = {full.rate / before.rate:.2f}x")  # fmt: skip
    full_us, bare_us = full.cpu_us(), bare.cpu_us()
    print(f"    incl. GIN merge {full_us:.0f} vs {bare_us:.0f} us/msg = {bare_us / full_us:.2f}x")
    added = sum(results[f"+ {name}"].cpu_us() - bare_us for name in schema if f"+ {name}" in results)
    print(
        f"    sum of the one-at-a-time costs {added:.0f} us/msg; full - bare {full_us - bare_us:.0f} us/msg"
    )
    print("    (server CPU = the backend's user+system time during COPY + COMMIT; + GIN merge = the")
    print("     gin_clean_pending_list() of the GIN indexes after it: deferred work an insert leaves to")
    print("     a later insert or autovacuum, counted in the cost column)")


# --- Lambda-true memory: one maximal invocation in a fresh process --------------------------------

# What the child runs: nothing but the handler module and the event file (as a Lambda runtime would).
# Peak RSS is the process's VmHWM: getrusage's ru_maxrss keeps the parent's peak across fork + exec.
MEMORY_CHILD = """
import json, sys, time
def rss_mb(field='VmRSS'):
    with open('/proc/self/status') as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ':')) / 1024
class Context:
    function_name = 'ingest-bench'
    memory_limit_in_mb = int(sys.argv[2])
    invoked_function_arn = 'arn:aws:lambda:us-east-1:123456789012:function:ingest-bench'
    aws_request_id = 'ingest-bench'
    @staticmethod
    def get_remaining_time_in_millis():
        return 900_000
from deeplens.entrypoints import ingest
init_rss, init_peak = rss_mb(), rss_mb('VmHWM')
with open(sys.argv[1]) as source:
    event = json.load(source)
started = time.perf_counter()
response = ingest.handler(event, Context())
seconds = time.perf_counter() - started
print(json.dumps({'init_rss_mb': init_rss, 'init_peak_mb': init_peak, 'seconds': seconds,
                  'peak_rss_mb': rss_mb('VmHWM'),
                  'failures': response['batchItemFailures']}))
"""


def memory_size_mb(template: Path) -> int:
    """MemorySize of the ingest function in template.yaml (its own, else the Globals one)."""
    text = template.read_text()
    block = re.search(r"^  IngestFunction:\n(?P<body>(?:    .*\n|\n)*)", text, re.MULTILINE)
    own = re.search(r"^      MemorySize: (\d+)", block["body"], re.MULTILINE) if block else None
    found = own or re.search(
        r"^Globals:\n  Function:\n(?:    .*\n)*?    MemorySize: (\d+)", text, re.MULTILINE
    )
    if found is None:
        raise SystemExit(f"no MemorySize in {template}")
    return int(found[1])


def largest_batch() -> int:
    """The most events the connector puts in one batch (CONNECTOR_BATCH_MAX_EVENTS's default)."""
    from deeplens_connector.settings import ConnectorSettings

    return int(ConnectorSettings.model_fields["connector_batch_max_events"].default)


def memory_event(stack: dict[str, str], events: list[dict[str, Any]], batch: int, tag: str) -> dict[str, Any]:
    """10 batch objects written to the events bucket as the connector writes them, and the SQS
    event of their 10 pointers (bodies over SQS's limit go without the events, as encode_pointer
    sends them: then the handler reads the object)."""
    settings = load_settings(
        IngestSettings, **{k.lower(): v for k, v in stack.items() if k.lower() in IngestSettings.model_fields}
    )
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    records = []
    for number in range(10):
        chunk = parse_events(events[number * batch : (number + 1) * batch])
        key = batch_key(SESSION, f"mem{tag}{number:02d}{uuid.uuid4().hex[:8]}", chunk[0].occurred_at_ms)
        store.put(key, encode_batch(chunk), "application/gzip")
        body = encode_pointer(pointer_for(settings.events_bucket, key, SESSION, chunk))
        records.append({
            "messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": body,
            "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764000000000"},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:deeplens-ingest", "awsRegion": "us-east-1",
        })  # fmt: skip
    return {"Records": records}


def long_texts(events: list[dict[str, Any]], chars: int) -> list[dict[str, Any]]:
    out = []
    for event in events:
        text = (event["text"] + " ") * (chars // (len(event["text"]) + 1) + 1)
        text = text[:chars]
        out.append(event | {"text": text, "raw": {"extendedTextMessage": {"text": text}}})
    return out


def run_memory(
    stack: dict[str, str], admin: str, events: list[dict[str, Any]], memory_mb: int
) -> dict[str, Any]:
    """One invocation of the real handler in a fresh process, with the Lambda's settings from the
    environment (its own pool and S3 client), against a fresh database."""
    url = create_database(admin, "bench")
    try:
        batch = largest_batch()
        event = memory_event(stack, events, batch, "a")
        with tempfile.TemporaryDirectory(prefix="ingest-memory-") as folder:
            path = Path(folder) / "event.json"
            path.write_text(json.dumps(event))
            env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TZ")}
            env |= stack | {"DATABASE_URL": url, "SESSION_ID": SESSION, "POWERTOOLS_LOG_LEVEL": "WARNING",
                            "POWERTOOLS_SERVICE_NAME": "ingest-bench",
                            "DEFAULT_TRACK_GROUPS": "true", "DEFAULT_TRACK_PRIVATE": "true"}  # fmt: skip
            done = subprocess.run(
                [sys.executable, "-c", MEMORY_CHILD, str(path), str(memory_mb)],
                capture_output=True, text=True, check=False, env=env, cwd=folder,
            )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"memory child failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        if result["failures"]:
            raise SystemExit(f"memory child: failed records {result['failures']}")
        with psycopg.connect(url) as conn:
            stored = conn.execute("SELECT count(*) FROM messages").fetchone()
        inline = sum('"events":[' in record["body"] for record in event["Records"])
        body_kib = max(len(record["body"].encode()) for record in event["Records"]) / 1024
        return result | {"batch": batch, "stored": stored[0] if stored else 0, "inline": inline,
                         "body_kib": body_kib, "load": load1()}  # fmt: skip
    finally:
        drop_database(admin, url)


def report_memory(label: str, run: dict[str, Any], memory_mb: int) -> None:
    share = run["peak_rss_mb"] / memory_mb
    print(
        f"    {label:<46} peak RSS {run['peak_rss_mb']:>5.0f} MB = {share:>4.0%} of MemorySize {memory_mb} MB"
        f" (target <= 70 %: {'met' if share <= 0.7 else 'MISSED'}); after init {run['init_rss_mb']:.0f} MB;"
        f" {run['stored']:,} stored in {run['seconds']:.1f} s; {run['inline']}/10 bodies inline;"
        f" load {run['load']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=500, help="envelopes per batch object / SQS record")
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument(
        "--naive", type=int, default=20_000, help="messages for the naive and Evolution baselines"
    )
    parser.add_argument("--no-index-cost", action="store_true", help="skip the COPY per index")
    parser.add_argument(
        "--index-messages",
        type=int,
        default=50_000,
        help="messages per COPY of the index cost (at most --messages)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds of bare / full / before-0016 COPY (0: none)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the one-invocation memory figure")
    parser.add_argument(
        "--memory-text-chars", type=int, default=4096, help="text length of the long-message invocation"
    )
    parser.add_argument("--child-handler", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_handler:
        sys.stdout.write(json.dumps(run_handler(args.child_handler, args.messages, args.batch, args.chats)))
        return
    stack = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin = stack["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    events = envelopes(args.messages, args.chats)
    print(f"ingest benchmark: {args.messages:,} messages, {args.chats} chats, {args.batch} per batch")
    url = create_database(admin, "bench")
    handler_load = load1()
    child = subprocess.run(
        [sys.executable, __file__, "--child-handler", url, "--messages", str(args.messages),
         "--batch", str(args.batch), "--chats", str(args.chats)],
        capture_output=True, text=True, check=True, env={**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    handler_run = json.loads(child.stdout.strip().splitlines()[-1])  # the logger writes lines before it
    handler = Timed(args.messages, handler_run["seconds"], 0.0, max(handler_load, load1()))
    drop_database(admin, url)
    naive = run_in_fresh_database(admin, lambda u: run_naive(u, events[: args.naive]))
    evolution = run_in_fresh_database(admin, lambda u: run_evolution(u, events[: args.naive]))
    copy = run_in_fresh_database(admin, lambda u: run_copy(u, events))
    print(f"  {'variant':<54} {'msg/s':>8} {'load':>5} {'server CPU us/msg':>18}")
    rows = (
        ("handler (real Lambda handler, bulk upserts)", handler),
        (f"naive (INSERT + COMMIT per message, {args.naive:,})", naive),
        (f"Evolution API style (JSON row + commit per event, {args.naive:,})", evolution),
        ("COPY into the same schema (ceiling)", copy),
    )
    for label, timed in rows:
        cpu = f"{timed.cpu_us(merged=False):>18.1f}" if timed.server_cpu else f"{'':>18}"
        print(f"  {label:<54} {timed.rate:>8,.0f} {timed.load:>5.1f} {cpu}")
    print(f"  handler / naive     = {handler.rate / naive.rate:.1f}x (target >= 20x)")
    print(f"  handler / Evolution = {handler.rate / evolution.rate:.1f}x")
    ratio = handler.rate / copy.rate
    print(f"  handler / COPY      = {ratio:.2f}x (target >= 0.6x: {'met' if ratio >= 0.6 else 'MISSED'})")
    print(
        f"  handler process peak RSS = {handler_run['peak_rss_mb']:.0f} MB"
        f" ({handler_run['input_rss_mb']:.0f} MB before the first invocation:"
        " interpreter, imports, the pre-built SQS events)"
    )
    if not args.no_index_cost:
        run_index_cost(admin, events[: args.index_messages], args.rounds)
    if not args.no_memory:
        memory_mb = memory_size_mb(REPO_ROOT / "template.yaml")
        batch = largest_batch()
        need = 10 * batch
        sample = envelopes(need, max(need // 100, 1), seed=11)
        print(f"  memory: one invocation of 10 records x {batch} events (CONNECTOR_BATCH_MAX_EVENTS), each")
        print(
            "  batch read from the events bucket (s3rver), in a fresh process (handler module + event file)"
        )
        report_memory("messages of 2-30 words", run_memory(stack, admin, sample, memory_mb), memory_mb)
        long_run = run_memory(stack, admin, long_texts(sample, args.memory_text_chars), memory_mb)
        report_memory(f"messages of {args.memory_text_chars:,} characters", long_run, memory_mb)


if __name__ == "__main__":
    main()
