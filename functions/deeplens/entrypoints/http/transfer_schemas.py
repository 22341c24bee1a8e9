"""Request and response models of the import and export jobs (routers imports.py, exports.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from deeplens.domain.chat_export.dates import DateOrder
from deeplens.domain.export.records import MediaMode

_TEXT = r"^[^\x00-\x1f\x7f]+$"  # no control characters (NUL included)
ImportState = Literal["created", "uploaded", "queued", "parsing", "publishing", "ingesting", "done", "failed"]
ExportState = Literal["queued", "running", "uploading", "done", "failed"]
ExportFormat = Literal["html", "json", "txt"]


SenderName = Annotated[str, Field(min_length=1, max_length=100, pattern=_TEXT)]
SenderId = Annotated[str, Field(min_length=1, max_length=128, pattern=_TEXT)]


class ImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file_name: str = Field(min_length=1, max_length=255, pattern=_TEXT, description="the export's file name")
    size: int = Field(ge=1, description="its size in bytes (at most IMPORT_MAX_BYTES, default 2 GiB)")
    chat_jid: str | None = Field(
        default=None, max_length=128, description="the chat it belongs to; none: a new chat named chat_name"
    )
    chat_name: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=_TEXT, description="the name of a new chat"
    )
    me_name: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=_TEXT,
        description="your own name as the file shows it (those lines are yours)",
    )  # fmt: skip
    time_zone: str = Field(
        default="UTC", min_length=1, max_length=64, description="the phone's IANA zone, e.g. Europe/Berlin"
    )
    date_order: DateOrder | None = Field(
        default=None, description="override the order detected from the file"
    )
    mapping: dict[SenderName, SenderId] | None = Field(
        default=None, max_length=200,
        description="senders settled by hand (the review after a dry run): the name as the file"
        " shows it -> a JID or a phone number with its country code",
    )  # fmt: skip
    dry_run: bool = Field(
        default=False, description="read the file and report its senders (the summary); import nothing"
    )


class UploadTarget(BaseModel):
    method: Literal["POST", "PUT"] = Field(
        description="POST: a multipart form to `url` with `fields` first and the file last (`file`);"
        " PUT: the raw file as the body to `url` (the API)"
    )
    url: str
    fields: dict[str, str]
    max_bytes: int


class ImportCreated(BaseModel):
    id: uuid.UUID
    state: ImportState
    upload: UploadTarget


class SkippedLines(BaseModel):
    reason: str
    count: int


class ImportSender(BaseModel):
    name: str
    jid: str
    from_me: bool
    how: str = Field(description="how the name was matched to the JID (synthetic: not matched)")


class ImportSummary(BaseModel):
    chat_jid: str
    lines: int
    messages: int
    imported: int
    already_imported: int
    matched: int = Field(description="lines whose message was archived already (live or history)")
    skipped: list[SkippedLines]
    media_stored: int
    media_missing: int
    date_order: str
    senders: list[ImportSender]
    published: bool


class ImportStatus(BaseModel):
    id: uuid.UUID
    state: ImportState
    file_name: str
    size: int
    chat_jid: str
    dry_run: bool = Field(
        description="a check of the file: the summary names the senders, nothing is imported"
    )
    error: str | None = Field(description="why it failed (the importer's one-line reason)")
    batches_total: int | None = Field(description="batches published for ingest")
    batches_applied: int | None = Field(description="of those, applied by ingest")
    summary: ImportSummary | None
    created_at: datetime
    updated_at: datetime


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    chats: list[Annotated[str, Field(max_length=128)]] | None = Field(
        default=None, min_length=1, max_length=1000, description="chat JIDs; none: every chat with messages"
    )
    since: date | None = Field(default=None, description="first day (inclusive) in time_zone")
    until: date | None = Field(default=None, description="last day (inclusive) in time_zone")
    time_zone: str = Field(default="UTC", min_length=1, max_length=64)
    formats: list[ExportFormat] = Field(default=["html", "json", "txt"], min_length=1, max_length=3)
    media: MediaMode = "include"


class ExportStatus(BaseModel):
    id: uuid.UUID
    state: ExportState
    chats_total: int
    chats_done: int
    messages_total: int
    messages_done: int
    files: int
    missing_files: int
    current_chat: str | None
    error: str | None
    file_name: str | None
    size: int | None
    download_url: str | None = Field(
        description="when done: a presigned link (redirect mode) or /api/exports/{id}/download"
    )
    created_at: datetime
    updated_at: datetime
