"""GET /api/pictures/{jid}: the profile picture of a chat or person, delivered as media is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import RedirectResponse

from deeplens.domain.media import unsatisfied_range
from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.errors import error_response
from deeplens.entrypoints.http.media import (
    _MEDIA_RESPONSES,
    _NOSNIFF,
    _REDIRECT_MAX_AGE,
    IfNoneMatch,
    RangeHeader,
    _file_headers,
    _streamed,
)
from deeplens.entrypoints.http.responses import errors
from deeplens.services import media as media_service
from deeplens.services import pictures as pictures_service

router = APIRouter(prefix="/api/pictures", tags=["media"], dependencies=Authenticated)

JidPath = Annotated[str, Path(max_length=128, description="a chat's or person's JID, user@server")]
Version = Annotated[
    str | None,
    Query(max_length=64, description="the picture id avatar_url carries: a new picture, a new URL"),
]


@router.get(
    "/{jid}",
    operation_id="get_picture",
    response_class=Response,
    responses={**_MEDIA_RESPONSES, **errors(400, 404)},
)
def get_picture(
    jid: JidPath,
    deps: Deps,
    v: Version = None,
    byte_range: RangeHeader = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The current profile picture (JPEG, inline), as `avatar_url` on chats, participants and
    messages names it; 404 when none is stored (the UI shows initials)."""
    if deps.settings.media_delivery == "redirect":
        url = pictures_service.picture_url(deps, jid)
        headers = {"Cache-Control": f"private, max-age={_REDIRECT_MAX_AGE}", **_NOSNIFF}
        return RedirectResponse(url, status_code=302, headers=headers)
    outcome = pictures_service.open_picture(deps, jid, byte_range, if_none_match)
    if isinstance(outcome, media_service.Unsatisfiable):
        headers = {"Content-Range": unsatisfied_range(outcome.size), **_NOSNIFF}
        return error_response(416, "range_not_satisfiable", outcome.reason, "range", **headers)
    if isinstance(outcome, media_service.NotModified):
        return Response(status_code=304, headers=_file_headers(outcome.etag))
    return _streamed(outcome)
