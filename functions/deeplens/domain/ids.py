"""WhatsApp identities: typed ids and the JID rules (after mautrix-whatsapp's pkg/waid).

A JID string is `user[.agent][:device]@server`. The agent and device parts name one linked
device of a person; the identity of a chat or a person is `user@server`, lower-cased. A person
may appear under a phone-number JID (@s.whatsapp.net) or a hidden LID (@lid): both are kept, and
the pairing between them is learnt from `lid_mapping`, `contact` and message `sender_alt_jid`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NewType, get_args

from deeplens.domain.errors import InvalidJid

Jid = NewType("Jid", str)  # canonical: user@server, lower-case, no device or agent
MessageId = NewType("MessageId", str)  # unique only within its chat
SessionId = NewType("SessionId", str)  # the WhatsApp account (one connector per account)
FileId = NewType("FileId", str)  # names a media object in the bucket and in /api/media/{file_id}

SESSION_ID_PATTERN = r"^[A-Za-z0-9_.-]{1,128}$"
FILE_ID_PATTERN = r"^[A-Za-z0-9_-]{8,128}$"  # no dots or slashes: safe in a key and a URL path

ChatKind = Literal["direct", "group", "community", "newsletter", "status", "broadcast"]
CHAT_KINDS: tuple[ChatKind, ...] = get_args(ChatKind)
TrackingType = Literal["private", "group", "community", "newsletter", "broadcast", "status"]

PHONE_SERVER = "s.whatsapp.net"
LID_SERVER = "lid"
GROUP_SERVER = "g.us"
NEWSLETTER_SERVER = "newsletter"
BROADCAST_SERVER = "broadcast"
STATUS_USER = "status"
_LEGACY_PHONE_SERVER = "c.us"  # the same person as @s.whatsapp.net
_OTHER_USER_SERVERS = frozenset({"hosted", "hosted.lid", "bot", "msgr", "interop"})
_DIRECT_SERVERS = frozenset({PHONE_SERVER, LID_SERVER}) | _OTHER_USER_SERVERS

_MAX_JID_LENGTH = 128  # the width of every JID column
_JID = re.compile(
    r"(?P<user>[a-z0-9-]+)(?:\.(?P<agent>\d{1,3}))?(?::(?P<device>\d{1,5}))?@(?P<server>[a-z.]+)", re.ASCII
)
_DIGITS = re.compile(r"\d{1,32}", re.ASCII)
_GROUP_USER = re.compile(r"\d{1,32}(?:-\d{1,32})?", re.ASCII)  # old groups: creator-timestamp


@dataclass(frozen=True)
class ParsedJid:
    user: str
    server: str
    device: int = 0
    agent: int = 0

    @property
    def canonical(self) -> Jid:
        return Jid(f"{self.user}@{self.server}")


def parse_jid(raw: str) -> ParsedJid:
    """Split a JID string; raises InvalidJid for anything WhatsApp would not send."""
    if not isinstance(raw, str) or not 0 < len(raw) <= _MAX_JID_LENGTH:
        raise InvalidJid(f"not a JID: {raw!r}")
    match = _JID.fullmatch(raw.lower())
    if match is None:
        raise InvalidJid(f"not a JID: {raw!r}")
    server = PHONE_SERVER if match["server"] == _LEGACY_PHONE_SERVER else match["server"]
    parsed = ParsedJid(match["user"], server, int(match["device"] or 0), int(match["agent"] or 0))
    _check_parts(parsed, raw)
    return parsed


def _check_parts(jid: ParsedJid, raw: str) -> None:
    if jid.device > 0xFFFF or jid.agent > 0xFF:
        raise InvalidJid(f"device or agent out of range in JID {raw!r}")
    if not _user_fits_server(jid.user, jid.server):
        raise InvalidJid(f"unexpected user {jid.user!r} for server {jid.server!r} in JID {raw!r}")


def _user_fits_server(user: str, server: str) -> bool:
    if server == GROUP_SERVER:
        return _GROUP_USER.fullmatch(user) is not None
    if server == BROADCAST_SERVER:
        return user == STATUS_USER or _DIGITS.fullmatch(user) is not None
    if server in _DIRECT_SERVERS or server == NEWSLETTER_SERVER:
        return _DIGITS.fullmatch(user) is not None
    return False  # unknown server


# The same few thousand JIDs are checked again and again (every event names its chat and sender,
# every validator re-checks them): the two hot functions remember their answers. Only strings reach
# the caches (anything else is refused first), and invalid JIDs raise, which is never cached.
_JID_CACHE_SIZE = 16_384


def canonical_jid(raw: str) -> Jid:
    """The identity of a chat or person: `user@server`, lower-case, device and agent stripped."""
    if not isinstance(raw, str):
        raise InvalidJid(f"not a JID: {raw!r}")
    return _canonical_jid(raw)


@lru_cache(maxsize=_JID_CACHE_SIZE)
def _canonical_jid(raw: str) -> Jid:
    return parse_jid(raw).canonical


def chat_kind_of(jid: str) -> ChatKind:
    """The kind a JID alone reveals; a community is a @g.us group whose metadata says so."""
    if not isinstance(jid, str):
        raise InvalidJid(f"not a JID: {jid!r}")
    return _chat_kind_of(jid)


@lru_cache(maxsize=_JID_CACHE_SIZE)
def _chat_kind_of(jid: str) -> ChatKind:
    parsed = parse_jid(jid)
    if parsed.server == GROUP_SERVER:
        return "group"
    if parsed.server == NEWSLETTER_SERVER:
        return "newsletter"
    if parsed.server == BROADCAST_SERVER:
        return "status" if parsed.user == STATUS_USER else "broadcast"
    return "direct"


def kind_fits_jid(kind: str, jid: str) -> bool:
    """Whether a stated chat kind is possible for the JID (a community is a @g.us group)."""
    actual = chat_kind_of(jid)
    return kind == actual or (kind == "community" and actual == "group")


def is_lid(jid: str) -> bool:
    return _server_of(jid) == LID_SERVER


def is_phone_jid(jid: str) -> bool:
    return _server_of(jid) == PHONE_SERVER


# Suffix tests for JIDs already checked or canonical (every JID in a validated envelope, every
# archive row): no parsing, so cheap in per-event loops; is_lid/is_phone_jid parse and refuse
# anything malformed. These and chat_kind_of are the only server tests outside this module's parser.
_GROUP_SUFFIX = f"@{GROUP_SERVER}"
_LID_SUFFIX = f"@{LID_SERVER}"


def has_group_server(jid: str) -> bool:
    """A @g.us JID: a group or a community."""
    return jid.endswith(_GROUP_SUFFIX)


def has_lid_server(jid: str) -> bool:
    """A @lid JID: a person's hidden identity."""
    return jid.endswith(_LID_SUFFIX)


def _server_of(jid: str) -> str | None:
    try:
        return parse_jid(jid).server
    except InvalidJid:
        return None


_TRACKING_TYPES: dict[str, TrackingType] = {
    "direct": "private",
    "group": "group",
    "community": "community",
    "newsletter": "newsletter",
    "broadcast": "broadcast",
    "status": "status",
}


def tracking_type_of(kind: str) -> TrackingType:
    """The seed's `tracking_config.type` for an envelope chat kind ('direct' is 'private')."""
    try:
        return _TRACKING_TYPES[kind]
    except KeyError:
        raise ValueError(f"unknown chat kind {kind!r}") from None
