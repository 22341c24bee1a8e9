"""Full-text search over the archive, in any language (see docs/decisions.md, "Search").

A hit is a message whose `search_vector` matches every query word as a prefix (`dl_multilingual`:
unaccent + simple, so any script), or whose folded text contains the query as a substring (partial
words such as the middle of a compound). Rank: prefix rank, +1 when whole words match, +0.5 when the
exact substring occurs. Pages are keyset pages on (rank, timestamp, chat, id), all DESC.

A substring is found through the archive's vocabulary (`search_words`, migration 0016), not a
trigram index of every message: the longest run of letters and digits in the query lies inside one
word of every message that contains the query, so the words of the vocabulary that contain it
(trigram index of a few thousand words) are looked up in messages_search, and the substring test
rechecks each candidate. A query without such a run of 3 characters is tested on the rows alone.

Only the newest CANDIDATES hits are ranked (all of them when there are fewer): ranking every hit of
a common word costs seconds in a large archive. The candidates are read in the way that is cheap for
how common the words are, found by a probe of the newest messages in scope:

- common words (most of the probe matches): walk the newest messages in time order until enough
  match (an index walk, a bounded number of rows);
- words of middling frequency: the full-text and trigram indexes ANDed with a time window that is
  sized from the probe to hold the remaining candidates (only the window's hits are read);
- rare words (the probe found none): every hit through the indexes, the newest kept.

Every statement is planned for its own values (`prepare=False`): a generic plan, which PostgreSQL
may settle on for a prepared statement, cannot tell a rare word from a common one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from deeplens.adapters.message_queries import MESSAGE_COLUMNS, MESSAGE_JOINS
from deeplens.adapters.people import chat_title
from deeplens.adapters.postgres import Conn, Row, fetch_all, like_pattern

HIGHLIGHT_START = "\ue000"  # private-use characters: cannot clash with message text or HTML
HIGHLIGHT_STOP = "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_STOP}, MaxWords=24, MinWords=10,"
    ' MaxFragments=2, FragmentDelimiter=" … "'
)
MIN_PARTIAL_LENGTH = 3  # trigrams: shorter substrings cannot use the index
SearchKey = tuple[float, int, str, str]  # (rank, timestamp, chat_jid, id)

CANDIDATES = 1000  # the newest hits that are ranked
_PROBE_ROWS = 1000  # newest messages in scope the probe reads
_WALK_ROWS = 20_000  # at most this many messages are walked in time order for a common word
_WALK_MARGIN = 1.3  # a walk is sized to hold this many times the hits still needed,
_WINDOW_MARGIN = 2.0  # a window this many times (a short one costs another round of index reads)
_WINDOWS = 3  # windows tried, each 4x as long as the one before, before all older hits are read

_WORDS = "websearch_to_tsquery('dl_multilingual', %(q)s)"
_PREFIXES = (
    "regexp_replace(websearch_to_tsquery('dl_multilingual', %(q)s)::text,"
    " '''(?=\\s|\\)|$)', ''':*', 'g')::tsquery"
)
_SUBSTRING = "dl_search_text(m.text_body) LIKE dl_search_text(%(pattern)s)"
_MATCH = f"(m.search_vector @@ {_PREFIXES} OR (%(partial)s AND {_SUBSTRING}))"
# The same through messages_search alone: the substring only in messages holding a vocabulary word
# that contains the query's longest piece (%(infix)s: those words, ORed).
_INFIX = f"(%(partial)s AND m.search_vector @@ %(infix)s::tsquery AND {_SUBSTRING})"
_INDEXED_MATCH = f"(m.search_vector @@ {_PREFIXES} OR {_INFIX})"
_VOCABULARY = (
    "SELECT word FROM search_words WHERE dl_search_text(word) LIKE '%%' || dl_search_text(%(piece)s) || '%%'"
)
_KEY_COLUMNS = f"""m.chat_jid, m.id, m."timestamp",
    (ts_rank(m.search_vector, {_PREFIXES})
     + CASE WHEN m.search_vector @@ {_WORDS} THEN 1 ELSE 0 END
     + CASE WHEN {_SUBSTRING} THEN 0.5 ELSE 0 END)::real AS rank"""


@dataclass(frozen=True)
class SearchFilters:
    chat: str | None = None
    sender: str | None = None
    from_ms: int | None = None
    to_ms: int | None = None  # exclusive
    message_type: str | None = None


# Filters an index can apply while walking messages in time order (messages_chat_time, messages_time,
# messages_type_time, and for the sender messages_sender + messages_sender_alt, merged).
_FILTERS = {
    "chat": "m.chat_jid = %(chat)s",
    "from_ms": 'm."timestamp" >= %(from_ms)s',
    "to_ms": 'm."timestamp" < %(to_ms)s',
    "message_type": "m.message_type = %(message_type)s",
}
_SENDER = "(m.sender_jid = %(sender)s OR m.sender_alt_jid = %(sender)s)"
# The sender's messages under either identity, as two index walks (UNION ALL: no row is in both).
_SENDER_WALKS = (
    "m.sender_jid = %(sender)s",
    "m.sender_alt_jid = %(sender)s AND m.sender_jid IS DISTINCT FROM %(sender)s",
)


@dataclass(frozen=True)
class _Sql:
    scope: str  # " AND …" conditions of the scope, but the sender
    sender: bool  # only the messages of %(sender)s
    infix: bool = False  # the substring is looked up through %(infix)s (the vocabulary's words)

    def recent(self, bounded: bool) -> str:
        """The newest %(rows)s messages in scope (at or before %(before)s when bounded), in time order
        through an index (the inner LIMIT bounds what is read)."""
        walks = [f"AND {condition}" for condition in _SENDER_WALKS] if self.sender else [""]
        bound = 'AND m."timestamp" <= %(before)s' if bounded else ""
        selects = [
            f"""(SELECT m.chat_jid, m.id, m."timestamp", m.search_vector, m.text_body FROM messages m
                 WHERE m.session_id = %(session)s {self.scope} {walk} {bound}
                 ORDER BY m."timestamp" DESC LIMIT %(rows)s)"""
            for walk in walks
        ]
        if len(selects) == 1:
            return selects[0]
        return f'SELECT * FROM ({" UNION ALL ".join(selects)}) m ORDER BY "timestamp" DESC LIMIT %(rows)s'

    def walk(self, bounded: bool) -> str:
        """The hits among recent(…), with how many messages were read and their time span. Every row
        carries the span; without hits there is one row of NULL keys."""
        return f"""
        WITH recent AS MATERIALIZED ({self.recent(bounded)}),
        edge AS (
            SELECT count(*) AS scanned, min("timestamp") AS oldest, max("timestamp") AS newest FROM recent
        )
        SELECT e.scanned, e.oldest, e.newest, h.chat_jid, h.id, h."timestamp", h.rank
        FROM edge e
        LEFT JOIN LATERAL (SELECT {_KEY_COLUMNS} FROM recent m WHERE {_MATCH}) h ON true"""

    def hits(self, windowed: bool) -> str:
        """The newest %(need)s hits at or before %(before)s (and at or after %(after)s when
        windowed), found through the indexes. `+ 0` keeps the planner from walking the time index
        and testing every row: the bitmaps of the search indexes (ANDed with the window's) lead."""
        window = 'AND m."timestamp" >= %(after)s' if windowed else ""
        match = _INDEXED_MATCH if self.infix else _MATCH
        return f"""
        SELECT {_KEY_COLUMNS}
        FROM messages m
        WHERE m.session_id = %(session)s {self.scope} {"AND " + _SENDER if self.sender else ""} AND {match}
          AND m."timestamp" <= %(before)s {window}
        ORDER BY m."timestamp" + 0 DESC LIMIT %(need)s"""


_PAGE = f"""
WITH page AS (
    SELECT msg.*, k.rank, k.position
    FROM unnest(%(chats)s::text[], %(ids)s::text[], %(ranks)s::real[])
         WITH ORDINALITY AS k(chat_jid, id, rank, position)
    JOIN messages msg ON msg.session_id = %(session)s AND msg.chat_jid = k.chat_jid AND msg.id = k.id
)
SELECT {MESSAGE_COLUMNS}, m.rank, {chat_title("c", "cc")} AS chat_name,
       ts_headline('dl_multilingual', coalesce(m.text_body, ''), {_PREFIXES}, %(headline)s) AS snippet
FROM page m {MESSAGE_JOINS}
LEFT JOIN chats c ON c.session_id = m.session_id AND c.jid = m.chat_jid
LEFT JOIN contacts cc ON cc.session_id = m.session_id AND cc.jid = m.chat_jid
ORDER BY m.position
"""


def search_messages(
    conn: Conn, session: str, query: str, filters: SearchFilters, *, limit: int, after: SearchKey | None
) -> list[Row]:
    params: dict[str, Any] = {
        "session": session, "q": query, "pattern": like_pattern(query),
        "partial": len(query.strip()) >= MIN_PARTIAL_LENGTH, "headline": _HEADLINE_OPTIONS,
        **vars(filters),
    }  # fmt: skip
    scope = "".join(f" AND {sql}" for name, sql in _FILTERS.items() if params[name] is not None)
    infix = _infix(conn, query) if params["partial"] else None
    if infix == "":  # no word of the archive contains the piece: no message contains the query
        params["partial"] = False
    params["infix"] = infix
    sql = _Sql(scope, sender=filters.sender is not None, infix=bool(infix))
    ranked = sorted(_newest_hits(conn, sql, params), reverse=True)
    page = [key for key in ranked if after is None or key < after][:limit]
    if not page:
        return []
    keys = {"chats": [k[2] for k in page], "ids": [k[3] for k in page], "ranks": [k[0] for k in page]}
    return fetch_all(conn, _PAGE, {**params, **keys}, prepare=False)


def longest_piece(query: str) -> str | None:
    """The query's longest run of letters, marks and digits, if it has MIN_PARTIAL_LENGTH
    characters: the parser never splits such a run, so it lies inside one word of any text that
    contains the query."""
    runs = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in query).split()
    best = max(runs, key=len, default="")
    return best if len(best) >= MIN_PARTIAL_LENGTH else None


