"""Imports from the web UI: the browser uploads an export file to `uploads/{job}/` of the media
bucket (a presigned POST straight to the bucket when browsers can reach it, MEDIA_DELIVERY=redirect;
else a streamed PUT through the API), then starts the job, which reads the object back and runs the
importer (services/import_chat.py) in a worker thread. Ingest's progress on the published batches is
read from `applied_batches` whenever the status is asked for.

States: created (waiting for the file) -> uploaded -> queued -> parsing -> publishing -> ingesting
-> done; or failed, with the importer's one-line reason."""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from deeplens.adapters import import_queries
from deeplens.adapters import transfer_jobs as jobs_db
from deeplens.adapters.postgres import pooled
from deeplens.adapters.upload_store import PART_SIZE, MultipartUpload
from deeplens.domain.chat_export.dates import DateOrder
from deeplens.domain.chat_export.identity import mapping_of
from deeplens.domain.errors import (
    Conflict,
    InvalidExport,
    InvalidJid,
    InvalidRequest,
    ObjectNotFound,
)
from deeplens.domain.ids import canonical_jid
from deeplens.services.import_chat import ImportDeps, ImportRequest, ImportSummary, import_export
from deeplens.services.transfer_jobs import (
    TransferDeps,
    fail_if_stale,
    hand_over,
    job_of,
    logger,
    move_job,
)

UPLOAD_SECONDS = 3600  # a presigned POST works this long
RUNNING = ("queued", "parsing", "publishing")
STARTABLE = ("created", "uploaded")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+-]+")


@dataclass(frozen=True)
class ImportAsk:
    """What the import form sends (validated by the route's model)."""

    file_name: str
    size: int
    chat_jid: str | None
    chat_name: str | None
    me_name: str | None
    time_zone: str
    date_order: DateOrder | None
    mapping: dict[str, str] | None = None  # senders settled in the review: name -> JID or phone
    dry_run: bool = False  # read the file and report its senders; import nothing


@dataclass(frozen=True)
class UploadTarget:
    method: str  # POST: a form to the bucket; PUT: the raw file to the API
    url: str
    fields: dict[str, str]
    max_bytes: int


def upload_key(session: str, job_id: uuid.UUID, file_name: str) -> str:
    """`uploads/{session}/{job}/{name}`: the name reduced to harmless characters."""
    safe = _UNSAFE.sub("_", file_name).strip(" .") or "export"
    return f"uploads/{session}/{job_id}/{safe[-120:]}"


def new_chat_jid(name: str) -> str:
    """A chat new to the archive, known by name only: a group-shaped JID derived from the name (the
    same name lands in the same chat again, so a second import adds nothing twice)."""
    digits = int(hashlib.sha256(f"deeplens-import-chat\x1f{name}".encode()).hexdigest(), 16) % 10**12
    return f"120363{digits:012d}@g.us"


