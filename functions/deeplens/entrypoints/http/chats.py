from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from deeplens.domain.ids import ChatKind
from deeplens.entrypoints.http.deps import Authenticated, Deps
from deeplens.entrypoints.http.responses import errors
from deeplens.entrypoints.http.schemas import ChatDetail, ChatPage, MessagePage, VersionList
from deeplens.services import browse

router = APIRouter(prefix="/api", tags=["chats"], dependencies=Authenticated)

Jid = Annotated[str, Path(max_length=128, description="chat JID, e.g. 4915112345678@s.whatsapp.net")]
Cursor = Annotated[str | None, Query(max_length=1024, description="a cursor from an earlier page")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/chats", operation_id="list_chats", response_model=ChatPage, responses=errors(400))
def list_chats(
    deps: Deps,
    cursor: Cursor = None,
    limit: Limit = 50,
    *,
    q: Annotated[str | None, Query(max_length=100, description="part of the chat's name or JID")] = None,
    kind: ChatKind | None = None,
    archived: Annotated[bool | None, Query(description="only archived chats (true) or the others")] = None,
    pinned: Annotated[bool | None, Query(description="only pinned chats (true) or the others")] = None,
) -> ChatPage:
    """Chats, newest activity first (keyset pages); `archived`/`pinned` pick a folder of the list."""
    folder = {"archived": archived, "pinned": pinned}
    states = {name: value for name, value in folder.items() if value is not None}
    return ChatPage(**browse.list_chats(deps, limit, cursor, q, kind, states=states))


@router.get("/chats/{jid}", operation_id="get_chat", response_model=ChatDetail, responses=errors(400, 404))
def get_chat(jid: Jid, deps: Deps) -> ChatDetail:
    """One chat: details, tracking flags, message count, and the members of a group."""
    return ChatDetail(**browse.get_chat(deps, jid))


@router.get(
    "/chats/{jid}/messages",
    operation_id="list_messages",
    response_model=MessagePage,
    responses=errors(400, 404),
)
def list_messages(
    jid: Jid,
    deps: Deps,
    *,
    before: Cursor = None,
    after: Cursor = None,
    around: Annotated[str | None, Query(max_length=128, description="a message id to center on")] = None,
    limit: Limit = 50,
) -> MessagePage:
    """A page of messages, oldest first: the newest, or older than `before`, newer than `after`,
    or around one message (give at most one of the three)."""
    return MessagePage(**browse.chat_messages(deps, jid, limit, before=before, after=after, around=around))


@router.get(
    "/messages/{chat}/{id}/versions",
    operation_id="list_message_versions",
    response_model=VersionList,
    responses=errors(400, 404),
)
def list_message_versions(chat: Jid, id: Annotated[str, Path(max_length=128)], deps: Deps) -> VersionList:
    """Every version of an edited message, oldest first."""
    return VersionList(**browse.message_versions(deps, chat, id))
