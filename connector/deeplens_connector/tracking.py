"""Tracking policy before publishing: which chat an event belongs to, and what may leave the process.

Rules (pure): a tracked chat publishes everything; an untracked chat publishes only a `chat`
discovery event (once per chat per process) and its `chat_state`, never message content, edits,
reactions, receipts or votes (that content is only held, in the log's `untracked/` prefix, when
UNTRACKED_RETENTION_DAYS > 0); `auto_download_media` off keeps the media metadata and skips the download.
Lookup: Redis `tracking:{session}:{jid}` (written by the API on PATCH), then PostgreSQL
`tracking_config`, then the default policy for a new chat (DEFAULT_TRACK_GROUPS/PRIVATE).
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.envelope import ChatUpdated, Event, MessageSeen
from deeplens.domain.ids import chat_kind_of

from deeplens_connector.publish.encoded import Encoded, MessageHeader

log = logging.getLogger("deeplens.connector.tracking")
_DISCOVERED_BOUND = 100_000
# What an untracked chat still publishes: the chat itself and its state (archived, pinned, muted:
# the chat list shows untracked chats too); never content.
_LISTING_KINDS = frozenset({"chat", "chat_state"})


@dataclass(frozen=True)
class ChatPolicy:
    is_tracked: bool
    auto_download_media: bool
    # True when nobody chose yet: DEFAULT_TRACK_* decided, and the chat's first event carries it.
    is_default: bool = field(default=False, compare=False)


def tracking_key(session: str, jid: str) -> str:
    return f"tracking:{session}:{jid}"


def chat_of(event: Event | Encoded) -> tuple[str, str] | None:
    """(chat jid, chat kind) an event belongs to; None for account-wide events (contacts, ...)."""
    if isinstance(event, Encoded):
        return event.chat
    if isinstance(event, MessageSeen):
        return event.chat_jid, event.chat_kind
    if isinstance(event, ChatUpdated):
        return event.jid, event.chat_kind
    target = getattr(event, "target", None)
    jid = target.chat_jid if target is not None else getattr(event, "chat_jid", None)
    return (jid, chat_kind_of(jid)) if jid else None


def default_policy(policy: TrackingPolicy, kind: str) -> ChatPolicy:
    return ChatPolicy(is_tracked=policy.default_for(kind), auto_download_media=True, is_default=True)


def discovery_of(event: Event | Encoded, is_tracked: bool | None = None) -> ChatUpdated:
    """That the chat of `event` exists (no content), with the tracking decision when one was made."""
    header = _header_of(event)
    chat = chat_of(event)
    assert chat is not None
    return ChatUpdated.model_validate(
        {
            "event_id": f"chat:{chat[0]}:discovered",
            "session": header.session,
            "occurred_at_ms": header.occurred_at_ms,
            "source": header.source,
            "jid": chat[0],
            "chat_kind": chat[1],
            "last_msg_timestamp_ms": header.timestamp_ms,
            "is_tracked": is_tracked,
        }
    )


def _header_of(event: Event | Encoded) -> MessageHeader:
    if isinstance(event, Encoded):
        if event.message is not None:
            return event.message
        data = json.loads(event.line)  # a chat of a history chunk: rare (once per new chat)
        return MessageHeader(data["session"], data["occurred_at_ms"], data["source"], None)
    stamp = event.timestamp_ms if isinstance(event, MessageSeen) else None
    if isinstance(event, ChatUpdated):
        stamp = event.last_msg_timestamp_ms
    return MessageHeader(event.session, event.occurred_at_ms, event.source, stamp)


class Decision(NamedTuple):  # one per event: a named tuple is ~4x cheaper than a frozen dataclass
    publish: Event | Encoded | None  # the event itself, a discovery `chat` event, or nothing
    download: bool  # fetch the media of this message
    announce: ChatUpdated | None = None  # published first: a new chat and its tracking decision
    hold: bool = False  # content of an untracked chat: held in `untracked/` (retro-tracking)


def decide(event: Event | Encoded, policy: ChatPolicy | None, first_sight: bool) -> Decision:
    """`policy` None: an account-wide event. `first_sight`: no discovery sent yet for this chat.

    A chat nobody chose for yet (`policy.is_default`) is announced once, with the decision, ahead
    of its first event: ingest then applies the connector's decision, not its own default."""
    announce = None
    if policy is not None and policy.is_default and first_sight:
        announce = discovery_of(event, policy.is_tracked)
    if policy is None or policy.is_tracked:
        wants_media = isinstance(event, MessageSeen) and event.media is not None
        return Decision(event, wants_media and (policy is None or policy.auto_download_media), announce)
    kind = event.kind
    if kind in _LISTING_KINDS:
        return Decision(event, False, announce)
    if kind == "message" and first_sight and announce is None:
        return Decision(discovery_of(event), False, hold=True)
    return Decision(None, False, announce, hold=True)


