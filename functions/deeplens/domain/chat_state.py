"""Chat state (archived, pinned, muted, marked unread, unread count) as rows of `chat_states`.

Each state of a chat is its own row with the time it was true at; the newest wins (at the same
instant: on before off, then the larger value), so ingest is order-insensitive and an older replay
never overwrites a newer state. A `chat_state` event's None fields say nothing and write nothing.
"""

from __future__ import annotations

from deeplens.domain.archive_rows import ChatStateRow
from deeplens.domain.envelope import ChatStateChanged

CHAT_STATES = ("archived", "pinned", "muted", "marked_unread", "unread")


def chat_state_rows(chat: str, event: ChatStateChanged) -> list[ChatStateRow]:
    at = event.changed_at_ms
    rows = [
        ChatStateRow(chat, state, flag, None, at)
        for state, flag in (
            ("archived", event.archived),
            ("pinned", event.pinned),
            ("marked_unread", event.marked_unread),
        )
        if flag is not None
    ]
    if event.muted is not None:
        until = event.muted_until_ms if event.muted else None
        rows.append(ChatStateRow(chat, "muted", event.muted, until, at))
    if event.unread_count is not None:
        rows.append(ChatStateRow(chat, "unread", event.unread_count > 0, event.unread_count, at))
    return rows


def state_order(row: ChatStateRow) -> tuple[int, bool, int]:
    """Which of two rows of one (chat, state) wins: the SQL upsert compares the same tuple."""
    return (row.changed_at, row.is_on, -1 if row.value is None else row.value)
