from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.story_schemas import StatusPage
from deeplens.services import stories

router = APIRouter(prefix="/api", tags=["status"], dependencies=Authenticated)


@router.get("/status", operation_id="list_status", response_model=StatusPage, responses=errors(400))
def list_status(
    deps: Deps,
    cursor: Annotated[str | None, Query(max_length=1024, description="a cursor from an earlier page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> StatusPage:
    """Archived status posts (stories) of contacts, grouped by contact: the newest `limit` posts,
    the contact with the newest post first, each contact's posts oldest first."""
    return StatusPage(**stories.list_status(deps, limit, cursor))
