from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import CallPage
from deeplens.services import calls

router = APIRouter(prefix="/api", tags=["calls"], dependencies=Authenticated)


@router.get("/calls", operation_id="list_calls", response_model=CallPage, responses=errors(400))
def list_calls(
    deps: Deps,
    chat: Annotated[str | None, Query(max_length=128, description="only this chat's calls")] = None,
    cursor: Annotated[str | None, Query(max_length=1024, description="a cursor from an earlier page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CallPage:
    """Voice and video calls (live steps and the phone's call log folded per call), newest first."""
    return CallPage(**calls.list_calls(deps, limit, cursor, chat))
