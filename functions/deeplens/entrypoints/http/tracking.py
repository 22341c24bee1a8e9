from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from deeplens.domain.ids import ChatKind
from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import TrackingItem, TrackingUpdate
from deeplens.services import tracking as tracking_service

router = APIRouter(prefix="/api/tracking", tags=["tracking"], dependencies=Authenticated)


@router.get("", operation_id="list_tracking", response_model=list[TrackingItem], responses=errors())
def list_tracking(deps: Deps, kind: ChatKind | None = None) -> list[TrackingItem]:
    """Every detected chat with its tracking flags, most recent activity first."""
    return [TrackingItem(**row) for row in tracking_service.list_tracking(deps, kind)]


@router.patch(
    "/{jid}", operation_id="update_tracking", response_model=TrackingItem, responses=errors(400, 404)
)
def update_tracking(
    jid: Annotated[str, Path(max_length=128)], body: TrackingUpdate, deps: Deps
) -> TrackingItem:
    """Change `is_tracked` and/or `auto_download_media`; the connector sees it at once."""
    row = tracking_service.update_tracking(deps, jid, body.is_tracked, body.auto_download_media)
    return TrackingItem(**row)
