"""GET /api/pictures/{jid}: the profile picture of a chat or person, delivered as media is."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.media import (
    _MEDIA_RESPONSES,
    IfNoneMatch,
    RangeHeader,
    delivered,
)
from deeplens.entrypoints.http.responses import errors
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
    return delivered(
        deps,
        lambda: pictures_service.picture_url(deps, jid),
        lambda: pictures_service.open_picture(deps, jid, byte_range, if_none_match),
    )
