"""neonize JID protos <-> canonical JID strings (the identity rules live in deeplens.domain.ids)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from deeplens.domain import ids
from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import LID_SERVER, NEWSLETTER_SERVER, PHONE_SERVER, ChatKind, Jid, ParsedJid
from neonize.proto import Neonize_pb2 as N

# Chats whose messages all come from the chat itself (whatsmeow ParseWebMessage).
_SENDER_IS_CHAT_SERVERS = frozenset({PHONE_SERVER, LID_SERVER, NEWSLETTER_SERVER})
# An account has a bounded set of JID strings and a history sync repeats them for every message:
# cached, 7.4 -> 3.4 parses per history message (the rest are the envelope validators') and ~15%
# less translation CPU (bench/connector_bench.py). Invalid JIDs still raise (only results are kept).
_CACHE_SIZE = 32_768
parse_jid: Callable[[str], ParsedJid] = lru_cache(maxsize=_CACHE_SIZE)(ids.parse_jid)
canonical_jid: Callable[[str], Jid] = lru_cache(maxsize=_CACHE_SIZE)(ids.canonical_jid)
chat_kind_of: Callable[[str], ChatKind] = lru_cache(maxsize=_CACHE_SIZE)(ids.chat_kind_of)


def jid_of(proto: Any) -> Jid | None:
    """The canonical JID of a neonize `JID` proto; None for Go's zero JID (no user, no server)."""
    if proto is None or (not proto.User and not proto.Server):
        return None
    return canonical_jid(f"{proto.User}@{proto.Server}")


def required_jid(proto: Any, what: str) -> Jid:
    jid = jid_of(proto)
    if jid is None:
        raise InvalidJid(f"{what}: empty JID")
    return jid


def jid_from_text(text: str) -> Jid | None:
    """A JID string from a waE2E / history proto, where "" means unset."""
    return canonical_jid(text) if text else None


def jid_proto(text: str) -> Any:
    """The neonize `JID` proto of a JID string (device and agent kept), e.g. for get_group_info."""
    parsed = parse_jid(text)
    return N.JID(
        User=parsed.user,
        Server=parsed.server,
        Device=parsed.device,
        RawAgent=parsed.agent,
        Integrator=0,
        IsEmpty=False,
    )


def sender_is_chat(chat: Jid) -> bool:
    """Direct chats and channels: the chat is the sender of every message not from me."""
    return parse_jid(chat).server in _SENDER_IS_CHAT_SERVERS


def is_direct_user(chat: Jid) -> bool:
    return parse_jid(chat).server in (PHONE_SERVER, LID_SERVER)
