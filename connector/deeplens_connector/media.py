"""The media worker pool: download + decrypt (an injected `download`, `client.download_any` live),
size guard, upload to MINIO_BUCKET with content type and sha256, then the message event goes to
the publisher with the outcome. A failure is recorded on the message (status + reason) and never
blocks other events: only this message waits for its own download.

Outcomes: stored (key set) | skipped (too big, auto-download off) | unavailable (the CDN answers
403/404/410: WhatsApp no longer has it, and neonize 0.5.2 has no media retry) | failed (reason).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from deeplens.domain.envelope import Event, MessageSeen
from deeplens.domain.envelope_parts import MediaStatus

from deeplens_connector.publisher import ObjectSink
from deeplens_connector.translate import MediaRef, bucket_key_for, with_media_outcome

log = logging.getLogger("deeplens.connector.media")
Download = Callable[[MediaRef], bytes]
_GONE = re.compile(r"status code (403|404|410)\b")
_UPLOAD_ATTEMPTS = 3


class MediaUnavailable(Exception):
    """The media no longer exists on WhatsApp's servers (expired or removed)."""


@dataclass(frozen=True)
class MediaJob:
    message: MessageSeen
    ref: MediaRef


@dataclass(frozen=True)
class Outcome:
    status: MediaStatus
    key: str | None = None
    error: str | None = None
    sha256: str | None = None
    size: int | None = None


def classify_failure(error: BaseException) -> Outcome:
    """whatsmeow says `download failed with status code 410` for expired media."""
    reason = " ".join(str(error).split())[:500] or type(error).__name__
    if isinstance(error, MediaUnavailable) or _GONE.search(reason):
        return Outcome("unavailable", error=reason)
    return Outcome("failed", error=reason)


def too_big(size: int | None, max_bytes: int) -> Outcome | None:
    if size is not None and size > max_bytes:
        return Outcome("skipped", error=f"{size} bytes is more than CONNECTOR_MEDIA_MAX_BYTES ({max_bytes})")
    return None


def apply_outcome(message: MessageSeen, outcome: Outcome) -> MessageSeen:
    done = with_media_outcome(message, outcome.status, key=outcome.key, error=outcome.error)
    if done.media is None or outcome.status != "stored":
        return done
    media = done.media.model_copy(update={"sha256": outcome.sha256, "size": outcome.size})
    return done.model_copy(update={"media": media})


class MediaPool:
    """`workers` threads over a bounded queue: `enqueue` blocks when `queue_size` jobs wait
    (backpressure on the pipeline thread, never on neonize's callback thread)."""

    def __init__(
        self,
        download: Download,
        store: ObjectSink,
        submit: Callable[[Event], None],
        *,
        max_bytes: int,
        workers: int = 2,
        queue_size: int = 1000,
    ) -> None:
        self._download = download
        self._store = store
        self._submit = submit
        self._max_bytes = max_bytes
        self._jobs: queue.Queue[MediaJob | None] = queue.Queue(maxsize=queue_size)
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="media")
        self._workers = [self._executor.submit(self._work) for _ in range(workers)]
        self._idle = threading.Condition()
        self._in_flight = 0

    def enqueue(self, message: MessageSeen, ref: MediaRef) -> None:
        with self._idle:
            self._in_flight += 1
        self._jobs.put(MediaJob(message, ref))

    def skip(self, message: MessageSeen, reason: str) -> None:
        """No download (auto-download off): the metadata is published at once."""
        self._submit(apply_outcome(message, Outcome("skipped", error=reason)))

    def wait_idle(self, timeout_s: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout_s)

    def close(self, timeout_s: float = 30.0) -> bool:
        """Finish what is queued (SIGTERM drains), then stop the workers."""
        drained = self.wait_idle(timeout_s)
        for _ in self._workers:
            self._jobs.put(None)
        self._executor.shutdown(wait=drained)
        return drained

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self._submit(apply_outcome(job.message, self.fetch(job)))
            except Exception:
                log.exception("media job failed", extra={"message_id": job.message.message_id})
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def fetch(self, job: MediaJob) -> Outcome:
        """Download, check, upload: one job's outcome (never raises for WhatsApp/S3 failures)."""
        declared = job.ref.file_length or (job.message.media.size if job.message.media else None)
        guard = too_big(declared, self._max_bytes)
        if guard is not None:
            return guard
        try:
            data = self._download(job.ref)
        except Exception as error:
            return classify_failure(error)
        return too_big(len(data), self._max_bytes) or self._check_and_upload(job, data)

    def _check_and_upload(self, job: MediaJob, data: bytes) -> Outcome:
        digest = hashlib.sha256(data).hexdigest()
        expected = job.message.media.sha256 if job.message.media else None
        if expected is not None and expected != digest:
            return Outcome("failed", error=f"sha256 of the bytes is {digest}, the message says {expected}")
        key = bucket_key_for(job.message)
        return self._upload(key, data, job.ref.mime, digest)

    def _upload(self, key: str, data: bytes, mime: str, digest: str) -> Outcome:
        for attempt in range(1, _UPLOAD_ATTEMPTS + 1):
            try:
                self._store.put(key, data, mime, {"sha256": digest})
                return Outcome("stored", key=key, sha256=digest, size=len(data))
            except Exception as error:
                log.warning(
                    "media upload failed", extra={"key": key, "attempt": attempt, "error": str(error)}
                )
                time.sleep(0.5 * attempt)
        return Outcome("failed", error=f"upload to the media bucket failed {_UPLOAD_ATTEMPTS} times")