def _check(deps: TransferDeps, ask: ImportAsk) -> str:
    """The target chat's JID; InvalidRequest naming the first bad field."""
    limit = deps.api.settings.import_max_bytes
    if ask.size > limit:
        raise InvalidRequest(f"the file is larger than the {limit:,}-byte limit (IMPORT_MAX_BYTES)", "size")
    try:
        ZoneInfo(ask.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidRequest(f"unknown time zone {ask.time_zone[:64]!r}", "time_zone") from None
    if ask.chat_jid:
        try:
            return canonical_jid(ask.chat_jid)
        except InvalidJid:
            raise InvalidRequest(f"not a WhatsApp JID: {ask.chat_jid[:80]!r}", "chat_jid") from None
    if ask.chat_name:
        return new_chat_jid(ask.chat_name)
    raise InvalidRequest("give the chat to import into (chat_jid) or a name for a new one", "chat_jid")


def create_import(deps: TransferDeps, ask: ImportAsk) -> tuple[jobs_db.JobRow, UploadTarget]:
    """A job waiting for its file, and where the browser sends it."""
    if deps.queue is None and deps.jobs_queue is None:
        raise Conflict("imports need the ingest queue (INGEST_QUEUE_URL) in the API's settings")
    chat = _check(deps, ask)
    try:
        mapping = mapping_of(ask.mapping or {})
    except InvalidExport as error:
        raise InvalidRequest(str(error), "mapping") from None
    request = {**ask.__dict__, "chat_jid": chat, "new_chat": not ask.chat_jid, "mapping": mapping}
    job_id = uuid.uuid4()
    key = upload_key(deps.session, job_id, ask.file_name)
    with pooled(deps.api.pool) as conn:
        job = jobs_db.insert(conn, deps.session, "import", "created", request, object_key=key, job_id=job_id)
    return job, _target(deps, job, key)


def _target(deps: TransferDeps, job: jobs_db.JobRow, key: str) -> UploadTarget:
    limit = int(job.request["size"])
    if deps.api.settings.media_delivery == "redirect":
        post = deps.uploads.presigned_post(key, limit, UPLOAD_SECONDS)
        return UploadTarget("POST", post.url, post.fields, limit)
    return UploadTarget("PUT", f"/api/imports/{job.id}/file", {}, limit)


def waiting_job(deps: TransferDeps, job_id: uuid.UUID) -> jobs_db.JobRow:
    """The job, when it still waits for its file."""
    job = job_of(deps, "import", job_id)
    if job.state not in STARTABLE:
        raise Conflict(f"the import is {job.state}: its file cannot be replaced", "id")
    return job


class UploadSink:
    """The body of a streamed PUT, passed on to the bucket in PART_SIZE parts: at most one part in
    memory. `finish` checks the size against what the job announced."""

    def __init__(self, deps: TransferDeps, job: jobs_db.JobRow) -> None:
        self.deps, self.job = deps, job
        self.expected = int(job.request["size"])
        self.key = str(job.object_key)
        self.buffer = bytearray()
        self.received = 0
        self.upload: MultipartUpload | None = None

    def write(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.expected:
            raise InvalidRequest(f"the file is larger than the {self.expected:,} bytes announced", "size")
        self.buffer += chunk
        while len(self.buffer) >= PART_SIZE:
            if self.upload is None:
                self.upload = self.deps.uploads.start(self.key, "application/octet-stream")
            self.upload.part(bytes(self.buffer[:PART_SIZE]))
            del self.buffer[:PART_SIZE]

    def finish(self) -> None:
        if self.received != self.expected:
            raise InvalidRequest(
                f"the upload ended after {self.received:,} of the {self.expected:,} bytes announced", "size"
            )
        if self.upload is None:
            self.deps.uploads.put_small(self.key, bytes(self.buffer), "application/octet-stream")
        else:
            if self.buffer:
                self.upload.part(bytes(self.buffer))
            self.upload.complete()
        self.buffer.clear()
        with pooled(self.deps.api.pool) as conn:
            jobs_db.move(conn, self.job.id, "uploaded", expected=STARTABLE)

    def abort(self) -> None:
        if self.upload is not None:
            self.upload.abort()
        self.buffer.clear()


def start_import(deps: TransferDeps, job_id: uuid.UUID) -> jobs_db.JobRow:
    """The uploaded file checked (there, not over the size announced), then the job queued."""
    job = waiting_job(deps, job_id)
    try:
        info = deps.uploads.head(str(job.object_key))
    except ObjectNotFound:
        raise Conflict("the file has not been uploaded yet", "id") from None
    if info.size > int(job.request["size"]):
        raise InvalidRequest("the uploaded file is larger than announced", "size")
    with pooled(deps.api.pool) as conn:
        running = jobs_db.active(conn, deps.session, "import", RUNNING)
        if running is not None and fail_if_stale(deps, running, RUNNING).state in RUNNING:
            raise Conflict(f"import {running.id} is still running: start this one when it is done", "id")
        if not jobs_db.move(conn, job.id, "queued", expected=STARTABLE, beat=True):
            raise Conflict("the import was started already", "id")
    hand_over(deps, "import", job.id, lambda: run_import(deps, job.id))
    return job_of(deps, "import", job.id)


def run_import(deps: TransferDeps, job_id: uuid.UUID) -> None:
    """The job's work (a worker thread, or the job function): the file read back, imported, the
    upload removed. A job no longer queued (a redelivered queue message) is left alone."""
    job = job_of(deps, "import", job_id)
    if not move_job(deps, job_id, "parsing", expected=("queued",)):
        logger.warning("import job not queued: skipped", extra={"job": str(job_id), "state": job.state})
        return
    try:
        summary = _import(deps, job)
    except InvalidExport as error:
        move_job(deps, job_id, "failed", error=str(error))
    except Exception as error:
        logger.exception("import job failed", extra={"job": str(job_id)})
        move_job(deps, job_id, "failed", error=f"the import stopped: {_reason(error)}")
    else:
        state = "ingesting" if summary.published else "done"
        move_job(deps, job_id, state, result=summary_dict(summary))
    finally:
        _remove_upload(deps, job)


def _import(deps: TransferDeps, job: jobs_db.JobRow) -> ImportSummary:
    ask = job.request
    if deps.queue is None:
        raise Conflict("imports need the ingest queue (INGEST_QUEUE_URL) where the job runs")
    request = ImportRequest(
        chat_jid=str(ask["chat_jid"]),
        zone=ZoneInfo(str(ask["time_zone"])),
        chat_name=ask.get("chat_name"),
        me_name=ask.get("me_name"),
        date_order=ask.get("date_order"),
        mapping=dict(ask.get("mapping") or {}),
        dry_run=bool(ask.get("dry_run")),
    )
    import_deps = ImportDeps(deps.api.pool, deps.media, deps.events, deps.queue, deps.session)

    def publishing() -> None:
        move_job(deps, job.id, "publishing", expected=("parsing",))

    with tempfile.TemporaryFile(prefix="deeplens-import-") as handle:
        size = deps.uploads.download(str(job.object_key), handle)
        handle.seek(0)
        return import_export(
            handle, str(ask["file_name"]), size, request, import_deps,
            now_ms=lambda: int(time.time() * 1000), on_publish=publishing,
        )  # fmt: skip


def _reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__


def _remove_upload(deps: TransferDeps, job: jobs_db.JobRow) -> None:
    try:
        deps.uploads.delete(str(job.object_key))
    except Exception:  # a leftover under uploads/ is removed by the bucket's lifecycle rule
        logger.warning("upload not removed", extra={"key": job.object_key})


def import_status(deps: TransferDeps, job_id: uuid.UUID) -> dict[str, Any]:
    """The job as the UI shows it; while ingesting, how many batches ingest applied (done when all)."""
    job = fail_if_stale(deps, job_of(deps, "import", job_id), RUNNING)
    batches = list((job.result or {}).get("batches", []))
    applied = None
    if job.state in ("ingesting", "done") and batches:
        with pooled(deps.api.pool) as conn:
            applied = import_queries.applied_count(conn, deps.session, batches)
            if job.state == "ingesting" and applied >= len(batches):
                jobs_db.move(conn, job.id, "done", expected=("ingesting",))
                job = jobs_db.get(conn, deps.session, "import", job_id) or job
    return {
        "id": job.id,
        "state": job.state,
        "file_name": job.request["file_name"],
        "size": job.request["size"],
        "chat_jid": job.request["chat_jid"],
        "dry_run": bool(job.request.get("dry_run")),
        "error": job.error,
        "batches_total": len(batches) if job.result is not None else None,
        "batches_applied": applied,
        "summary": job.result,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def summary_dict(summary: ImportSummary) -> dict[str, Any]:
    return {
        "chat_jid": summary.chat_jid,
        "lines": summary.lines,
        "messages": summary.messages,
        "imported": summary.imported,
        "already_imported": summary.already_imported,
        "matched": summary.matched,
        "skipped": [{"reason": reason, "count": n} for reason, n in sorted(summary.skipped.items())],
        "media_stored": summary.media_stored,
        "media_missing": summary.media_missing,
        "date_order": summary.date_order,
        "senders": [
            {"name": name, "jid": s.jid, "from_me": s.from_me, "how": s.how}
            for name, s in summary.senders.items()
        ],
        "batches": summary.batch_keys,
        "published": summary.published,
    }
