from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Header, Path, Request, Response
from fastapi.responses import RedirectResponse
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from deeplens.adapters.object_store import ObjectStream
from deeplens.domain.media import content_range, unsatisfied_range
from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.errors import error_response
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import ErrorResponse
from deeplens.services import media as media_service
from deeplens.services.api import ApiDeps

router = APIRouter(prefix="/api/media", tags=["media"], dependencies=Authenticated)

FileId = Annotated[str, Path(max_length=256, description="8-128 of A-Z a-z 0-9 _ -")]
RangeHeader = Annotated[
    str | None,
    Header(
        alias="range",
        max_length=256,
        description="one byte range: bytes=0-99, bytes=100- or bytes=-500 (several: ignored, 200)",
    ),
]
IfNoneMatch = Annotated[
    str | None, Header(alias="if-none-match", max_length=1024, description="an ETag of this file: 304")
]
_REDIRECT_MAX_AGE = 300  # far below the cached URL's remaining life
FIRST_CHUNK, LARGEST_CHUNK = 64 * 1024, 1024 * 1024
_FILE_MAX_AGE = 86400  # a file id names one immutable object; revalidated by ETag after that
_NOSNIFF = {"X-Content-Type-Options": "nosniff"}
_BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
_SERVED_TYPES = ("image/*", "audio/*", "video/*", "application/pdf", "application/octet-stream")
_FILE_CONTENT = {media_type: _BINARY for media_type in _SERVED_TYPES}


def _documented(*names: str) -> dict[str, Any]:
    return {name: {"schema": {"type": "string"}} for name in names}


_FILE_HEADERS = ("ETag", "Accept-Ranges", "Content-Length", "Content-Disposition", "X-Content-Type-Options")
_MEDIA_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the whole file (MEDIA_DELIVERY=stream). Raster images, audio, video and PDF"
        " inline under their own type; anything else application/octet-stream as an attachment",
        "content": _FILE_CONTENT,
        "headers": _documented(*_FILE_HEADERS),
    },
    206: {
        "description": "the requested byte range",
        "content": _FILE_CONTENT,
        "headers": _documented(*_FILE_HEADERS, "Content-Range"),
    },
    302: {
        "description": "to a presigned URL of the file (MEDIA_DELIVERY=redirect)",
        "headers": _documented("Location"),
    },
    304: {"description": "If-None-Match names the file's ETag", "headers": _documented("ETag")},
    416: {
        "model": ErrorResponse,
        "description": "a malformed byte range, or one past the end (Content-Range: bytes */size)",
        "headers": _documented("Content-Range"),
    },
}


class ReadAhead:
    """The chunks of an S3 object, the next one read in a worker thread while the current one is
    sent (S3 and the client work at the same time): at most two chunks in memory. The first chunk
    is small (the first byte goes out soon), each next one twice as large up to 1 MiB (per MiB,
    64 KiB reads cost the API 2-3x the CPU of 1 MiB reads: bench/api_bench.py)."""

    def __init__(self, stream: ObjectStream) -> None:
        self.stream = stream
        self.pending: asyncio.Future[bytes] | None = None
        self.chunk_size = FIRST_CHUNK

    def __aiter__(self) -> ReadAhead:
        return self

    async def __anext__(self) -> bytes:
        if self.pending is None:
            self.pending = self._read()
        chunk = await asyncio.shield(self.pending)  # a cancelled send leaves the read to close()
        if not chunk:
            raise StopAsyncIteration
        self.pending = self._read()
        return chunk

    async def close(self) -> None:
        """Waits for a read in flight (a worker thread may not share the stream), then closes it."""
        if self.pending is not None:
            await asyncio.wait([self.pending])
            if not self.pending.cancelled():
                self.pending.exception()  # retrieved: a read failing once the client left is no news
        self.stream.close()

    def _read(self) -> asyncio.Future[bytes]:
        size, self.chunk_size = self.chunk_size, min(self.chunk_size * 2, LARGEST_CHUNK)
        return asyncio.ensure_future(to_thread.run_sync(self.stream.read, size))


class ObjectStreamResponse(StreamingResponse):
    """An S3 object body sent as it arrives. The S3 stream is closed when the response ends, also
    when the client went away first (a seek in a video, a closed tab)."""

    def __init__(self, stream: ObjectStream, status_code: int, headers: dict[str, str], media_type: str):
        self.chunks = ReadAhead(stream)
        super().__init__(self.chunks, status_code, headers, media_type)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            return  # not an error: nobody is left to answer
        finally:
            await self.chunks.close()


@router.get(
    "/{file_id}",
    operation_id="get_media",
    response_class=Response,
    responses={**_MEDIA_RESPONSES, **errors(400, 404)},
)
def get_media(
    file_id: FileId, deps: Deps, byte_range: RangeHeader = None, if_none_match: IfNoneMatch = None
) -> Response:
    """The file: streamed through the API with byte ranges and an ETag (MEDIA_DELIVERY=stream),
    or a redirect to a presigned URL cached in Redis (MEDIA_DELIVERY=redirect)."""
    return delivered(
        deps,
        lambda: media_service.media_url(deps, file_id),
        lambda: media_service.open_media(deps, file_id, byte_range, if_none_match),
    )


def delivered(
    deps: ApiDeps,
    presigned_url: Callable[[], str],
    opened: Callable[[], media_service.Streamed | media_service.NotModified | media_service.Unsatisfiable],
) -> Response:
    """A stored object as MEDIA_DELIVERY says: a redirect to its presigned URL, or streamed with
    byte ranges and an ETag (media files and profile pictures alike)."""
    if deps.settings.media_delivery == "redirect":
        headers = {"Cache-Control": f"private, max-age={_REDIRECT_MAX_AGE}", **_NOSNIFF}
        return RedirectResponse(presigned_url(), status_code=302, headers=headers)
    outcome = opened()
    if isinstance(outcome, media_service.Unsatisfiable):
        headers = {"Content-Range": unsatisfied_range(outcome.size), **_NOSNIFF}
        return error_response(416, "range_not_satisfiable", outcome.reason, "range", **headers)
    if isinstance(outcome, media_service.NotModified):
        return Response(status_code=304, headers=_file_headers(outcome.etag))
    return _streamed(outcome)


def _streamed(outcome: media_service.Streamed) -> ObjectStreamResponse:
    stream, delivery = outcome.stream, outcome.delivery
    headers = {
        **_file_headers(outcome.etag),
        "Content-Disposition": delivery.content_disposition,
        "Content-Length": str(stream.length),
    }
    if stream.ranged:
        headers["Content-Range"] = content_range(stream.first, stream.last, stream.size)
    status = 206 if stream.ranged else 200
    return ObjectStreamResponse(stream, status, headers, delivery.content_type)


def _file_headers(etag: str) -> dict[str, str]:
    return {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": f"private, max-age={_FILE_MAX_AGE}",
        **_NOSNIFF,
    }


@router.get(
    "/{file_id}/thumbnail",
    operation_id="get_media_thumbnail",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, **errors(400, 404)},
)
def get_media_thumbnail(file_id: FileId, deps: Deps, request: Request) -> Response:
    """The small inline preview WhatsApp sends with the message (JPEG)."""
    thumbnail = media_service.media_thumbnail(deps, file_id)
    etag = '"' + hashlib.sha256(thumbnail).hexdigest()[:32] + '"'
    headers = {"Cache-Control": "private, max-age=86400, immutable", "ETag": etag, **_NOSNIFF}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(thumbnail, media_type="image/jpeg", headers=headers)
