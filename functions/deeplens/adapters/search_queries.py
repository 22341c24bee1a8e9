"""Full-text search over the archive, in any language (see docs/decisions.md, "Search").

A hit is a message whose `search_vector` matches every query word as a prefix (`dl_multilingual`:
unaccent + simple, so any script), or whose folded text contains the query as a substring (pg_trgm:
partial words such as the middle of a compound). Rank: prefix rank, +1 when whole words match, +0.5
when the exact substring occurs. Pages are keyset pages on (rank, timestamp, chat, id), all DESC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deeplens.adapters.archive_queries import Conn, Row, fetch_all, like_pattern
from deeplens.adapters.message_queries import MESSAGE_COLUMNS, MESSAGE_JOINS

HIGHLIGHT_START = "\ue000"  # private-use characters: cannot clash with message text or HTML
HIGHLIGHT_STOP = "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=24, MinWords=10,"
    ' MaxFragments=2, FragmentDelimiter=" … "'
)
MIN_PARTIAL_LENGTH = 3  # trigrams: shorter substrings cannot use the index
SearchKey = tuple[float, int, str, str]  # (rank, timestamp, chat_jid, id)

_WORDS = "websearch_to_tsquery('dl_multilingual', %(q)s)"
_PREFIXES = (
    "regexp_replace(websearch_to_tsquery('dl_multilingual', %(q)s)::text,"
    " '''(?=\\s|\\)|$)', ''':*', 'g')::tsquery"
)
_SUBSTRING = "dl_search_text(m.text_body) LIKE dl_search_text(%(pattern)s)"


@dataclass(frozen=True)
class SearchFilters:
    chat: str | None = None
    sender: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None  # exclusive
    message_type: str | None = None


_FILTERS = {
    "chat": "m.chat_jid = %(chat)s",
    "sender": "(m.sender_jid = %(sender)s OR m.sender_alt_jid = %(sender)s)",
    "from_ms": 'm."timestamp" >= %(from_ms)s',
    "to_ms": 'm."timestamp" < %(to_ms)s',
    "message_type": "m.message_type = %(message_type)s",
}


def search_messages(
    conn: Conn, session: str, query: str, filters: SearchFilters, *, limit: int, after: SearchKey | None
) -> list[Row]:
    params: dict[str, Any] = {
        "session": session, "q": query, "pattern": like_pattern(query), "limit": limit,
        "partial": len(query.strip()) >= MIN_PARTIAL_LENGTH, "headline": _HEADLINE_OPTIONS,
        **vars(filters),
    }  # fmt: skip
    conditions = [sql for name, sql in _FILTERS.items() if params[name] is not None]
    seek = ""
    if after is not None:
        params.update(rank=after[0], ts=after[1], chat_after=after[2], id_after=after[3])
        seek = (
            'WHERE (rank, "timestamp", chat_jid, id) < (%(rank)s::real, %(ts)s, %(chat_after)s, %(id_after)s)'
        )
    return fetch_all(conn, _sql(conditions, seek), params)


def _sql(conditions: list[str], seek: str) -> str:
    filters = "".join(f" AND {condition}" for condition in conditions)
    return f"""
    WITH hits AS (
        SELECT m.*, (ts_rank(m.search_vector, {_PREFIXES})
                     + CASE WHEN m.search_vector @@ {_WORDS} THEN 1 ELSE 0 END
                     + CASE WHEN {_SUBSTRING} THEN 0.5 ELSE 0 END)::real AS rank
        FROM messages m
        WHERE m.session_id = %(session)s
          AND (m.search_vector @@ {_PREFIXES} OR (%(partial)s AND {_SUBSTRING})) {filters}
    ), page AS (
        SELECT * FROM hits {seek}
        ORDER BY rank DESC, "timestamp" DESC, chat_jid DESC, id DESC LIMIT %(limit)s
    )
    SELECT {MESSAGE_COLUMNS}, m.rank, c.name AS chat_name,
           ts_headline('dl_multilingual', coalesce(m.text_body, ''), {_PREFIXES}, %(headline)s) AS snippet
    FROM page m {MESSAGE_JOINS}
    LEFT JOIN chats c ON c.session_id = m.session_id AND c.jid = m.chat_jid
    ORDER BY m.rank DESC, m."timestamp" DESC, m.chat_jid DESC, m.id DESC
    """
