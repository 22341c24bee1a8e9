"""Tracking policy before publishing: which chat an event belongs to, and what may leave the process.

Rules (pure): a tracked chat publishes everything; an untracked chat publishes only a `chat`
discovery event (once per chat per process), never message content, edits, reactions, receipts
or votes; `auto_download_media` off keeps the media metadata and skips the download.
Lookup: Redis `tracking:{session}:{jid}` (written by the API on PATCH), then PostgreSQL
`tracking_config`, then the default policy for a new chat (DEFAULT_TRACK_GROUPS/PRIVATE).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import ChatUpdated, Event, MessageSeen
from deeplens.domain.ids import chat_kind_of

log = logging.getLogger("deeplens.connector.tracking")
_DISCOVERED_BOUND = 100_000


@dataclass(frozen=True)
class ChatPolicy:
    is_tracked: bool
    auto_download_media: bool


def tracking_key(session: str, jid: str) -> str:
    return f"tracking:{session}:{jid}"


def chat_of(event: Event) -> tuple[str, str] | None:
    """(chat jid, chat kind) an event belongs to; None for account-wide events (contacts, ...)."""
    if isinstance(event, MessageSeen):
        return event.chat_jid, event.chat_kind
    if isinstance(event, ChatUpdated):
        return event.jid, event.chat_kind
    target = getattr(event, "target", None)
    jid = target.chat_jid if target is not None else getattr(event, "chat_jid", None)
    return (jid, chat_kind_of(jid)) if jid else None


def default_policy(policy: TrackingPolicy, kind: str) -> ChatPolicy:
    return ChatPolicy(is_tracked=policy.default_for(kind), auto_download_media=True)


def discovery_of(event: MessageSeen) -> ChatUpdated:
    """What an untracked chat's message may say: that the chat exists (no content)."""
    return ChatUpdated(
        event_id=f"chat:{event.chat_jid}:discovered",
        session=event.session,
        occurred_at_ms=event.occurred_at_ms,
        source=event.source,
        jid=event.chat_jid,
        chat_kind=event.chat_kind,
        last_msg_timestamp_ms=event.timestamp_ms,
    )


@dataclass(frozen=True)
class Decision:
    publish: Event | None  # the event itself, a discovery `chat` event, or nothing
    download: bool  # fetch the media of this message


def decide(event: Event, policy: ChatPolicy | None, first_sight: bool) -> Decision:
    """`policy` None: an account-wide event. `first_sight`: no discovery sent yet for this chat."""
    if policy is None or policy.is_tracked:
        wants_media = isinstance(event, MessageSeen) and event.media is not None
        return Decision(event, wants_media and (policy is None or policy.auto_download_media))
    if isinstance(event, ChatUpdated):
        return Decision(event, False)
    if isinstance(event, MessageSeen) and first_sight:
        return Decision(discovery_of(event), False)
    return Decision(None, False)


class PolicySource(Protocol):
    def policy_for(self, jid: str, kind: str) -> ChatPolicy: ...


class Tracking:
    """Applies `decide` with a PolicySource; remembers which untracked chats were announced."""

    def __init__(self, source: PolicySource) -> None:
        self._source = source
        self._announced: set[str] = set()
        self._lock = threading.Lock()

    def decide(self, event: Event) -> Decision:
        chat = chat_of(event)
        if chat is None:
            return decide(event, None, False)
        policy = self._source.policy_for(*chat)
        return decide(event, policy, self._first_sight(chat[0]) if not policy.is_tracked else False)

    def _first_sight(self, jid: str) -> bool:
        with self._lock:
            if jid in self._announced:
                return False
            if len(self._announced) >= _DISCOVERED_BOUND:
                self._announced.clear()
            self._announced.add(jid)
            return True


Fetch = Callable[[str], "ChatPolicy | None"]


class PolicyLookup:
    """Redis cache, then PostgreSQL, then the default; each answer is kept `ttl_s` in memory so a
    50,000-message history sync does not cost 50,000 round trips (a PATCH is seen within ttl_s)."""

    def __init__(
        self, session: str, redis: Any, database: Fetch, default: TrackingPolicy, ttl_s: float = 2.0
    ) -> None:
        self._session = session
        self._redis = redis
        self._database = database
        self._default = default
        self._ttl_s = ttl_s
        self._memo: dict[str, tuple[float, ChatPolicy]] = {}

    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        now = time.monotonic()
        memo = self._memo.get(jid)
        if memo is not None and now - memo[0] < self._ttl_s:
            return memo[1]
        policy = self._cached(jid) or self._stored(jid) or default_policy(self._default, kind)
        self._memo[jid] = (now, policy)
        return policy

    def _cached(self, jid: str) -> ChatPolicy | None:
        try:
            raw = self._redis.get(tracking_key(self._session, jid))
        except Exception as error:  # Redis down: the database still answers
            log.warning("tracking cache unavailable", extra={"chat": jid, "error": type(error).__name__})
            return None
        return parse_policy(raw)

    def _stored(self, jid: str) -> ChatPolicy | None:
        try:
            return self._database(jid)
        except Exception as error:  # ingest applies tracking_config again: the default is safe here
            log.warning("tracking_config unavailable", extra={"chat": jid, "error": type(error).__name__})
            return None


def parse_policy(raw: str | bytes | None) -> ChatPolicy | None:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("is_tracked"), bool):
        return None
    return ChatPolicy(data["is_tracked"], bool(data.get("auto_download_media", True)))
