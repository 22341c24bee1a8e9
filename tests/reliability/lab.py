"""The reliability drills' workbench on the test stack: fresh databases and queues, the real
Publisher (through outage proxies when asked), the real ingest worker process, and the figures
every drill prints (expected vs stored, stored twice, DLQ, time to recover)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.domain.envelope import Event, parse_event
from deeplens.settings import QueueSettings, S3Settings
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests import factories as f
from tests.proxy import OutageProxy
from tests.support import ARCHIVE_TABLES, canonical_dump, settings_from

REPO = Path(__file__).resolve().parents[2]
DIRECT_CHATS = tuple(f"49151000{n:05d}@s.whatsapp.net" for n in range(6))


@dataclass
class Figures:
    """What a drill prints: one line, the same in the tests and in bench/soak.py."""

    drill: str
    expected: int
    stored: int
    stored_twice: int = 0
    dlq: int = 0
    recover_s: float | None = None
    note: str = ""

    def line(self) -> str:
        recover = "-" if self.recover_s is None else f"{self.recover_s:.1f}s"
        text = (
            f"[drill] {self.drill}: expected {self.expected}, stored {self.stored}, "
            f"stored twice {self.stored_twice}, DLQ {self.dlq}, time to recover {recover}"
        )
        return text + (f"; {self.note}" if self.note else "")


@dataclass
class Lab:
    env: dict[str, str]
    template: str
    work: Path
    _databases: list[str] = field(default_factory=list)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    # --- resources -----------------------------------------------------------------------

    def database(self) -> str:
        name = f"rel_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._admin(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        self._databases.append(name)
        return self._admin().rsplit("/", 1)[0] + f"/{name}"

    def queues(self, max_receive_count: int = 3, visibility_s: int = 2) -> tuple[Queue, Queue]:
        sqs = make_sqs_client(settings_from(QueueSettings, self.env), settings_from(S3Settings, self.env))
        name = f"rel-{uuid.uuid4().hex[:10]}"
        dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": max_receive_count})
        attributes = {"VisibilityTimeout": str(visibility_s), "RedrivePolicy": redrive}
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return Queue(sqs, url), Queue(sqs, dlq)

    def events_store(self, port: int | None = None) -> ObjectStore:
        settings = settings_from(S3Settings, self.env, **({"minio_port": port} if port else {}))
        return ObjectStore(make_s3_client(settings), settings.events_bucket)

    def proxy(self, port: int) -> OutageProxy:
        proxy = OutageProxy(port)
        self._cleanups.append(proxy.close)
        return proxy

    def publisher(
        self,
        queue: Queue,
        *,
        store: ObjectStore | None = None,
        sqs_port: int | None = None,
        max_events: int = 100,
        name: str = "spool",
    ) -> Publisher:
        """The connector's real Publisher (batches, durable spool, S3 + SQS), optionally through
        proxies on the S3/SQS ports."""
        s3 = settings_from(S3Settings, self.env)
        endpoint = {"sqs_endpoint_url": f"http://127.0.0.1:{sqs_port}"} if sqs_port else {}
        sqs = make_sqs_client(settings_from(QueueSettings, self.env, **endpoint), s3)
        config = PublisherConfig(session=f.SESSION, max_events=max_events, max_wait_s=0.05, retry_max_s=0.5)
        spool_dir = self.work / f"{name}-{uuid.uuid4().hex[:6]}"
        spool = Spool(spool_dir, 500_000_000)
        return Publisher(config, spool, store or self.events_store(), Queue(sqs, queue.url)).start()

    def worker(self, database_url: str, queue: Queue, dlq: Queue, **extra: str) -> subprocess.Popen[bytes]:
        """The real ingest worker process (`python -m deeplens.entrypoints.worker`)."""
        env = {
            **os.environ,
            **self.env,
            "DATABASE_URL": database_url,
            "INGEST_QUEUE_URL": queue.url,
            "INGEST_DLQ_URL": dlq.url,
            "WORKER_WAIT_SECONDS": "1",
            **extra,
        }
        log = (self.work / f"worker-{uuid.uuid4().hex[:6]}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "deeplens.entrypoints.worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        log.close()
        self._cleanups.append(lambda: _end(process))
        return process

    def close(self) -> None:
        for cleanup in reversed(self._cleanups):
            cleanup()
        with psycopg.connect(self._admin(), autocommit=True) as conn:
            for name in self._databases:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _admin(self) -> str:
        return self.env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"


# --- what is published -----------------------------------------------------------------------


def conversation(messages: int) -> list[dict[str, Any]]:
    """`messages` text messages over six direct chats, with edits, reactions and revokes."""
    events: list[dict[str, Any]] = []
    for n in range(messages):
        chat, at, message_id = DIRECT_CHATS[n % len(DIRECT_CHATS)], f.T0 + n * 10, f"3EB0{n:016X}"
        events.append(f.message(chat, message_id, chat, at, f"message {n}"))
        if n % 10 == 3:
            events.append(f.edit(chat, message_id, f"message {n}, edited", at + 5))
        if n % 7 == 1:
            events.append(f.reaction(chat, message_id, f.ME, "👍", at + 6))
        if n % 13 == 5:
            events.append(f.revoke(chat, message_id, chat, at + 7))
    return events


def publish(publisher: Publisher, events: list[dict[str, Any]]) -> None:
    parsed: list[Event] = [parse_event(event) for event in events]
    publisher.submit_many(list(parsed))


# --- what is stored --------------------------------------------------------------------------


def scalar(url: str, sql: str, *params: Any) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None


def applied_batches(url: str) -> int:
    return int(scalar(url, "SELECT count(*) FROM applied_batches"))


def wait_until(condition: Callable[[], bool], seconds: float, step_s: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


def fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Per archive table: (rows, sha256 of the canonical rows)."""
    dump = canonical_dump(url)
    return {
        table: (len(dump[table]), hashlib.sha256(repr(dump[table]).encode()).hexdigest()[:16])
        for table in ARCHIVE_TABLES
    }


def stored_twice(url: str) -> int:
    """Rows stored more than once (the same canonical row twice in a table)."""
    return sum(len(rows) - len({repr(row) for row in rows}) for rows in canonical_dump(url).values())


def dlq_count(dlq: Queue) -> int:
    seen: set[str] = set()
    while batch := dlq.receive(10, wait_s=1):
        seen.update(message.message_id for message in batch)
    return len(seen)


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
