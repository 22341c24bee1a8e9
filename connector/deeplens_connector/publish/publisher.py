"""Publishing: envelopes -> micro-batches -> spool -> events bucket + one SQS message per batch.

- `submit()` is what neonize callbacks call: it only enqueues (never blocks on I/O).
- The batcher thread closes a batch after `max_events` or `max_wait_s` (a history sync of 50,000
  messages becomes ~100 SQS messages, not 50,000) and writes it to the durable spool.
- The drainer uploads spooled batches strictly in order: the gzip JSON-lines object to
  EVENTS_BUCKET, then the pointer (events inline when small) to the ingest queue, then removes
  the spool file. S3/SQS down: it backs off and retries; nothing is lost or reordered.
- `close()` (SIGTERM) flushes the open batch and drains what it can before `timeout_s`.
- No single event stops publishing: an event that cannot be serialised is set aside with its
  reason (`rejected/...` beside the log) and its batch goes on; a batch the queue refuses inline is
  sent as a bare pointer, and one refused even so moves to the spool's `dead/` folder. Should a
  publisher thread die anyway, `failed` is set and the connector exits for a restart.
"""

from __future__ import annotations

import gzip
import json
import logging
import queue
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from deeplens.domain.batch import (
    BatchPointer,
    batch_key,
    chat_segment,
    decode_batch,
    encode_pointer,
    rejected_key,
    should_inline,
    untracked_key,
)
from deeplens.domain.envelope import Event
from deeplens.domain.errors import DeepLensError, InvalidEnvelope, RefusedMessage

from deeplens_connector.publish.encoded import Encoded, event_line
from deeplens_connector.publish.spool import Spool, SpooledBatch, SpoolFull
from deeplens_connector.tracking import chat_of

log = logging.getLogger("deeplens.connector.publisher")


class ObjectSink(Protocol):
    bucket: str

    def put(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str] | None = None
    ) -> str: ...


