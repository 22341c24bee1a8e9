"""What the import and export jobs of the web UI share: their clients, and the runner that works
them off.

A job's state lives in PostgreSQL (`transfer_jobs`), so a status survives a restart. Where the work
runs: locally, in a thread of the API process that accepted it; on AWS (TRANSFER_QUEUE_URL set: an
API Lambda's threads stop with its response), the API sends the job's id to the jobs queue and the
job function (entrypoints/transfer_job.py) runs it, with the same code (`run_import`, `run_export`).
At most one job of each kind runs at a time per session. While it runs, its process renews the
job's heartbeat every HEARTBEAT_S; an active job whose heartbeat is older than STALE_S was cut off
(the process stopped, the job function timed out) and is reported as failed with that reason: both
jobs can simply be started again (an import adds nothing twice)."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters import transfer_jobs as jobs_db
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.postgres import pooled
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.adapters.upload_store import UploadStore
from deeplens.domain.errors import InvalidRequest, NotFound
from deeplens.services.api import ApiDeps

logger = Logger(service="deeplens-api")

HEARTBEAT_S = 10.0
STALE_S = 60.0
INTERRUPTED = "interrupted: the process running the job stopped; start it again"
# A job waiting in the jobs queue has no process beating for it yet: it counts as cut off only
# after this long (the job function's cold start, a queue backlog behind another session's job).
QUEUED_STALE_S = 900.0


class JobRunner:
    """Runs jobs in worker threads and keeps the heartbeat of those running."""

    def __init__(self, beat: Callable[[list[uuid.UUID]], None], workers: int = 2) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="transfer-job")
        self._beat = beat
        self._running: set[uuid.UUID] = set()
        self._lock = threading.Lock()
        self._beating: threading.Thread | None = None

    def submit(self, job_id: uuid.UUID, work: Callable[[], None]) -> None:
        """`work` in a worker thread (the API process locally)."""
        self._track(job_id)
        self._executor.submit(self._run, job_id, work)

    def run_here(self, job_id: uuid.UUID, work: Callable[[], None]) -> None:
        """`work` in the calling thread, its heartbeat kept meanwhile (the job function). What it
        raises is raised (a job records its own failures: this is a failure before it started)."""
        self._track(job_id)
        try:
            work()
        finally:
            with self._lock:
                self._running.discard(job_id)

    def _track(self, job_id: uuid.UUID) -> None:
        with self._lock:
            self._running.add(job_id)
            if self._beating is None or not self._beating.is_alive():
                self._beating = threading.Thread(
                    target=self._heartbeats, name="transfer-heartbeat", daemon=True
                )
                self._beating.start()

    def _run(self, job_id: uuid.UUID, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # the job records its own failure; this only keeps the worker alive
            logger.exception("transfer job failed", extra={"job": str(job_id)})
        finally:
            with self._lock:
                self._running.discard(job_id)

    def _heartbeats(self) -> None:
        while True:
            with self._lock:
                running = list(self._running)
            if not running:
                with self._lock:
                    if not self._running:
                        self._beating = None
                        return
                continue
            try:
                self._beat(running)
            except Exception:  # a missed beat is made up by the next one
                logger.warning("transfer heartbeat failed")
            time.sleep(HEARTBEAT_S)


@dataclass(frozen=True)
class TransferDeps:
    """The API's deps plus what the jobs need: the uploads under the media bucket, the event log
    and the ingest queue (imports), finished zips under `exports/` (exports)."""

    api: ApiDeps
    uploads: UploadStore
    media: ObjectStore
    events: ObjectStore
    exports: ExportStore
    queue: Queue | None
    runner: JobRunner
    jobs_queue: Queue | None = None  # TRANSFER_QUEUE_URL: the job function runs the jobs (AWS)

    @property
    def session(self) -> str:
        return self.api.session


def hand_over(deps: TransferDeps, kind: jobs_db.JobKind, job_id: uuid.UUID, work: Callable[[], None]) -> None:
    """A queued job to whatever runs it: the jobs queue when there is one (the job function reads
    the job's row and runs the same `work`), else a worker thread of this process. A job the queue
    refused is failed at once (TransientError: the route answers 503)."""
    if deps.jobs_queue is None:
        deps.runner.submit(job_id, work)
        return
    try:
        deps.jobs_queue.send(job_message(kind, job_id, deps.session))
    except Exception:
        move_job(deps, job_id, "failed", error="the job could not be handed to the job function")
        raise


@dataclass(frozen=True)
class JobMessage:
    """What the jobs queue carries: which job, of which kind, of which account (session)."""

    kind: jobs_db.JobKind
    job_id: uuid.UUID
    session: str


_SESSION = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def job_message(kind: jobs_db.JobKind, job_id: uuid.UUID, session: str) -> str:
    return json.dumps({"kind": kind, "job": str(job_id), "session": session})


def parse_job_message(body: str) -> JobMessage:
    """The message's job; InvalidRequest when it is not one."""
    try:
        message = json.loads(body)
        kind, job_id, session = message["kind"], uuid.UUID(str(message["job"])), str(message["session"])
    except (ValueError, TypeError, KeyError):
        raise InvalidRequest(f"not a job message: {body[:200]!r}", "body") from None
    if kind not in ("import", "export"):
        raise InvalidRequest(f"unknown job kind {str(kind)[:40]!r}", "kind")
    if not _SESSION.match(session):
        raise InvalidRequest(f"not an account: {session[:40]!r}", "session")
    return JobMessage(kind, job_id, session)


def for_account(deps: TransferDeps, session: str) -> TransferDeps:
    """The deps working on `session`'s archive (as an API request scoped to that account)."""
    return replace(deps, api=replace(deps.api, account=session))


def transfer_deps_from(api: ApiDeps) -> TransferDeps:
    settings = api.settings
    client = make_s3_client(settings)
    public = settings.media_public_endpoint
    presigner = make_s3_client(settings, public) if public else None
    queue_url, jobs_url = settings.ingest_queue_url, settings.transfer_queue_url
    sqs = make_sqs_client(settings, settings) if queue_url or jobs_url else None
    queue = Queue(sqs, str(queue_url)) if sqs and queue_url else None

    def beat(job_ids: list[uuid.UUID]) -> None:
        with pooled(api.pool) as conn:
            jobs_db.beat(conn, job_ids)

    return TransferDeps(
        api=api,
        uploads=UploadStore(client, settings.minio_bucket, presigner),
        media=ObjectStore(client, settings.minio_bucket),
        events=ObjectStore(client, settings.events_bucket),
        exports=ExportStore(client, settings.minio_bucket, presigner),
        queue=queue,
        runner=JobRunner(beat),
        jobs_queue=Queue(sqs, str(jobs_url)) if sqs and jobs_url else None,
    )


def move_job(deps: TransferDeps, job_id: uuid.UUID, state: str, **changes: Any) -> bool:
    """Moves a job to `state` (with its heartbeat) and records `changes` (progress, result, error);
    False when `expected` (in changes) did not hold."""
    with pooled(deps.api.pool) as conn:
        return jobs_db.move(conn, job_id, state, beat=True, **changes)


def job_of(deps: TransferDeps, kind: jobs_db.JobKind, job_id: uuid.UUID) -> jobs_db.JobRow:
    """This session's import or export job; NotFound when there is none under that id."""
    with pooled(deps.api.pool) as conn:
        job = jobs_db.get(conn, deps.session, kind, job_id)
    if job is None:
        raise NotFound(f"no such {kind}", "id")
    return job


def is_stale(job: jobs_db.JobRow, now: datetime | None = None, *, queued_s: float = STALE_S) -> bool:
    """A job that was running (it has a heartbeat) but whose process stopped renewing it; a queued
    one after `queued_s` (QUEUED_STALE_S in the jobs queue: nothing beats for it while it waits)."""
    if job.heartbeat_at is None:
        return False
    limit = queued_s if job.state == "queued" else STALE_S
    return (now or datetime.now(UTC)) - job.heartbeat_at > timedelta(seconds=limit)


def fail_if_stale(deps: TransferDeps, job: jobs_db.JobRow, running: tuple[str, ...]) -> jobs_db.JobRow:
    """The job as it is, or marked failed when it was cut off while in one of `running`."""
    queued_s = STALE_S if deps.jobs_queue is None else QUEUED_STALE_S
    if job.state not in running or not is_stale(job, queued_s=queued_s):
        return job
    with pooled(deps.api.pool) as conn:
        jobs_db.move(conn, job.id, "failed", expected=running, error=INTERRUPTED)
        refreshed = jobs_db.get(conn, deps.session, job.kind, job.id)
    return refreshed or job


def throttled(report: Callable[[dict[str, object]], None], every_s: float = 0.5) -> Callable[..., None]:
    """`report(progress)` at most every `every_s` seconds (the last call of a run always goes out
    when `final=True`)."""
    last = [0.0]

    def call(progress: dict[str, object], final: bool = False) -> None:
        now = time.monotonic()
        if final or now - last[0] >= every_s:
            last[0] = now
            report(progress)

    return call
