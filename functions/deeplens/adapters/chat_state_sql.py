"""The chat list's state columns (archived, pinned, muted, unread): SQL fragments joined into
archive_queries' chat select, where `c` is the chat row.

`chat_states` (migration 0013) leads; `chats.is_archived` / `chats.unread_count` (filled by chat
events written before chat_state existed) stand in when it says nothing. The unread count stays
current after the history sync: WhatsApp's count as of its stamp, plus the messages from others
since, unless the account read the chat since (a message of its own, or one of theirs it read:
a read receipt on another device) — then only the messages after that. Bounded at 1,000.
"""

from __future__ import annotations

UNREAD_CAP = 1000
_TIMELINE_ONLY = "('system', 'call')"  # entries that are not messages someone sent

STATE_JOINS = f"""
LEFT JOIN LATERAL (
    SELECT bool_or(s.is_on) FILTER (WHERE s.state = 'archived') AS archived,
           bool_or(s.is_on) FILTER (WHERE s.state = 'pinned') AS pinned,
           bool_or(s.is_on) FILTER (WHERE s.state = 'muted') AS muted,
           max(s.value) FILTER (WHERE s.state = 'muted') AS muted_until,
           bool_or(s.is_on) FILTER (WHERE s.state = 'marked_unread') AS marked_unread,
           max(s.value) FILTER (WHERE s.state = 'unread') AS unread,
           max(s.changed_at) FILTER (WHERE s.state = 'unread') AS unread_at
    FROM chat_states s WHERE s.session_id = c.session_id AND s.chat_jid = c.jid
) st ON true
LEFT JOIN LATERAL (
    SELECT m."timestamp" AS read_at FROM messages m
    WHERE m.session_id = c.session_id AND m.chat_jid = c.jid AND st.unread_at IS NOT NULL
      AND m."timestamp" > st.unread_at AND (m.from_me OR m.status >= 2)
    ORDER BY m."timestamp" DESC LIMIT 1
) rd ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS n FROM (
        SELECT 1 FROM messages m
        WHERE m.session_id = c.session_id AND m.chat_jid = c.jid AND st.unread_at IS NOT NULL
          AND m."timestamp" > GREATEST(st.unread_at, rd.read_at) AND NOT m.from_me
          AND m.message_type NOT IN {_TIMELINE_ONLY}
        LIMIT {UNREAD_CAP}
    ) newer
) nu ON true
"""

STATE_COLUMNS = f"""
CASE WHEN st.unread_at IS NULL THEN c.unread_count
     WHEN rd.read_at IS NOT NULL THEN nu.n::int
     ELSE LEAST(st.unread + nu.n, {UNREAD_CAP})::int END AS unread_count,
coalesce(st.archived, c.is_archived) AS is_archived,
coalesce(st.pinned, false) AS is_pinned,
coalesce(st.muted AND (st.muted_until IS NULL
         OR st.muted_until > (extract(epoch FROM now()) * 1000)::bigint), false) AS is_muted,
CASE WHEN st.muted THEN st.muted_until END AS muted_until,
coalesce(st.marked_unread, false) AND rd.read_at IS NULL AS marked_unread
"""

# The chat list's folders: archived or not, pinned or not (each a bound parameter of its name).
STATE_FILTERS = {
    "archived": "coalesce(st.archived, c.is_archived, false) = %(archived)s",
    "pinned": "coalesce(st.pinned, false) = %(pinned)s",
}
