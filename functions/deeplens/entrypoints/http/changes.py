"""GET /api/changes: live updates by polling, the same under uvicorn and on Lambda behind API
Gateway (no held connection). A poll that finds nothing new costs one primary-key look-up and
answers 304 to a client that sends the ETag of its last answer (a browser does that by itself)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import Chat, Message
from deeplens.services import changes as changes_service

router = APIRouter(prefix="/api", tags=["changes"], dependencies=Authenticated)

_CACHING = "private, no-cache"  # a browser keeps the answer and revalidates it with If-None-Match


class ChangedChat(BaseModel):
    jid: str
    chat: Chat | None = Field(description="the chat's list entry now; null: no longer listed (merged)")
    message_ids: list[str] | None = Field(
        description="its messages written since (new, edited, deleted, reacted to, receipts, media);"
        " null: too many to list, reload the chat's newest page"
    )


class Changes(BaseModel):
    revision: int = Field(description="the archive's revision: pass as `since` in the next poll")
    reset: bool = Field(
        description="`since` is older than the kept change log (or not from this archive): reload"
        " everything, then poll from `revision`"
    )
    chats: list[ChangedChat] = Field(description="the chats changed after `since`, by JID")
    messages: list[Message] = Field(
        description="the changed messages of the chat named by `chat` (those archived), oldest first"
    )


_RESPONSES: dict[int | str, dict[str, Any]] = {
    **errors(400),
    200: {"description": "what changed", "headers": {"ETag": {"schema": {"type": "string"}}}},
    304: {
        "description": "nothing changed: If-None-Match names the ETag of this answer",
        "headers": {"ETag": {"schema": {"type": "string"}}},
    },
}


@router.get("/changes", operation_id="list_changes", response_model=Changes, responses=_RESPONSES)
def list_changes(
    deps: Deps,
    since: Annotated[
        str | None,
        Query(max_length=32, description="the `revision` of the previous answer; none: start here"),
    ] = None,
    chat: Annotated[
        str | None, Query(max_length=128, description="the JID of the open chat: its changed messages")
    ] = None,
    if_none_match: Annotated[
        str | None, Header(alias="if-none-match", max_length=1024, description="the ETag of the last answer")
    ] = None,
) -> Any:
    """What changed in the archive after revision `since`: the chats (with their list entries) and,
    for `chat`, the new and changed messages. Poll it; 304 when nothing changed."""
    request = changes_service.parse_request(since, chat)
    revision = changes_service.current_revision(deps)
    tag = changes_service.etag(request, revision.current)
    headers = {"ETag": tag, "Cache-Control": _CACHING}
    if changes_service.etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    answer = changes_service.changes_since(deps, request, revision)
    return Response(Changes(**answer).model_dump_json(), media_type="application/json", headers=headers)
