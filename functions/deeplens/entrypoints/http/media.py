from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.services import media as media_service

router = APIRouter(prefix="/api/media", tags=["media"], dependencies=Authenticated)

FileId = Annotated[str, Path(max_length=256, description="8-128 of A-Z a-z 0-9 _ -")]
_REDIRECT_MAX_AGE = 300  # far below the cached URL's remaining life


@router.get(
    "/{file_id}",
    operation_id="get_media",
    response_class=RedirectResponse,
    status_code=302,
    responses={302: {"description": "to a presigned URL of the file"}, **errors(400, 404)},
)
def get_media(file_id: FileId, deps: Deps) -> RedirectResponse:
    """Redirects to the file in the bucket (a presigned URL, cached in Redis)."""
    url = media_service.media_url(deps, file_id)
    headers = {"Cache-Control": f"private, max-age={_REDIRECT_MAX_AGE}"}
    return RedirectResponse(url, status_code=302, headers=headers)


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
    headers = {"Cache-Control": "private, max-age=86400, immutable", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(thumbnail, media_type="image/jpeg", headers=headers)