class MessageSink(Protocol):
    def send(
        self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class PublisherConfig:
    session: str
    max_events: int = 500
    max_wait_s: float = 0.25
    retry_min_s: float = 0.2
    retry_max_s: float = 30.0


class Publisher:
    def __init__(
        self,
        config: PublisherConfig,
        spool: Spool,
        objects: ObjectSink,
        messages: MessageSink,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.spool = spool
        self.objects = objects
        self.messages = messages
        self._clock = clock
        self._inbox: queue.Queue[Event | Encoded | list[Event | Encoded] | _Held | None] = queue.Queue()
        self._spooled = threading.Condition()
        self._stopping = threading.Event()
        self._batcher = threading.Thread(
            target=self._guarded(self._batch_loop), name="publisher-batcher", daemon=True
        )
        self._drainer = threading.Thread(
            target=self._guarded(self._drain_loop), name="publisher-drainer", daemon=True
        )
        self.published_batches = 0
        self.rejected_events = 0
        self.failed = threading.Event()  # a publisher thread died: nothing more will be published
        self.failure = ""

    def start(self) -> Publisher:
        self._batcher.start()
        self._drainer.start()
        return self

    def submit(self, event: Event | Encoded) -> None:
        self._inbox.put(event)

    def submit_many(self, events: list[Event | Encoded]) -> None:
        """submit() each, in order, with one queue hand-over (and one wake-up of the batcher)."""
        if events:
            self._inbox.put(list(events))

    def hold_many(self, events: list[Event | Encoded]) -> None:
        """Content of untracked chats: spooled in one batch per chat (in the batcher's turn, after
        what was submitted before), uploaded to `untracked/{session}/{chat}/...`, never enqueued."""
        if events:
            self._inbox.put(_Held(list(events)))

    def close(self, timeout_s: float = 10.0) -> bool:
        """Flush and drain within `timeout_s` in all; True when nothing is left in the spool. What
        is not uploaded by then stays in the durable spool for the next process (an upload still
        in flight is left to the daemon thread: the process exits, the spool keeps the batch)."""
        deadline = time.monotonic() + timeout_s
        self._inbox.put(None)
        self._batcher.join(timeout_s)  # writing to the local spool: fast
        with self._spooled:
            self._spooled.notify_all()
        while self._holding() and time.monotonic() < deadline:
            time.sleep(0.05)
        self._stopping.set()
        with self._spooled:
            self._spooled.notify_all()
        self._drainer.join(max(deadline - time.monotonic(), 0.5))
        drained = not self._drainer.is_alive() and not self._holding() and not self.failed.is_set()
        self.spool.close()
        return drained

    def _holding(self) -> bool:
        return bool(self.spool.pending() or self.spool.rejected())

    def _guarded(self, loop: Callable[[], None]) -> Callable[[], None]:
        """A thread that dies says so (log + `failed`), so the process can exit for a restart
        instead of silently publishing nothing more."""

        def run() -> None:
            try:
                loop()
            except BaseException as error:
                self.failure = f"{threading.current_thread().name}: {error!r}"
                log.critical("publisher thread died", exc_info=True, extra={"error": self.failure})
                self.failed.set()

        return run

    # --- batching -------------------------------------------------------------------------

    def _batch_loop(self) -> None:
        """Full batches are written at once; a batch is due `max_wait_s` after its first event came,
        and then goes with whatever waits in the inbox (_write_due); close() (None) writes the rest."""
        batch: list[Event | Encoded] = []
        deadline = None
        while True:
            item = self._next_item(deadline)
            closing = item is None
            if item is not _TIMEOUT and item is not None:
                self._take(batch, item)
                deadline = deadline or self._deadline()
            if closing or (deadline and time.monotonic() >= deadline):
                closing = self._take_waiting(batch) or closing
                batch = self._write_due(batch, closing=closing)
                if closing:
                    return
                deadline = self._deadline() if batch else None
            else:
                batch = self._write_full(batch)
                deadline = deadline if batch else None

    def _next_item(self, deadline: float | None) -> Any:
        """The next item of the inbox, or _TIMEOUT once `deadline` passed (None: wait for one)."""
        timeout = None if deadline is None else max(deadline - time.monotonic(), 0)
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return _TIMEOUT

    def _deadline(self) -> float:
        return time.monotonic() + self.config.max_wait_s

    def _write_due(self, batch: list[Event | Encoded], *, closing: bool) -> list[Event | Encoded]:
        """A due batch: its full batches are written; the rest goes too when there was no full batch
        (the due events go as they are) or when closing. Returns what waits for the next deadline."""
        rest = self._write_full(batch)
        if closing or len(rest) == len(batch):
            self._write(rest)
            return []
        return rest

    def _take_waiting(self, batch: list[Event | Encoded]) -> bool:
        """When a batch is due, the events already waiting in the inbox go with it (they are late
        too): a batcher that fell behind writes full batches, not one small batch per deadline.
        True when close() was among them."""
        while len(batch) < self.config.max_events:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                return False
            if item is None:
                return True
            self._take(batch, item)
        return False

    def _take(
        self, batch: list[Event | Encoded], item: Event | Encoded | list[Event | Encoded] | _Held
    ) -> None:
        if isinstance(item, _Held):
            self._write_held(item.events)
        elif isinstance(item, list):
            batch.extend(item)
        else:
            batch.append(item)

    def _write_held(self, events: list[Event | Encoded]) -> None:
        """One held batch per chat (at most max_events each): replaying or forgetting one chat is
        then a prefix of the bucket."""
        by_chat: dict[str, list[Event | Encoded]] = {}
        for event in events:
            chat = chat_of(event)
            if chat is not None:
                by_chat.setdefault(chat[0], []).append(event)
        size = self.config.max_events
        for jid, held in by_chat.items():
            try:
                segment = chat_segment(jid)
            except InvalidEnvelope as error:
                log.warning("untracked content not held", extra={"chat": jid, "error": str(error)})
                continue
            for start in range(0, len(held), size):
                self._write(held[start : start + size], segment)

    def _write_full(self, batch: list[Event | Encoded]) -> list[Event | Encoded]:
        """Writes the full batches at the head of `batch`; returns the rest."""
        size = self.config.max_events
        full = len(batch) - len(batch) % size
        for start in range(0, full, size):
            self._write(batch[start : start + size])
        return batch[full:]

    def _write(self, batch: list[Event | Encoded], held: str | None = None) -> None:
        if not batch:
            return
        at_ms = int(self._clock() * 1000)
        batch_id = f"{at_ms:013d}-{uuid.uuid4().hex[:12]}"  # sorts by time inside a day's folder
        lines, rejected = encode_lines(batch)
        for number, (event, reason) in enumerate(rejected):
            self._set_aside(f"{at_ms:013d}-{batch_id}-{number}.json", event, reason)
        if lines:
            data = gzip_lines(lines)
            self._append(data, at_ms, len(lines), batch_id, held)

    def _append(self, data: bytes, at_ms: int, count: int, batch_id: str, held: str | None) -> None:
        backoff = self.config.retry_min_s
        while True:
            try:
                self.spool.append(data, at_ms, count, batch_id, held)
                break
            except SpoolFull as full:
                if held is not None:  # best effort: held content never holds up the event log
                    log.warning(
                        "spool full, untracked content not held", extra={"events": count, "error": str(full)}
                    )
                    return
                log.error("spool full, holding the batch in memory", extra={"error": str(full)})
                time.sleep(backoff)
                backoff = min(backoff * 2, self.config.retry_max_s)
        with self._spooled:
            self._spooled.notify_all()

    def _set_aside(self, name: str, event: Event | Encoded, reason: str) -> None:
        record = rejection_record(self.config.session, event, reason)
        log.error("event set aside: it cannot be serialised", extra={"record": name, "error": reason})
        self.spool.reject(name, record)
        self.rejected_events += 1

    # --- draining -------------------------------------------------------------------------

    def _drain_loop(self) -> None:
        backoff = self.config.retry_min_s
        while not self._stopping.is_set():
            pending = self.spool.pending()
            rejected = self.spool.rejected()
            if not pending and not rejected:
                with self._spooled:
                    self._spooled.wait(0.5)
                continue
            if all(self._upload_rejected(path) for path in rejected) and (
                not pending or self._upload(pending[0])
            ):
                backoff = self.config.retry_min_s
            else:
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, self.config.retry_max_s)

    def _upload(self, batch: SpooledBatch) -> bool:
        key = self._key_of(batch)
        try:
            data = batch.read()
            self.objects.put(key, data, "application/gzip", {"events": str(batch.count)})
            if batch.chat_segment is None:  # a held batch is only replayed by tracking its chat
                self._send(self._pointer(key, batch, data))
        except RefusedMessage as refused:
            self._dead_letter(batch, refused)
            return True
        except (DeepLensError, OSError) as error:
            log.warning("publish failed, will retry", extra={"batch": batch.batch_id, "error": str(error)})
            return False
        self.spool.remove(batch)
        self.published_batches += 1
        return True

    def _key_of(self, batch: SpooledBatch) -> str:
        if batch.chat_segment is None:
            return batch_key(self.config.session, batch.batch_id, batch.at_ms)
        chat = batch.chat_segment.replace("~", "@", 1)
        return untracked_key(self.config.session, chat, batch.batch_id, batch.at_ms)

    def _send(self, pointer: BatchPointer) -> None:
        """The pointer with its events inline; refused as invalid, the bare pointer (plain ASCII:
        ingest then reads the batch object)."""
        try:
            self.messages.send(encode_pointer(pointer), group=self.config.session)
        except RefusedMessage as refused:
            if pointer.events is None:
                raise
            log.warning("queue refused the inline batch, sending the bare pointer",
                        extra={"batch": pointer.batch_id, "error": str(refused)})  # fmt: skip
            self.messages.send(
                encode_pointer(pointer.model_copy(update={"events": None})), group=self.config.session
            )

    def _dead_letter(self, batch: SpooledBatch, refused: RefusedMessage) -> None:
        """Refused even as a bare pointer: retrying cannot help. The batch object is in the log, so
        reconcile still enqueues it; the spool copy waits in `dead/` for a person."""
        path = self.spool.dead_letter(batch)
        log.error("queue refused the batch; moved to the spool's dead folder",
                  extra={"batch": batch.batch_id, "path": str(path), "error": str(refused)})  # fmt: skip

    def _upload_rejected(self, path: Path) -> bool:
        at_ms = int(path.name.split("-", 1)[0])
        try:
            self.objects.put(
                rejected_key(self.config.session, path.name, at_ms), path.read_bytes(), "application/json"
            )
        except (DeepLensError, OSError) as error:
            log.warning(
                "upload of a set-aside event failed, will retry",
                extra={"record": path.name, "error": str(error)},
            )
            return False
        self.spool.forget_rejected(path)
        return True

    def _pointer(self, key: str, batch: SpooledBatch, data: bytes) -> BatchPointer:
        events: list[dict[str, Any]] | None = None  # too big for one SQS message: ingest reads the object
        if should_inline(inline_size(data)):
            events = decode_batch(data)
        return BatchPointer(
            batch_id=batch.batch_id,
            session=self.config.session,
            bucket=self.objects.bucket,
            key=key,
            count=batch.count,
            events=events,
        )


GZIP_LEVEL = 6  # zlib's default: level 9 took twice the time for 1.5% smaller batches


def encode_events(events: list[Event | Encoded]) -> bytes:
    """The batch object: what deeplens.domain.batch.encode_batch writes (gzip'd compact JSON lines,
    mtime 0), serialised by pydantic-core instead of model_dump + json.dumps: the same lines
    (tests/unit/connector_publish) in a third of the time the batcher holds the GIL for; lines a
    translation worker already wrote are taken as they are. zlib releases the GIL while it
    compresses. Raises on an event that cannot be serialised (the batcher uses encode_lines)."""
    return gzip_lines([event_line(event) for event in events])


def gzip_lines(lines: list[bytes]) -> bytes:
    """The batch object from its lines (mtime 0: the same lines always give the same bytes)."""
    return gzip.compress(b"".join(lines), compresslevel=GZIP_LEVEL, mtime=0)


def encode_lines(events: list[Event | Encoded]) -> tuple[list[bytes], list[tuple[Event | Encoded, str]]]:
    """Each event's batch line, checked one by one: (lines, [(event, reason)] of those that fail)."""
    lines: list[bytes] = []
    rejected: list[tuple[Event | Encoded, str]] = []
    for event in events:
        try:
            lines.append(event_line(event))
        except (ValueError, TypeError, RecursionError) as error:  # PydanticSerializationError: ValueError
            rejected.append((event, f"{type(error).__name__}: {error}"[:1000]))
    return lines, rejected


def rejection_record(session: str, event: Event | Encoded, reason: str) -> bytes:
    """What is kept of an event that could not be serialised: its reason and every part but the
    raw protobuf JSON (where such failures come from), as one JSON object."""
    record: dict[str, Any] = {
        "v": 1,
        "session": session,
        "reason": reason,
        "kind": getattr(event, "kind", None),
    }
    try:
        record["event"] = _without_raw(event)
        text = json.dumps(record, ensure_ascii=True)
    except (ValueError, TypeError, RecursionError, AttributeError) as error:
        record["event"] = None
        record["event_error"] = f"{type(error).__name__}: {error}"[:1000]
        text = json.dumps(record, ensure_ascii=True, default=str)
    return text.encode()


def inline_size(data: bytes) -> int:
    """The UTF-8 size of the batch's events as one compact JSON array, without parsing them: each
    line is one compact JSON object and a newline, and the array swaps the n newlines for n - 1
    commas and two brackets. (Parsing a 500-event batch to measure it cost ~12 ms of GIL.)"""
    try:
        return len(gzip.decompress(data)) + 1
    except (OSError, EOFError, zlib.error) as error:
        raise InvalidEnvelope(f"batch: not gzip'd ({error})") from None


def _without_raw(event: Event | Encoded) -> Any:
    if isinstance(event, Encoded):
        return json.loads(event.line)
    return event.model_dump(mode="json", exclude={"raw", "new_raw"})


@dataclass(frozen=True)
class _Held:
    events: list[Event | Encoded]


_TIMEOUT: Any = object()
