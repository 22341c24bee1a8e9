"""Imports of WhatsApp "Export chat" files from the web UI (services/import_jobs.py)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool

from deeplens.entrypoints.http.deps import Authenticated
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.transfer_schemas import ImportCreate, ImportCreated, ImportStatus, UploadTarget
from deeplens.entrypoints.http.transfers import Transfers
from deeplens.services import import_jobs
from deeplens.services.import_jobs import ImportAsk, UploadSink

router = APIRouter(prefix="/api/imports", tags=["imports"], dependencies=Authenticated)

JobId = Annotated[uuid.UUID, Path(description="the import's id")]
UPLOAD_PATH = r"/api/imports/[^/]+/file"  # its body limit is IMPORT_MAX_BYTES (guards.BodyLimit)
_HANDOFF = 1024 * 1024  # body chunks are collected to this size before a worker thread takes them
_FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the export file, as it is (.zip or .txt), exactly `size` bytes",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "", operation_id="create_import", status_code=201, response_model=ImportCreated,
    responses=errors(400, 409),
)  # fmt: skip
def create_import(body: ImportCreate, transfers: Transfers) -> ImportCreated:
    """A new import waiting for its file, and where to upload it: a presigned POST to the bucket
    (MEDIA_DELIVERY=redirect) or a PUT of the raw file to `/api/imports/{id}/file` (stream)."""
    ask = ImportAsk(body.file_name, body.size, body.chat_jid, body.chat_name, body.me_name,
                    body.time_zone, body.date_order, body.mapping, body.dry_run)  # fmt: skip
    job, target = import_jobs.create_import(transfers, ask)
    return ImportCreated.model_validate(
        {"id": job.id, "state": job.state, "upload": UploadTarget.model_validate(target.__dict__)}
    )


@router.put(
    "/{id}/file", operation_id="upload_import_file", status_code=204, openapi_extra=_FILE_BODY,
    responses=errors(400, 404, 409, 413),
)  # fmt: skip
async def upload_import_file(id: JobId, request: Request, transfers: Transfers) -> None:
    """The export file streamed to the bucket in parts (MEDIA_DELIVERY=stream: the browser cannot
    reach the bucket); memory stays at one part whatever the file's size."""
    job = await run_in_threadpool(import_jobs.waiting_job, transfers, id)
    sink = UploadSink(transfers, job)
    pending = bytearray()
    try:
        async for chunk in request.stream():
            pending += chunk
            if len(pending) >= _HANDOFF:
                await run_in_threadpool(sink.write, bytes(pending))
                pending.clear()
        if pending:
            await run_in_threadpool(sink.write, bytes(pending))
        await run_in_threadpool(sink.finish)
    except BaseException:
        await run_in_threadpool(sink.abort)
        raise


@router.post(
    "/{id}/start", operation_id="start_import", status_code=202, response_model=ImportStatus,
    responses=errors(400, 404, 409),
)  # fmt: skip
def start_import(id: JobId, transfers: Transfers) -> ImportStatus:
    """Runs the import of the uploaded file in the background; follow it with GET /api/imports/{id}."""
    import_jobs.start_import(transfers, id)
    return ImportStatus(**import_jobs.import_status(transfers, id))


@router.get("/{id}", operation_id="get_import", response_model=ImportStatus, responses=errors(404))
def get_import(id: JobId, transfers: Transfers) -> ImportStatus:
    """The import's state; while ingesting, how many of its batches ingest applied; when done (or
    ingesting), the summary: imported, matched, skipped lines by reason."""
    return ImportStatus(**import_jobs.import_status(transfers, id))
