"""What the import and export jobs of the web UI share: their clients, and the runner that works
them off in the API process.

A job's state lives in PostgreSQL (`transfer_jobs`), so a status survives a restart; the work runs
in a thread of the process that accepted it (at most one job of each kind at a time per session).
While it runs, the process renews the job's heartbeat every HEARTBEAT_S; an active job whose
heartbeat is older than STALE_S was cut off (the API stopped) and is reported as failed with that
reason: both jobs can simply be started again (an import adds nothing twice)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters import transfer_jobs as jobs_db
from deeplens.adapters.export_store import ExportStore
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.postgres import pooled
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.adapters.upload_store import UploadStore
from deeplens.domain.errors import NotFound
from deeplens.services.api import ApiDeps

logger = Logger(service="deeplens-api")

HEARTBEAT_S = 10.0
STALE_S = 60.0
INTERRUPTED = "interrupted: the API stopped while the job ran; start it again"


class JobRunner:
    """Runs jobs in worker threads and keeps the heartbeat of those running."""

    def __init__(self, beat: Callable[[list[uuid.UUID]], None], workers: int = 2) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="transfer-job")
        self._beat = beat
        self._running: set[uuid.UUID] = set()
        self._lock = threading.Lock()
        self._beating: threading.Thread | None = None

    def submit(self, job_id: uuid.UUID, work: Callable[[], None]) -> None:
        with self._lock:
            self._running.add(job_id)
            if self._beating is None or not self._beating.is_alive():
                self._beating = threading.Thread(
                    target=self._heartbeats, name="transfer-heartbeat", daemon=True
                )
                self._beating.start()
        self._executor.submit(self._run, job_id, work)

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

    @property
    def session(self) -> str:
        return self.api.session


def transfer_deps_from(api: ApiDeps) -> TransferDeps:
    settings = api.settings
    client = make_s3_client(settings)
    public = settings.media_public_endpoint
    presigner = make_s3_client(settings, public) if public else None
    queue_url = settings.ingest_queue_url
    queue = Queue(make_sqs_client(settings, settings), str(queue_url)) if queue_url else None

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
    )


def move_job(deps: TransferDeps, job_id: uuid.UUID, state: str, **changes: Any) -> None:
    """Moves a job to `state` (with its heartbeat) and records `changes` (progress, result, error)."""
    with pooled(deps.api.pool) as conn:
        jobs_db.move(conn, job_id, state, beat=True, **changes)


def job_of(deps: TransferDeps, kind: jobs_db.JobKind, job_id: uuid.UUID) -> jobs_db.JobRow:
    """This session's import or export job; NotFound when there is none under that id."""
    with pooled(deps.api.pool) as conn:
        job = jobs_db.get(conn, deps.session, kind, job_id)
    if job is None:
        raise NotFound(f"no such {kind}", "id")
    return job


def is_stale(job: jobs_db.JobRow, now: datetime | None = None) -> bool:
    """A job that was running (it has a heartbeat) but whose process stopped renewing it."""
    if job.heartbeat_at is None:
        return False
    return (now or datetime.now(UTC)) - job.heartbeat_at > timedelta(seconds=STALE_S)


def fail_if_stale(deps: TransferDeps, job: jobs_db.JobRow, running: tuple[str, ...]) -> jobs_db.JobRow:
    """The job as it is, or marked failed when it was cut off while in one of `running`."""
    if job.state not in running or not is_stale(job):
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
