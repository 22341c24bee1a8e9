"""Chat state (archived, pinned, muted, marked unread, unread count) as `chat_state` events.

neonize 0.5.2 forwards none of whatsmeow's app-state events (Archive, Pin, Mute, MarkChatAsRead,
Star: no event class, no code in neonize.events.EVENT_TO_INT; checked in the wheel). whatsmeow
still applies every archive/pin/mute mutation to its session store (`whatsmeow_chat_settings`),
after the history sync as before it, so the connector reads that table (chat_settings.py) and
publishes what changed since its last read, stamped with the time it read it. The history sync's
conversations carry the state as it was when the phone built the sync, stamped with the chat's
own timestamp, so a later read of the store always wins over it (decision 2026-12-06).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import ChatStateChanged
from deeplens.domain.envelope_parts import Source
from deeplens.domain.ids import ChatKind, Jid

from deeplens_connector.translate.common import Origin, TranslationError, event_id, translating
from deeplens_connector.translate.jids import canonical_jid, chat_kind_of

# whatsmeow keeps "muted for ever" as -1 (its store) or as a date in the year 9999 (MutedForever);
# the history sync as the largest uint64. Anything past the year 9000 is for ever.
_FOREVER_S = 221_845_392_000


@dataclass(frozen=True)
class StoredChatSettings:
    """One row of whatsmeow_chat_settings: muted_until in epoch seconds (0: not muted, < 0: for ever)."""

    chat_jid: str
    muted_until_s: int
    pinned: bool
    archived: bool


def muted_until(seconds: int) -> tuple[bool, int | None]:
    """(muted, until in ms; None = for ever) of a mute end in epoch seconds (0: not muted)."""
    if seconds == 0:
        return False, None
    if seconds < 0 or seconds >= _FOREVER_S:
        return True, None
    return True, seconds * 1000


def chat_state(
    origin: Origin, source: Source, jid: Jid, kind: ChatKind, at_ms: int, **state: Any
) -> ChatStateChanged:
    digest = hashlib.sha256(repr(sorted(state.items())).encode()).hexdigest()[:12]
    return ChatStateChanged(
        event_id=event_id("chat_state", jid, at_ms, digest),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source=source,
        chat_jid=jid,
        chat_kind=kind,
        changed_at_ms=at_ms,
        **state,
    )


def history_chat_state(
    origin: Origin, conversation: Any, jid: Jid, kind: ChatKind
) -> ChatStateChanged | None:
    """A history Conversation's archived/pinned/muted/unread state, as of the chat's own timestamp
    (conversationTimestamp, else lastMsgTimestamp, else 0): never newer than a read of the store."""
    state: dict[str, Any] = {}
    if conversation.HasField("archived"):
        state["archived"] = conversation.archived
    if conversation.HasField("pinned"):
        state["pinned"] = conversation.pinned > 0  # the time it was pinned at, 0 = not pinned
    if conversation.HasField("muteEndTime"):
        end = conversation.muteEndTime
        state["muted"], state["muted_until_ms"] = muted_until(-1 if end >= 2**63 else end)
    if conversation.HasField("markedAsUnread"):
        state["marked_unread"] = conversation.markedAsUnread
    if conversation.HasField("unreadCount"):
        state["unread_count"] = conversation.unreadCount
    if not state:
        return None
    stamp = conversation.conversationTimestamp or conversation.lastMsgTimestamp
    return chat_state(origin, "history", jid, kind, stamp * 1000, **state)


def store_chat_state(row: StoredChatSettings, *, session: str, now_ms: int) -> ChatStateChanged:
    """A whatsmeow_chat_settings row as it is now (raises InvalidJid for a JID we cannot use)."""
    jid = canonical_jid(row.chat_jid)
    muted, until = muted_until(row.muted_until_s)
    return chat_state(
        Origin.of(session, now_ms),
        "live",
        jid,
        chat_kind_of(jid),
        now_ms,
        archived=row.archived,
        pinned=row.pinned,
        muted=muted,
        muted_until_ms=until,
    )


class ChatStateDiff:
    """What this process last published per chat from the store: a re-read publishes only changes."""

    def __init__(self) -> None:
        self._published: dict[str, tuple[object, ...]] = {}

    def changed(self, event: ChatStateChanged) -> bool:
        state = (event.archived, event.pinned, event.muted, event.muted_until_ms)
        if self._published.get(event.chat_jid) == state:
            return False
        self._published[event.chat_jid] = state
        return True


def translate_store_chat_states(
    rows: Iterable[StoredChatSettings], *, session: str, now_ms: int
) -> Iterator[ChatStateChanged | TranslationError]:
    """One `chat_state` per stored row; a row with an unusable JID is yielded as a TranslationError."""
    for row in rows:
        try:
            with translating(f"stored chat settings of {row.chat_jid}"):
                yield store_chat_state(row, session=session, now_ms=now_ms)
        except TranslationError as error:
            yield error
