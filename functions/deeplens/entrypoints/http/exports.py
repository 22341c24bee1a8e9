"""Exports of the archive from the web UI (services/export_jobs.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response

from deeplens.entrypoints.http.deps import Authenticated
from deeplens.entrypoints.http.media import ObjectStreamResponse
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.transfer_schemas import ExportCreate, ExportStatus
from deeplens.entrypoints.http.transfers import Transfers
from deeplens.services import export_jobs

router = APIRouter(prefix="/api/exports", tags=["exports"], dependencies=Authenticated)

JobId = Annotated[uuid.UUID, Path(description="the export's id")]
_ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@router.post(
    "", operation_id="create_export", status_code=202, response_model=ExportStatus,
    responses=errors(400, 404, 409),
)  # fmt: skip
def create_export(body: ExportCreate, transfers: Transfers) -> ExportStatus:
    """Starts an export (one at a time): chats (or every chat with messages), a range of days in
    `time_zone`, formats and media handling as the command line's. Follow it with GET."""
    request = export_jobs.export_request(
        transfers, body.chats, since=body.since, until=body.until, time_zone=body.time_zone,
        formats=list(body.formats), media=body.media,
    )  # fmt: skip
    job = export_jobs.create_export(transfers, request)
    return ExportStatus(**export_jobs.export_status(transfers, job.id))


@router.get("/{id}", operation_id="get_export", response_model=ExportStatus, responses=errors(404))
def get_export(id: JobId, transfers: Transfers) -> ExportStatus:
    """Progress (chats and messages done), and when done the download link."""
    return ExportStatus(**export_jobs.export_status(transfers, id))


@router.get(
    "/{id}/download", operation_id="download_export", response_class=Response,
    responses={200: {"description": "the zip", "content": _ZIP}, **errors(404, 409)},
)  # fmt: skip
def download_export(id: JobId, transfers: Transfers) -> Response:
    """The finished zip, streamed from the bucket through the API, as an attachment."""
    stream, disposition, _ = export_jobs.open_download(transfers, id)
    headers = {"Content-Disposition": disposition, "Content-Length": str(stream.length),
               "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}  # fmt: skip
    return ObjectStreamResponse(stream, 200, headers, "application/zip")
