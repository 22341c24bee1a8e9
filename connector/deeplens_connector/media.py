"""The media worker pool: download + decrypt (an injected `download`, `client.download_any` live),
size guard, upload to MINIO_BUCKET with content type and sha256, then the message event goes to
the publisher with the outcome. A failure is recorded on the message (status + reason) and never
blocks other events: only this message waits for its own download.

Outcomes: stored (key set) | skipped (too big, auto-download off) | unavailable (the CDN answers
403/404/410: WhatsApp no longer has it, and neonize 0.5.2 has no media retry) | failed (reason) |
pending (the connector stopped first: kept in pending_media and fetched after the restart).
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
from pathlib import Path

from deeplens.domain.envelope import Event, MessageSeen
from deeplens.domain.envelope_parts import MediaStatus

from deeplens_connector.pending_media import PendingFetch, PendingMedia
from deeplens_connector.publish.publisher import ObjectSink
from deeplens_connector.translate import MediaRef, bucket_key_for, with_media_outcome

log = logging.getLogger("deeplens.connector.media")
Download = Callable[[MediaRef], bytes]
_GONE = re.compile(r"status code (403|404|410)\b")
_UPLOAD_ATTEMPTS = 3
PENDING_REASON = "the connector stopped before downloading it; fetched again after the restart"


class MediaUnavailable(Exception):
    """The media no longer exists on WhatsApp's servers (expired or removed)."""


@dataclass(frozen=True)
class MediaJob:
    message: MessageSeen
    ref: MediaRef
    kept: Path | None = None  # its pending-media record: a download a stopped process left over


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
    (backpressure on the pipeline thread, never on neonize's callback thread).

    Stopping (`close`): no new download starts; every message still waiting for its media is
    published at once with media `pending` and kept in `pending` (PendingMedia) for the next
    process, which fetches it after `resume()`. Downloads in flight get the caller's time to
    finish; those still running then are left pending the same way."""

    def __init__(
        self,
        download: Download,
        store: ObjectSink,
        submit: Callable[[Event], None],
        *,
        max_bytes: int,
        workers: int = 2,
        queue_size: int = 1000,
        pending: PendingMedia | None = None,
    ) -> None:
        self._download = download
        self._store = store
        self._submit = submit
        self._max_bytes = max_bytes
        self._pending = pending
        self._jobs: queue.Queue[MediaJob] = queue.Queue(maxsize=queue_size)
        self._stopping = threading.Event()  # no new download starts
        self._closed = threading.Event()  # the workers end
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="media")
        self._workers = [self._executor.submit(self._work) for _ in range(workers)]
        self._idle = threading.Condition()
        self._in_flight = 0  # queued + downloading
        self._running: dict[int, MediaJob] = {}
        self._abandoned: set[int] = set()  # left pending at the stop while still downloading

    def enqueue(self, message: MessageSeen, ref: MediaRef) -> None:
        job = MediaJob(message, ref)
        if self._stopping.is_set():
            self._leave_pending(job)
            return
        with self._idle:
            self._in_flight += 1
        self._jobs.put(job)

    def skip(self, message: MessageSeen, reason: str) -> None:
        """No download (auto-download off): the metadata is published at once."""
        self._submit(apply_outcome(message, Outcome("skipped", error=reason)))

    def resume(self) -> int:
        """Queue the downloads a stopped process left pending (once connected: neonize needs the
        session to fetch). Runs on its own thread, so the caller never blocks on a full queue."""
        if self._pending is None:
            return 0
        kept = self._pending.load()
        if kept:
            log.info("fetching media left pending by the last stop", extra={"files": len(kept)})
            threading.Thread(target=self._queue_kept, args=(kept,), name="media-resume", daemon=True).start()
        return len(kept)

    def _queue_kept(self, kept: list[PendingFetch]) -> None:
        for fetch in kept:
            if self._stopping.is_set():
                return  # still kept on disk for the next process
            with self._idle:
                self._in_flight += 1
            self._jobs.put(MediaJob(fetch.message, fetch.ref, fetch.path))

    def wait_idle(self, timeout_s: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout_s)

    def stop_downloads(self) -> None:
        """Nothing new starts; what waits in the queue is published as pending now."""
        self._stopping.set()
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            self._leave_pending(job)
            self._done(job)

    def close(self, timeout_s: float = 30.0) -> bool:
        """Stop downloading; downloads in flight get `timeout_s`, then are left pending. True when
        every download ended (none had to be left pending mid-way)."""
        self.stop_downloads()
        drained = self.wait_idle(timeout_s)
        if not drained:
            self.stop_downloads()  # a put that was blocked on the full queue when the stop began
            self._abandon_running()
        self._closed.set()
        self._executor.shutdown(wait=drained)
        return drained

    def _leave_pending(self, job: MediaJob) -> None:
        """Published now with media pending; what the next process needs to fetch it is kept."""
        if job.kept is not None:
            return  # published as pending and kept on disk by the process that stopped before
        if self._pending is not None:
            try:
                self._pending.keep(job.message, job.ref)
            except Exception:  # the message is still published; only the later fetch is lost
                log.exception("pending media not kept", extra={"message_id": job.message.message_id})
        self._submit(apply_outcome(job.message, Outcome("pending", error=PENDING_REASON)))

    def _abandon_running(self) -> None:
        with self._idle:
            for number, job in self._running.items():
                self._abandoned.add(number)
                self._leave_pending(job)
            self._running.clear()

    def _work(self) -> None:
        while not self._closed.is_set():
            try:
                job = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                self._run(job)
            except Exception:
                log.exception("media job failed", extra={"message_id": job.message.message_id})
            finally:
                self._done(job)

    def _run(self, job: MediaJob) -> None:
        with self._idle:
            stopping = self._stopping.is_set()
            if not stopping:
                self._running[id(job)] = job
        if stopping:
            self._leave_pending(job)
            return
        outcome = self.fetch(job)
        with self._idle:  # held while handing over: a stop either abandoned the job or sees it done
            if id(job) in self._abandoned:
                return  # already published as pending; the next process fetches it
            self._running.pop(id(job), None)
            self._submit(apply_outcome(job.message, outcome))
        if job.kept is not None and self._pending is not None:
            self._pending.forget(job.kept)

    def _done(self, job: MediaJob) -> None:
        with self._idle:
            self._running.pop(id(job), None)
            self._abandoned.discard(id(job))
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
