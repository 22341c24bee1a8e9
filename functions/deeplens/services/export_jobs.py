"""Exports from the web UI: the export (services/export.py) runs as a job (a worker thread of the
API locally, the job function on AWS: services/transfer_jobs.py), reporting its progress into the
job's row (at most twice a second), the zip streamed as it is written into the media bucket under
`exports/{session}/{job}.zip` (a multipart upload: memory flat and no local disk whatever the size;
a failed export aborts it, so nothing half-written is ever under that key). The download is a
presigned link (MEDIA_DELIVERY=redirect) or the zip streamed through the API (stream).

States: queued -> running -> uploading (the last part and the completion) -> done; or failed with
the reason."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from deeplens.adapters import export_queries as export_db
from deeplens.adapters import transfer_jobs as jobs_db
from deeplens.adapters.object_store import ObjectStream
from deeplens.adapters.postgres import pooled
from deeplens.domain.errors import ApiError, Conflict, NotFound, ObjectNotFound
from deeplens.domain.export.records import MediaMode
from deeplens.domain.media import content_disposition
from deeplens.services.api import jid_param
from deeplens.services.export import (
    ExportDeps,
    ExportProgress,
    ExportRequest,
    day_end_ms,
    day_start_ms,
    export_file_name,
    write_export,
)
from deeplens.services.transfer_jobs import (
    TransferDeps,
    fail_if_stale,
    hand_over,
    job_of,
    logger,
    move_job,
    throttled,
)

RUNNING = ("queued", "running", "uploading")


def export_key(session: str, job_id: uuid.UUID) -> str:
    """Where a job's zip goes in the media bucket (the `exports/` prefix expires: template.yaml)."""
    return f"exports/{session}/{job_id}.zip"


def export_request(
    deps: TransferDeps, chats: list[str] | None, *, since: date | None, until: date | None,
    time_zone: str, formats: list[str], media: MediaMode,
) -> ExportRequest:  # fmt: skip
    """The export asked for, checked (InvalidRequest names the field)."""
    probe = ExportRequest(time_zone=time_zone, formats=tuple(formats), media=media)
    probe.check()  # the zone first: the day bounds need it
    request = ExportRequest(
        chats=None if chats is None else tuple(jid_param(jid, "chats") for jid in chats),
        since=day_start_ms(since, time_zone) if since else None,
        until=day_end_ms(until, time_zone) if until else None,
        formats=tuple(formats),
        media=media,
        time_zone=time_zone,
        media_base_url=deps.api.settings.base_url if media == "links" else None,
    )
    request.check()
    return request


def create_export(deps: TransferDeps, request: ExportRequest) -> jobs_db.JobRow:
    """The job, queued (the chats asked for must be in the archive), and handed to the runner."""
    with pooled(deps.api.pool) as conn:
        if request.chats is not None:
            found = export_db.chats(conn, deps.session, list(request.chats))
            if len(found) < len(request.chats):
                raise NotFound(
                    f"{len(request.chats) - len(found)} of the chats are not in the archive", "chats"
                )
        running = jobs_db.active(conn, deps.session, "export", RUNNING)
        if running is not None and fail_if_stale(deps, running, RUNNING).state in RUNNING:
            raise Conflict(f"export {running.id} is still running: start another when it is done")
        job_id = uuid.uuid4()
        key = export_key(deps.session, job_id)
        job = jobs_db.insert(
            conn, deps.session, "export", "queued", _stored(request), object_key=key, job_id=job_id
        )
        jobs_db.move(conn, job.id, "queued", beat=True)
    hand_over(deps, "export", job.id, lambda: run_export(deps, job.id, request))
    return job


def _stored(request: ExportRequest) -> dict[str, Any]:
    stored = asdict(request)
    stored["chats"] = list(request.chats) if request.chats is not None else None
    stored["formats"] = list(request.formats)
    return stored


def stored_request(stored: dict[str, Any]) -> ExportRequest:
    """The request a job row keeps (`_stored`), as it was asked (the job function reads it)."""
    chats = stored.get("chats")
    return ExportRequest(**{
        **stored,
        "chats": None if chats is None else tuple(chats),
        "formats": tuple(stored["formats"]),
    })  # fmt: skip


def run_export_job(deps: TransferDeps, job_id: uuid.UUID) -> None:
    """The job function's entry: the job's own request read back from its row, then run."""
    job = job_of(deps, "export", job_id)
    run_export(deps, job_id, stored_request(job.request))


def run_export(deps: TransferDeps, job_id: uuid.UUID, request: ExportRequest) -> None:
    """The job's work (a worker thread, or the job function): the zip written straight into the
    bucket. A job no longer queued (a redelivered queue message) is left alone."""
    if not move_job(deps, job_id, "running", expected=("queued",)):
        logger.warning("export job not queued: skipped", extra={"job": str(job_id)})
        return
    name = export_file_name()
    key = export_key(deps.session, job_id)
    export_deps = ExportDeps(
        deps.api.settings.database_url.get_secret_value(), deps.session, deps.media, deps.exports
    )

    def report(progress: dict[str, object]) -> None:
        with pooled(deps.api.pool) as conn:
            jobs_db.report(conn, job_id, progress)

    listener = throttled(report)
    try:
        with deps.exports.stream(key) as target:
            final = write_export(export_deps, request, target, lambda p: listener(asdict(p)))
            move_job(deps, job_id, "uploading", progress=asdict(final))
        size = target.written
    except ApiError as error:
        move_job(deps, job_id, "failed", error=error.message)
    except Exception as error:
        logger.exception("export job failed", extra={"job": str(job_id)})
        move_job(
            deps, job_id, "failed", error=f"the export stopped: {type(error).__name__}: {str(error)[:200]}"
        )
    else:
        move_job(deps, job_id, "done", result={"key": key, "file_name": name, "size": size})


def export_status(deps: TransferDeps, job_id: uuid.UUID) -> dict[str, Any]:
    job = fail_if_stale(deps, job_of(deps, "export", job_id), RUNNING)
    progress = {**asdict(ExportProgress()), **job.progress}
    result = job.result or {}
    return {
        "id": job.id,
        "state": job.state,
        "chats_total": progress["chats_total"],
        "chats_done": progress["chats_done"],
        "messages_total": progress["messages_total"],
        "messages_done": progress["messages_done"],
        "files": progress["files"],
        "missing_files": progress["missing_files"],
        "current_chat": progress["chat"],
        "error": job.error,
        "file_name": result.get("file_name"),
        "size": result.get("size"),
        "download_url": _download_url(deps, job) if job.state == "done" else None,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


def _download_url(deps: TransferDeps, job: jobs_db.JobRow) -> str:
    if deps.api.settings.media_delivery == "redirect":
        result = job.result or {}
        seconds = deps.api.settings.export_link_seconds
        return deps.exports.presign(str(result["key"]), str(result["file_name"]), seconds)
    return f"/api/exports/{job.id}/download"


def open_download(deps: TransferDeps, job_id: uuid.UUID) -> tuple[ObjectStream, str, str]:
    """The finished zip as a stream, with its Content-Disposition and name."""
    job = job_of(deps, "export", job_id)
    if job.state != "done" or not job.result:
        raise Conflict(f"the export is {job.state}, not done", "id")
    name = str(job.result["file_name"])
    try:
        stream = deps.media.open(str(job.result["key"]))
    except ObjectNotFound:
        raise NotFound("the export's file is no longer in the bucket", "id") from None
    return stream, content_disposition("attachment", name), name
