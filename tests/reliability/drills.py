"""The fault drills, each at a given scale: tests/reliability runs them small (in `make test`),
bench/soak.py large. Each returns the Figures it prints; the tests assert on them."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
import uuid
from typing import Any

import psycopg
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.domain.batch import BatchPointer, encode_pointer
from deeplens.domain.envelope import Event, MessageSeen, parse_event
from deeplens.domain.retry import RetrySchedule
from deeplens.settings import QueueSettings, S3Settings
from deeplens_connector.replay import feed_bytes
from deeplens_connector.runtime import build
from deeplens_connector.sample.protos import complete, jid, media_fields, message, png
from deeplens_connector.settings import ConnectorSettings
from deeplens_connector.translate import MediaRef, translate_message
from neonize.client import NewClient
from neonize.events import EVENT_TO_INT
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests import factories as f
from tests.reliability.lab import (
    DIRECT_CHATS,
    Figures,
    Lab,
    applied_batches,
    conversation,
    dlq_count,
    fingerprints,
    publish,
    scalar,
    stored_twice,
    wait_until,
)
from tests.support import settings_from

RETRY = {"INGEST_RETRY_BASE_SECONDS": "1", "INGEST_RETRY_MAX_SECONDS": "2"}


def _wait_applied(url: str, batches: int, seconds: float) -> None:
    assert wait_until(lambda: applied_batches(url) == batches, seconds), "not all batches applied"


def _messages(url: str) -> int:
    return int(scalar(url, "SELECT count(*) FROM messages"))


def _published(lab: Lab, queue: Any, events: list[dict[str, Any]], max_events: int = 100) -> int:
    """Through the real Publisher, all uploaded; the number of batches."""
    publisher = lab.publisher(queue, max_events=max_events)
    publish(publisher, events)
    assert publisher.close(120), "publisher did not drain"
    return publisher.published_batches


def duplicate_shuffled(lab: Lab, messages: int, seed: int = 7) -> Figures:
    """Every event twice, shuffled, in other batch boundaries, against a clean in-order run:
    every archive table compared row by row (fingerprints)."""
    events = conversation(messages)
    twice = events * 2
    random.Random(seed).shuffle(twice)
    runs = []
    for name, stream, size in (("in order", events, 100), ("twice, shuffled", twice, 37)):
        url = lab.database()
        queue, dlq = lab.queues()
        batches = _published(lab, queue, stream, size)
        lab.worker(url, queue, dlq)
        runs.append((name, url, dlq, batches))
    started = time.monotonic()
    for _, url, _, batches in runs:
        _wait_applied(url, batches, 60 + messages / 50)
    elapsed = time.monotonic() - started
    (_, reference, _, _), (_, url, dlq, _) = runs
    expected, got = fingerprints(reference), fingerprints(url)
    same = sum(expected[table] == got[table] for table in expected)
    return Figures(
        "duplicate + shuffled delivery",
        expected=_messages(reference),
        stored=_messages(url),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=None,
        note=f"{len(twice)} events delivered for {len(events)}; tables equal to the in-order run "
        f"{same}/{len(expected)}; both ingested in {elapsed:.1f}s",
    )


def worker_kill9(lab: Lab, messages: int) -> Figures:
    """The ingest worker killed (SIGKILL) while it applies batches, then started again."""
    url = lab.database()
    queue, dlq = lab.queues(max_receive_count=5, visibility_s=2)
    batches = _published(lab, queue, conversation(messages), max_events=10)
    worker = lab.worker(url, queue, dlq)
    assert wait_until(lambda: applied_batches(url) >= max(batches // 4, 1), 60, step_s=0.02)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    at_kill = applied_batches(url)
    restarted = time.monotonic()
    lab.worker(url, queue, dlq)
    assert wait_until(lambda: applied_batches(url) == batches, 60 + messages / 50), "not all applied"
    recover = time.monotonic() - restarted
    return Figures(
        "worker kill -9 during ingest",
        expected=messages,
        stored=_messages(url),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=recover,
        note=f"killed after {at_kill}/{batches} batches",
    )


def postgres_outage(lab: Lab, messages: int, outage_s: float) -> Figures:
    """PostgreSQL unreachable (its TCP path cut) for longer than the queue's own receives would
    last without the retry schedule (3 receives of a 1 s visibility); nothing may reach the DLQ."""
    url = lab.database()
    port = int(url.split("@", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
    proxy = lab.proxy(port)
    budget_s = int(outage_s * 2 + 10)
    schedule = RetrySchedule(base_s=1, max_s=2, budget_s=budget_s)
    queue, dlq = lab.queues(max_receive_count=schedule.max_receive_count, visibility_s=1)
    batches = _published(lab, queue, conversation(messages), max_events=50)
    proxy.cut()
    proxied = url.replace(f":{port}/", f":{proxy.port}/")
    lab.worker(proxied, queue, dlq, INGEST_RETRY_BUDGET_SECONDS=str(budget_s), **RETRY)
    time.sleep(outage_s)
    during = applied_batches(url)
    proxy.restore()
    restored = time.monotonic()
    assert wait_until(lambda: applied_batches(url) == batches, 60 + messages / 50), "not all applied"
    recover = time.monotonic() - restored
    return Figures(
        "PostgreSQL outage",
        expected=messages,
        stored=_messages(url),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=recover,
        note=f"{outage_s:.0f}s outage (3 receives of 1s would have sent everything to the DLQ "
        f"after ~3s), {during} batches applied during it, maxReceiveCount "
        f"{schedule.max_receive_count}",
    )


def s3_sqs_outage(lab: Lab, messages: int, outage_s: float) -> Figures:
    """S3 and SQS unreachable from the publishing connector (TCP paths cut) mid-stream."""
    url = lab.database()
    queue, dlq = lab.queues()
    s3 = lab.proxy(int(lab.env["MINIO_PORT"]))
    sqs = lab.proxy(int(lab.env["SQS_ENDPOINT_URL"].rsplit(":", 1)[1]))
    publisher = lab.publisher(queue, store=lab.events_store(port=s3.port), sqs_port=sqs.port, max_events=50)
    lab.worker(url, queue, dlq)
    events = conversation(messages)
    half = len(events) // 2
    publish(publisher, events[:half])
    s3.cut()
    sqs.cut()
    publish(publisher, events[half:])
    time.sleep(outage_s)
    spooled = len(publisher.spool.pending())
    s3.restore()
    sqs.restore()
    restored = time.monotonic()
    assert publisher.close(60 + messages / 50), "publisher did not drain"
    assert wait_until(lambda: _messages(url) == messages, 60 + messages / 50), "not all stored"
    assert wait_until(lambda: applied_batches(url) == publisher.published_batches, 30)
    recover = time.monotonic() - restored
    return Figures(
        "S3 + SQS outage while publishing",
        expected=messages,
        stored=_messages(url),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=recover,
        note=f"{outage_s:.0f}s outage, {spooled} batches waited in the spool",
    )


def _visible(lab: Lab, queue: Queue) -> int:
    """SQS's approximate count of the messages waiting in `queue` (only the drills ask for it)."""
    sqs = make_sqs_client(settings_from(QueueSettings, lab.env), settings_from(S3Settings, lab.env))
    answer = sqs.get_queue_attributes(QueueUrl=queue.url, AttributeNames=["ApproximateNumberOfMessages"])
    attributes = answer["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def poison_among_good(lab: Lab, messages: int, poison_each: int = 1) -> Figures:
    """Hostile records (not JSON, JSON nested 100,000 deep, a pointer to a missing object, an
    invalid envelope) among good batches: the good ones are applied, the poison reaches the DLQ
    with its reason kept."""
    url = lab.database()
    queue, dlq = lab.queues(max_receive_count=2, visibility_s=1)
    batches = _published(lab, queue, conversation(messages), max_events=20)
    poison = [body for _ in range(poison_each) for body in _poison_bodies()]
    for body in poison:
        queue.send(body)
    started = time.monotonic()
    lab.worker(url, queue, dlq)
    assert wait_until(lambda: applied_batches(url) == batches, 60 + messages / 50), "good batches not applied"
    rejections = "SELECT count(*) FROM ingest_rejections"
    assert wait_until(lambda: scalar(url, rejections) == len(poison), 60), "poison not recorded"
    assert wait_until(lambda: _visible(lab, dlq) >= len(poison), 30), "poison not in the DLQ"
    recover = time.monotonic() - started
    return Figures(
        "poison among good",
        expected=messages,
        stored=_messages(url),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=recover,
        note=f"{len(poison)} poison records, {scalar(url, rejections)} rejections kept with their reason",
    )


def _poison_bodies() -> list[str]:
    tag = uuid.uuid4().hex[:8]
    folder = f"events/{f.SESSION}/2025/11/24"
    missing = BatchPointer(batch_id=f"missing-{tag}", session=f.SESSION, bucket="deeplens-events",
                           key=f"{folder}/missing-{tag}.jsonl.gz", count=1, events=None)  # fmt: skip
    invalid = BatchPointer(batch_id=f"invalid-{tag}", session=f.SESSION, bucket="deeplens-events",
                           key=f"{folder}/invalid-{tag}.jsonl.gz", count=1,
                           events=[{"v": 1, "kind": "message", "chat_jid": "not a jid"}])  # fmt: skip
    return ["not json {", "[" * 100_000 + "]" * 100_000, encode_pointer(missing), encode_pointer(invalid)]


# --- hostile content, through the connector's translator ------------------------------------

PLACEHOLDER = "Q" * 8
CESU = b"A\xed\xa0\x80B\xffCD"  # a lone surrogate encoded as UTF-8, and a stray byte
FIVE_MB = "Wort " * 1_000_000


def _translated(message_id: str, text: str, wire: bytes | None = None) -> MessageSeen:
    chat = jid(DIRECT_CHATS[0].split("@")[0])
    ev = complete(message(message_id, chat, chat, f.T0, E2E.Message(conversation=text)))
    data = ev.SerializeToString()
    if wire is not None:
        data = data.replace(PLACEHOLDER.encode(), wire)
    (event,) = translate_message(N.Message.FromString(data), session=f.SESSION, own_jid=None, now_ms=f.T0)
    assert isinstance(event, MessageSeen)
    return event


def _nested_raw(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return root


def hostile_content(lab: Lab) -> Figures:
    """U+FFFF, a lone surrogate (bytes that are not UTF-8), 5 MB of text, NUL and a raw part nested
    too deep to serialise: translated by the connector, published, ingested. Every message is
    archived (the deep one set aside with its reason in the log's rejected/ folder), and the
    messages after them too."""
    url = lab.database()
    queue, dlq = lab.queues()
    events: list[Event] = [
        _translated("H1", "noncharacter \uffff\ufffe"),
        _translated("H2", PLACEHOLDER, CESU),
        _translated("H3", FIVE_MB),
        _translated("H4", "nul\x00byte"),
    ]
    deep = _translated("H5", "nested").model_copy(update={"raw": _nested_raw(5000)})
    after = parse_event(f.message(DIRECT_CHATS[1], "AFTER1", DIRECT_CHATS[1], f.T0 + 1, "after"))
    publisher = lab.publisher(queue)
    publisher.submit_many([*events, deep, after])
    started = time.monotonic()
    assert publisher.close(60)
    lab.worker(url, queue, dlq)
    assert wait_until(lambda: applied_batches(url) == publisher.published_batches, 60)
    elapsed = time.monotonic() - started
    texts = dict(_rows(url, "SELECT id, text_body FROM messages"))
    whole = scalar(url, "SELECT length(content->>'conversation') FROM messages WHERE id = 'H3'")
    expected = {
        "H1": "noncharacter \uffff\ufffe",
        "H2": "A\ufffd\ufffd\ufffdB\ufffdCD",
        "H4": "nul\ufffdbyte",
        "AFTER1": "after",
    }
    assert {k: texts.get(k) for k in expected} == expected
    assert len(texts["H3"]) == 200_000 and whole == len(FIVE_MB)
    return Figures(
        "hostile content end to end",
        expected=6,
        stored=len(texts) + publisher.rejected_events,
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=None,
        note=f"U+FFFF kept, lone surrogate and bad bytes -> U+FFFD, NUL -> U+FFFD, 5 MB text cut "
        f"to 200,000 characters (raw whole: {whole:,}), {publisher.rejected_events} set aside "
        f"(nested 5,000 deep, kept in rejected/); all in {elapsed:.1f}s",
    )


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(row) for row in conn.execute(sql).fetchall()]


# --- a stop with a slow media download in flight ----------------------------------------------

PHOTO = png(4, 4, (9, 8, 7))


class _SlowDownload:
    """A CDN that answers only once `release` is set."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, ref: MediaRef) -> bytes:
        self.started.set()
        self.release.wait(60)
        return PHOTO


def _photo(message_id: str) -> Any:
    user = DIRECT_CHATS[2].split("@")[0]
    image = E2E.ImageMessage(mimetype="image/png", **media_fields(PHOTO, f"/v/{message_id}"))
    return complete(
        message(
            message_id,
            jid(user),
            jid(user),
            f.T0,
            E2E.Message(imageMessage=image),
            wa_type="media",
            media_type="image",
        )
    )


def stop_with_media_in_flight(lab: Lab, photos: int, drain_s: float = 4.0) -> Figures:
    """The connector stops (what SIGTERM runs) while slow downloads are in flight or waiting: every
    message is published at once with media pending and kept on disk; the next process fetches
    them and the media ends `stored`."""
    url = lab.database()
    queue, dlq = lab.queues()
    session = f"rel_{uuid.uuid4().hex[:8]}"
    settings: ConnectorSettings = settings_from(
        ConnectorSettings,
        lab.env,
        database_url=url,
        session_id=session,
        ingest_queue_url=queue.url,
        connector_spool_dir=lab.work / f"connector-{session}",
        connector_batch_max_ms=20,
    )
    slow = _SlowDownload()
    first = build(settings, NewClient("never-connected", uuid=f"{session}-1"), slow, settings.spool_dir)
    for n in range(photos):
        ev = _photo(f"3EB0P{n:011X}")
        feed_bytes(first.client, EVENT_TO_INT[type(ev)], ev.SerializeToString())
    assert slow.started.wait(10)
    stopped = time.monotonic()
    finished = first.close(drain_s)
    stop_s = time.monotonic() - stopped
    kept = len(list((settings.spool_dir / "pending-media").glob("*.json")))
    lab.worker(url, queue, dlq)
    pending_sql = "SELECT count(*) FROM media WHERE status = 'pending'"
    assert wait_until(lambda: scalar(url, pending_sql) == photos, 30), "pending media not archived"
    restarted = time.monotonic()
    second = build(
        settings, NewClient("never-connected", uuid=f"{session}-2"), lambda ref: PHOTO, settings.spool_dir
    )
    second.media.resume()
    stored_sql = "SELECT count(*) FROM media WHERE status = 'stored'"
    assert wait_until(lambda: scalar(url, stored_sql) == photos, 30), "media not fetched after the restart"
    recover = time.monotonic() - restarted
    slow.release.set()  # the download the stop abandoned ends now: it publishes nothing
    assert second.close(10)
    left = len(list((settings.spool_dir / "pending-media").glob("*.json")))
    return Figures(
        "stop with slow media downloads in flight",
        expected=photos,
        stored=int(scalar(url, stored_sql)),
        stored_twice=stored_twice(url),
        dlq=dlq_count(dlq),
        recover_s=recover,
        note=f"stop took {stop_s:.1f}s of a {drain_s:.0f}s drain (all finished: {finished}), "
        f"{kept} kept as pending, {left} left after the restart",
    )