def _infix(conn: Conn, query: str) -> str | None:
    """The vocabulary's words containing the query's longest piece as one tsquery ("" when none
    does), or None when the query has no piece the vocabulary can be asked for."""
    piece = longest_piece(query)
    if piece is None:
        return None
    words = [str(row["word"]) for row in fetch_all(conn, _VOCABULARY, {"piece": piece}, prepare=False)]
    return " | ".join(_lexeme(word) for word in words)


def _lexeme(word: str) -> str:
    """A lexeme quoted for tsquery input (quotes and backslashes doubled)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _newest_hits(conn: Conn, sql: _Sql, params: dict[str, Any]) -> set[SearchKey]:
    """The newest CANDIDATES hits (fewer when there are fewer), each as its page key: the newest
    messages in scope read in time order (_walk); when they do not hold enough, the older hits
    through the indexes (_older_hits)."""
    walked = _walk(conn, sql, params)
    if walked.done:
        return _newest(walked.found)
    more = _older_hits(conn, sql, params, walked)
    return _newest(walked.found | {_key(row) for row in more})


@dataclass(frozen=True)
class _Walked:
    """What reading the newest messages in scope found, and how hits are spread over them."""

    found: set[SearchKey]
    done: bool  # the whole scope was read, or enough was found
    need: int  # hits still needed
    # The oldest instant read; older hits are read from it on, itself included (messages at that
    # instant may not all have been read: they are read again).
    before: int | None
    share: float = 0.0  # hits per message read (in the last read)
    rate: float = 0.0  # messages per ms in scope (in the last read): a window's expected yield


def _walk(conn: Conn, sql: _Sql, params: dict[str, Any]) -> _Walked:
    """The probe (the newest _PROBE_ROWS messages in scope), then, for a word common enough that a
    walk of at most _WALK_ROWS messages should hold the hits still needed, that walk."""
    walked = _read_recent(
        conn, sql, params, _PROBE_ROWS, _Walked(set(), done=False, need=CANDIDATES, before=None)
    )
    if not walked.done and walked.share and walked.need / walked.share <= _WALK_ROWS:
        rows = int(_WALK_MARGIN * walked.need / walked.share) + 100
        walked = _read_recent(conn, sql, params, rows, walked)
    return walked


def _read_recent(conn: Conn, sql: _Sql, params: dict[str, Any], rows: int, so_far: _Walked) -> _Walked:
    """The hits among the newest `rows` messages in scope at or before `so_far.before`, added to
    what was found so far."""
    bounded = so_far.before is not None
    walk = {**params, "rows": rows, "before": so_far.before}
    result = fetch_all(conn, sql.walk(bounded=bounded), walk, prepare=False)
    edge = result[0]
    hits = {_key(row) for row in result if row["id"] is not None}
    found = so_far.found | hits
    need = CANDIDATES - len(found)
    if edge["scanned"] < rows or need <= 0:
        return _Walked(found, done=True, need=need, before=edge["oldest"])
    share = len(hits) / edge["scanned"]
    rate = edge["scanned"] / max(edge["newest"] - edge["oldest"], 1)
    return _Walked(found, done=False, need=need, before=edge["oldest"], share=share, rate=rate)


def _older_hits(conn: Conn, sql: _Sql, params: dict[str, Any], walked: _Walked) -> list[Row]:
    """The hits older than what was walked, newest first: up to _WINDOWS time windows through the
    indexes, the first sized from the walk to hold what is still needed and each next one 4x as
    long; then, if still short, every older hit."""
    need, before = walked.need, walked.before
    assert before is not None  # a walk that read messages
    span = int(_WINDOW_MARGIN * need / walked.share / walked.rate) if walked.share else 0
    more: list[Row] = []
    for _ in range(_WINDOWS if span else 0):
        window = {**params, "before": before, "after": before - span, "need": need - len(more)}
        more += fetch_all(conn, sql.hits(windowed=True), window, prepare=False)
        if len(more) >= need:
            return more
        before, span = before - span - 1, span * 4
    rest = {**params, "before": before, "need": need - len(more)}  # every older hit
    return more + fetch_all(conn, sql.hits(windowed=False), rest, prepare=False)


def _newest(keys: set[SearchKey]) -> set[SearchKey]:
    return set(sorted(keys, key=lambda key: key[1], reverse=True)[:CANDIDATES])


def _key(row: Row) -> SearchKey:
    return float(row["rank"]), int(row["timestamp"]), str(row["chat_jid"]), str(row["id"])
