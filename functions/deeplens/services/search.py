"""Search the archive: any language, partial words, filters, ranked, highlighted, keyset pages."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from deeplens.adapters import search_queries as search_db
from deeplens.adapters.archive_queries import resolve_jid
from deeplens.adapters.postgres import Row, pooled
from deeplens.adapters.search_queries import HIGHLIGHT_START, HIGHLIGHT_STOP, SearchFilters, SearchKey
from deeplens.domain.errors import InvalidRequest
from deeplens.services.api import ApiDeps, jid_param
from deeplens.services.browse import Page
from deeplens.services.cursors import decode_cursor, encode_cursor
from deeplens.services.views import message_view

MAX_QUERY_LENGTH = 200
# from=/to= bounds: nothing is archived before the epoch, and a date's whole day must stay a datetime.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)
_DAY = timedelta(days=1)
_DAY_MS = 86_400_000


def search(
    deps: ApiDeps,
    query: str,
    limit: int,
    *,
    cursor: str | None = None,
    chat: str | None = None,
    sender: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    message_type: str | None = None,
) -> Page:
    text = _query_text(query)
    after = _search_key(cursor) if cursor else None
    with pooled(deps.pool) as conn:
        filters = SearchFilters(
            chat=resolve_jid(conn, deps.session, jid_param(chat, "chat")) if chat else None,
            sender=resolve_jid(conn, deps.session, jid_param(sender, "sender")) if sender else None,
            from_ms=epoch_ms(start, end_of_day=False, field="from") if start else None,
            to_ms=epoch_ms(end, end_of_day=True, field="to") if end else None,
            message_type=message_type,
        )
        rows = search_db.search_messages(conn, deps.session, text, filters, limit=limit + 1, after=after)
    last = rows[limit - 1] if len(rows) > limit else None
    return {
        "items": [_hit(row) for row in rows[:limit]],
        "next_cursor": encode_cursor(last["rank"], last["timestamp"], last["chat_jid"], last["id"])
        if last
        else None,
    }


def search_accounts(deps: ApiDeps, accounts: tuple[str, ...], query: str, limit: int, **options: Any) -> Page:
    """`search` over several accounts: each account's best page after the same cursor, merged
    best first (rank, time, chat, id, as one account's pages are), each hit naming its account. A
    message archived in two accounts (one group) is two hits; if both sit exactly on a page's last
    key, the second is left out of the next page (the cursor carries no account)."""
    hits: list[dict[str, Any]] = []
    more = False
    for account in accounts:
        page = search(replace(deps, account=account), query, limit, **options)
        hits += [{**hit, "account": account} for hit in page["items"]]
        more = more or page["next_cursor"] is not None
    hits.sort(key=_hit_key, reverse=True)
    more = more or len(hits) > limit
    last = hits[limit - 1] if more and len(hits) >= limit else None
    return {
        "items": hits[:limit],
        "next_cursor": encode_cursor(*_hit_key(last)) if last else None,
    }


def _hit_key(hit: dict[str, Any]) -> tuple[float, int, str, str]:
    return float(hit["rank"]), int(hit["timestamp"]), str(hit["chat_jid"]), str(hit["id"])


def _query_text(query: str) -> str:
    text = " ".join(query.split())
    if not text:
        raise InvalidRequest("the search text is empty", "q")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidRequest(f"the search text is longer than {MAX_QUERY_LENGTH} characters", "q")
    return text


def _search_key(cursor: str) -> SearchKey:
    rank, timestamp, chat, message_id = decode_cursor(cursor, "cursor", (float, int, str, str))
    return float(rank), int(timestamp), str(chat), str(message_id)


def epoch_ms(moment: date | datetime, end_of_day: bool, field: str = "to") -> int:
    """A bound in epoch ms; a bare date means its whole UTC day (to= includes the day). A moment
    outside EARLIEST..LATEST is an InvalidRequest naming `field` (9999-12-31 + 1 day overflowed)."""
    whole_day = not isinstance(moment, datetime)
    instant = _instant(moment)
    if not EARLIEST <= instant < LATEST:
        last_day = LATEST - _DAY
        raise InvalidRequest(f"expected a date between {EARLIEST:%Y-%m-%d} and {last_day:%Y-%m-%d}", field)
    ms = int(instant.timestamp() * 1000)
    return ms + _DAY_MS if whole_day and end_of_day else ms


def _instant(moment: date | datetime) -> datetime:
    """A date is its UTC midnight, a naive date-time is UTC."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time(), UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _hit(row: Row) -> dict[str, object]:
    return {
        **message_view(row),
        "chat_name": row["chat_name"],
        "rank": row["rank"],
        "snippet": highlighted(row["snippet"]),
    }


def highlighted(snippet: str) -> str:
    """The snippet as safe HTML: the text escaped, the matches in <mark>…</mark>."""
    escaped = html.escape(snippet, quote=False)
    return escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