class PolicySource(Protocol):
    def policy_for(self, jid: str, kind: str) -> ChatPolicy: ...


class Tracking:
    """Applies `decide` with a PolicySource; remembers which untracked chats were announced."""

    def __init__(self, source: PolicySource) -> None:
        self._source = source
        self._announced: set[str] = set()
        self._lock = threading.Lock()

    def prefetch(self, chats: dict[str, str]) -> None:
        """Look up many chats (jid -> kind) at once when the source can (PolicyLookup)."""
        prefetch = getattr(self._source, "prefetch", None)
        if prefetch is not None:
            prefetch(chats)

    def decide(self, event: Event | Encoded) -> Decision:
        chat = chat_of(event)
        if chat is None:
            return decide(event, None, False)
        policy = self._source.policy_for(*chat)
        announced = not policy.is_tracked or policy.is_default
        return decide(event, policy, self._first_sight(chat[0]) if announced else False)

    def _first_sight(self, jid: str) -> bool:
        with self._lock:
            if jid in self._announced:
                return False
            if len(self._announced) >= _DISCOVERED_BOUND:
                self._announced.clear()
            self._announced.add(jid)
            return True


Fetch = Callable[[str], "ChatPolicy | None"]
FetchMany = Callable[[list[str]], "dict[str, ChatPolicy]"]  # jids -> the rows found
_REFRESH_AT_ONCE = 1_000


class PolicyLookup:
    """Redis cache, then PostgreSQL, then the default; each answer is kept `ttl_s` in memory so a
    50,000-message history sync does not cost 50,000 round trips (a PATCH is seen within ttl_s).

    With `database_many`, answers are fetched in bulk: one Redis MGET and one SQL query for every
    chat of a history chunk (`prefetch`), and when one answer expires, every expired one is
    refreshed with it. Per chat, that was two round trips every `ttl_s` on the pipeline thread
    (29% of its time in bench/connector_bench.py with 400 chats)."""

    def __init__(
        self,
        session: str,
        redis: Any,
        database: Fetch,
        default: TrackingPolicy,
        ttl_s: float = 2.0,
        *,
        database_many: FetchMany | None = None,
    ) -> None:
        self._session = session
        self._redis = redis
        self._database = database
        self._database_many = database_many
        self._default = default
        self._ttl_s = ttl_s
        self._memo: dict[str, tuple[float, ChatPolicy, str]] = {}  # jid -> (when, policy, kind)

    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        now = time.monotonic()
        memo = self._memo.get(jid)
        if memo is not None and now - memo[0] < self._ttl_s:
            return memo[1]
        if self._database_many is not None:
            self.prefetch({jid: kind, **self._expired(now, jid)})
            return self._memo[jid][1]
        policy = self._cached(jid) or self._stored(jid) or default_policy(self._default, kind)
        self._memo[jid] = (now, policy, kind)
        return policy

    def _expired(self, now: float, besides: str) -> dict[str, str]:
        """Other chats whose answer expired (jid -> kind), refreshed in the same round trips."""
        expired = ((jid, kind) for jid, (at, _, kind) in self._memo.items() if now - at >= self._ttl_s)
        return dict(itertools.islice(((j, k) for j, k in expired if j != besides), _REFRESH_AT_ONCE))

    def prefetch(self, chats: dict[str, str]) -> None:
        """The policies of these chats (jid -> kind) not fresh in memory, in two round trips."""
        now = time.monotonic()
        stale = [
            jid for jid in chats if (memo := self._memo.get(jid)) is None or now - memo[0] >= self._ttl_s
        ]
        if not stale or self._database_many is None:
            return
        cached = self._cached_many(stale)
        missing = [jid for jid in stale if jid not in cached]
        stored = self._stored_many(self._database_many, missing) if missing else {}
        for jid in stale:
            policy = cached.get(jid) or stored.get(jid) or default_policy(self._default, chats[jid])
            self._memo[jid] = (now, policy, chats[jid])

    def _cached_many(self, jids: list[str]) -> dict[str, ChatPolicy]:
        try:
            raws = self._redis.mget([tracking_key(self._session, jid) for jid in jids])
        except Exception as error:  # Redis down: the database still answers
            log.warning(
                "tracking cache unavailable", extra={"chats": len(jids), "error": type(error).__name__}
            )
            return {}
        found = ((jid, parse_policy(raw)) for jid, raw in zip(jids, raws, strict=True))
        return {jid: policy for jid, policy in found if policy is not None}

    def _stored_many(self, fetch: FetchMany, jids: list[str]) -> dict[str, ChatPolicy]:
        try:
            return fetch(jids)
        except Exception as error:  # ingest applies tracking_config again: the default is safe here
            log.warning(
                "tracking_config unavailable", extra={"chats": len(jids), "error": type(error).__name__}
            )
            return {}

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
