from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from deeplens.domain.envelope import MessageType
from deeplens.entrypoints.http.account_schemas import SearchPage
from deeplens.entrypoints.http.deps import AccountScope, Authenticated
from deeplens.entrypoints.http.responses import errors
from deeplens.services import search as search_service

router = APIRouter(prefix="/api", tags=["search"], dependencies=Authenticated)

Moment = date | datetime


@router.get("/search", operation_id="search_messages", response_model=SearchPage, responses=errors(400))
def search_messages(
    scope: AccountScope,
    *,
    q: Annotated[str, Query(min_length=1, max_length=200, description='words, "a phrase", -excluded')],
    chat: Annotated[str | None, Query(max_length=128, description="only this chat (JID)")] = None,
    sender: Annotated[str | None, Query(max_length=128, description="only this sender (JID)")] = None,
    start: Annotated[Moment | None, Query(alias="from", description="date or date-time, inclusive")] = None,
    end: Annotated[Moment | None, Query(alias="to", description="a date includes its day")] = None,
    message_type: Annotated[MessageType | None, Query(alias="type")] = None,
    cursor: Annotated[str | None, Query(max_length=1024)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
) -> SearchPage:
    """Messages containing the words (any language, prefixes and parts of words), best first,
    with highlighted snippets. The newest 1,000 matching messages are ranked (all of them when
    there are fewer); narrow by chat, sender, date or type to reach older ones. Without `account`
    every account the caller may use is searched; each hit names its account."""
    deps, accounts = scope
    page = search_service.search_accounts(
        deps,
        accounts,
        q,
        limit,
        cursor=cursor,
        chat=chat,
        sender=sender,
        start=start,
        end=end,
        message_type=message_type,
    )
    return SearchPage(**page)
