from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from deeplens.domain.ids import ChatKind
from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import HeldForgotten, HeldStatus, TrackingItem, TrackingUpdate
from deeplens.entrypoints.http.transfers import Transfers
from deeplens.services import held_history
from deeplens.services import tracking as tracking_service

router = APIRouter(prefix="/api/tracking", tags=["tracking"], dependencies=Authenticated)


@router.get("", operation_id="list_tracking", response_model=list[TrackingItem], responses=errors())
def list_tracking(deps: Deps, kind: ChatKind | None = None) -> list[TrackingItem]:
    """Every detected chat with its tracking flags, most recent activity first."""
    return [TrackingItem(**row) for row in tracking_service.list_tracking(deps, kind)]


@router.get("/held", operation_id="held_status", response_model=HeldStatus, responses=errors())
def held_status(transfers: Transfers) -> HeldStatus:
    """How long untracked chats' content is held, and the history replays of chats tracked since."""
    return HeldStatus.model_validate(held_history.held_status(transfers))


@router.delete("/held", operation_id="forget_all_held", response_model=HeldForgotten, responses=errors())
def forget_all_held(transfers: Transfers) -> HeldForgotten:
    """Forget now: delete the held content of every untracked chat."""
    return HeldForgotten(deleted=held_history.forget_held(transfers, None))


@router.delete("/{jid}/held", operation_id="forget_held", response_model=HeldForgotten, responses=errors(400))
def forget_held(jid: Annotated[str, Path(max_length=128)], transfers: Transfers) -> HeldForgotten:
    """Forget now: delete the held content of one chat."""
    return HeldForgotten(deleted=held_history.forget_held(transfers, jid))


@router.patch(
    "/{jid}", operation_id="update_tracking", response_model=TrackingItem, responses=errors(400, 404)
)
def update_tracking(
    jid: Annotated[str, Path(max_length=128)], body: TrackingUpdate, deps: Deps, transfers: Transfers
) -> TrackingItem:
    """Change `is_tracked` and/or `auto_download_media`; the connector sees it at once. Tracking a
    chat replays the history held for it while it was untracked (GET /api/tracking/held)."""
    row = tracking_service.update_tracking(deps, jid, body.is_tracked, body.auto_download_media)
    if body.is_tracked is True:
        held_history.replay_on_track(transfers, row["jid"])
    return TrackingItem(**row)
