"""Rows the archive writes, as plain values. Built by `archive_plan`, written by the repository."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MEDIA_STATUS_RANK = {"pending": 0, "skipped": 1, "failed": 2, "unavailable": 3, "stored": 4}
SOURCE_RANK = {"import": 1, "history": 2, "live": 3}


@dataclass(frozen=True)
class ChatRow:
    jid: str
    kind: str
    name: str | None = None
    parent_jid: str | None = None
    unread_count: int | None = None
    is_archived: bool | None = None
    last_msg_timestamp: int | None = None
    info_at: int = 0  # > 0 only for rows from `chat` events: they own name/kind/parent


@dataclass(frozen=True)
class TrackingRow:
    jid: str
    type: str
    name: str | None
    is_tracked: bool


@dataclass(frozen=True)
class MessageRow:
    chat_jid: str
    id: str
    sender_jid: str | None
    sender_alt_jid: str | None
    remote_jid: str | None
    from_me: bool
    push_name: str | None
    content: dict[str, Any] | None
    message_type: str
    text_body: str | None
    file_id: str | None
    quoted_id: str | None
    timestamp: int
    source: str
    flags: int = 0  # deeplens.domain.message_flags bit set
    forwarding_score: int = 0
    ephemeral_timer_s: int | None = None


@dataclass(frozen=True)
class MediaRow:
    file_id: str
    chat_jid: str
    message_id: str
    bucket_key: str | None
    mime: str | None
    size: int | None
    sha256: str | None
    width: int | None
    height: int | None
    duration_s: int | None
    file_name: str | None
    thumbnail: bytes | None
    status: str
    error: str | None


@dataclass(frozen=True)
class VersionRow:
    chat_jid: str
    message_id: str
    edited_at: int
    text_body: str | None
    content: dict[str, Any] | None


@dataclass(frozen=True)
class MarkRow:
    chat_jid: str
    message_id: str
    status: int = 0
    revoked_at: int | None = None
    revoked_by: str | None = None


@dataclass(frozen=True)
class MessageStateRow:
    chat_jid: str
    message_id: str
    state: str  # pinned | kept | starred
    is_on: bool
    changed_at: int
    actor_jid: str | None


@dataclass(frozen=True)
class ChatStateRow:
    chat_jid: str
    state: str  # archived | pinned | muted | marked_unread | unread
    is_on: bool
    value: int | None  # muted: until (ms; None = for ever); unread: the count
    changed_at: int


@dataclass(frozen=True)
class CallRow:
    call_id: str
    chat_jid: str
    caller_jid: str | None
    from_me: bool
    is_video: bool | None
    is_group: bool
    started_at: int | None
    accepted_at: int | None
    ended_at: int | None
    end_reason: str | None
    result: str | None
    duration_s: int | None


@dataclass(frozen=True)
class ReactionRow:
    chat_jid: str
    message_id: str
    reactor_jid: str
    emoji: str
    reacted_at: int


@dataclass(frozen=True)
class PollVoteRow:
    chat_jid: str
    message_id: str
    voter_jid: str
    selected_options: list[str]
    voted_at: int


@dataclass(frozen=True)
class ContactRow:
    jid: str
    lid: str | None
    phone_jid: str | None
    push_name: str | None
    full_name: str | None
    business_name: str | None
    info_at: int


@dataclass(frozen=True)
class ParticipantRow:
    group_jid: str
    participant_jid: str
    is_admin: bool
    is_super_admin: bool
    listed_at: int


@dataclass(frozen=True)
class PictureRow:
    jid: str
    picture_id: str | None  # None: no picture
    bucket_key: str | None
    author_jid: str | None
    changed_at: int


@dataclass(frozen=True)
class ConnectionRow:
    event_id: str
    state: str
    detail: str | None
    occurred_at: int


@dataclass
class ArchivePlan:
    """Everything one record (batch of events) changes, deduplicated per natural key."""

    aliases: dict[str, str] = field(default_factory=dict)  # new LID -> phone JID mappings
    chats: list[ChatRow] = field(default_factory=list)
    tracking: list[TrackingRow] = field(default_factory=list)
    messages: list[MessageRow] = field(default_factory=list)
    media: list[MediaRow] = field(default_factory=list)
    versions: list[VersionRow] = field(default_factory=list)
    marks: list[MarkRow] = field(default_factory=list)
    states: list[MessageStateRow] = field(default_factory=list)
    chat_states: list[ChatStateRow] = field(default_factory=list)
    calls: list[CallRow] = field(default_factory=list)
    reactions: list[ReactionRow] = field(default_factory=list)
    poll_votes: list[PollVoteRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    participants: list[ParticipantRow] = field(default_factory=list)
    connections: list[ConnectionRow] = field(default_factory=list)
    pictures: list[PictureRow] = field(default_factory=list)
