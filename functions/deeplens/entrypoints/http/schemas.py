"""Request and response models: what the OpenAPI document promises to clients (the frontend)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from deeplens.domain.calls import CallOutcome
from deeplens.domain.ids import ChatKind

EpochMs = int


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable reason, e.g. not_found, invalid_request")
    message: str
    field: str | None = Field(default=None, description="the input that was refused")


class ErrorResponse(BaseModel):
    error: ErrorBody


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    dependencies: dict[str, str] = Field(description="'ok' or 'down: <reason>' per dependency")


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1024)


class LoginResult(BaseModel):
    expires_at: datetime


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1, max_length=100, pattern=r"^[^\x00]+$", description="what the token is for"
    )
    expires_in_days: int | None = Field(default=None, ge=1, le=3650, description="none: never expires")


class TokenCreated(BaseModel):
    id: uuid.UUID
    name: str
    token: str = Field(description="send as `Authorization: Bearer <token>`; shown only this once")
    created_at: datetime
    expires_at: datetime | None


class ConnectorSession(BaseModel):
    session_id: str
    state: str = Field(description="the connector's state; 'unknown' before it ever reported")
    detail: str | None
    qr_code: str | None = Field(description="the pairing QR string to render, while pairing")
    qr_expires_at: datetime | None
    pair_code: str | None = Field(
        description="while pairing by phone number: the link code to enter on the phone, ABCD-EFGH"
    )
    pair_code_expires_at: datetime | None
    account_jid: str | None
    history_progress: int | None = Field(description="history sync progress, 0-100")
    updated_at: datetime | None
    has_archive: bool = Field(description="the archive holds at least one chat or message of this session")


class PairPhoneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    phone: str = Field(
        min_length=1,
        max_length=40,
        description="with country code: digits, an optional leading +, spaces, dashes, parentheses",
        examples=["+49 151 1234 5678"],
    )


class CommandAccepted(BaseModel):
    command: Literal["pair_phone", "logout", "restart", "new_code"] = Field(
        description="queued for the connector, which acts within a few seconds (see GET /api/session)"
    )


class LastMessage(BaseModel):
    id: str
    type: str
    text: str | None
    sender_jid: str | None
    from_me: bool
    deleted: bool
    timestamp: EpochMs


class Chat(BaseModel):
    jid: str
    name: str | None
    kind: ChatKind
    parent_jid: str | None
    unread_count: int | None = Field(description="messages not read yet; null until WhatsApp said")
    is_archived: bool | None
    is_pinned: bool = Field(description="pinned to the top of the chat list")
    is_muted: bool = Field(description="notifications muted now")
    muted_until: EpochMs | None = Field(description="muted until; null when muted for ever or not muted")
    marked_unread: bool = Field(description="marked as unread on the phone, not read since")
    last_message_at: EpochMs | None
    is_tracked: bool
    auto_download_media: bool
    last_message: LastMessage | None
    avatar_url: str | None = Field(
        default=None, description="the chat's (or the person's) profile picture, JPEG; none: initials"
    )


class ChatPage(BaseModel):
    items: list[Chat]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page")


class Participant(BaseModel):
    jid: str
    name: str | None
    is_admin: bool
    is_super_admin: bool
    avatar_url: str | None = Field(default=None, description="their profile picture, JPEG")


class ChatDetail(Chat):
    message_count: int
    participants: list[Participant]


class Reaction(BaseModel):
    emoji: str
    reactor_jid: str
    reacted_at: EpochMs


class PollVote(BaseModel):
    voter_jid: str
    selected_options: list[str] = Field(description="option names; empty when the vote was withdrawn")
    voted_at: EpochMs


class Quoted(BaseModel):
    id: str
    sender_jid: str | None = Field(description="null when the quoted message is not archived")
    text: str | None
    type: str | None


class MediaInfo(BaseModel):
    file_id: str
    mime: str | None
    size: int | None
    width: int | None
    height: int | None
    duration_s: int | None
    file_name: str | None
    status: str = Field(description="stored | skipped | failed | unavailable | pending")
    url: str | None = Field(description="redirects to the file; null when it is not stored")
    thumbnail_url: str | None


class MessageFlags(BaseModel):
    forwarded: bool
    forwarding_score: int = Field(description="how often it was forwarded along the way")
    forwarded_many_times: bool = Field(description="forwarding_score >= 5 (WhatsApp's label)")
    view_once: bool
    ephemeral: bool = Field(description="sent in a chat with disappearing messages")
    ephemeral_timer_s: int | None = Field(description="the disappearing timer it was sent with")
    mentions_everyone: bool = Field(description="@all, or a whole group mentioned")
    from_bot: bool
    from_business: bool = Field(description="sent by a verified business account")
    pinned_at: EpochMs | None = Field(description="pinned in the chat since; null when not pinned")
    kept: bool = Field(description="kept in the chat although messages disappear")
    starred: bool


class SystemMember(BaseModel):
    jid: str
    name: str | None


class SystemEntry(BaseModel):
    """A group change in the timeline: the UI words it from these fields (names are plain text)."""

    change: str = Field(
        description="subject | description | announce | locked | ephemeral | joined | added | left | removed"
        " | promoted | demoted | invite_link | deleted"
    )
    actor_jid: str | None = Field(description="who did it; null when WhatsApp did not say")
    actor_name: str | None
    participants: list[SystemMember] = Field(description="who joined, was added, removed, promoted, ...")
    value: str | None = Field(description="the new subject or description (null: removed)")
    on: bool | None = Field(description="announce / locked / ephemeral switched on or off")
    timer_s: int | None = Field(description="ephemeral: the disappearing-messages timer")


class CallEntry(BaseModel):
    """A call in the timeline, as its folded call says (see /api/calls)."""

    call_id: str
    video: bool | None
    group: bool
    outcome: CallOutcome
    duration_s: int | None


class Message(BaseModel):
    chat_jid: str
    id: str
    sender_jid: str | None
    sender_alt_jid: str | None
    sender_name: str | None = Field(
        description="address book name, else push name, else business name (WhatsApp's order);"
        " none: show the number"
    )
    sender_avatar_url: str | None = Field(default=None, description="the sender's profile picture, JPEG")
    from_me: bool
    timestamp: EpochMs
    type: str
    text: str | None
    status: int = Field(description="0 sent, 1 delivered, 2 read, 3 played")
    edited_at: EpochMs | None
    deleted_at: EpochMs | None = Field(description="revoked at; the content is kept")
    deleted_by: str | None
    source: Literal["live", "history", "import"]
    content: dict[str, Any] | None = Field(description="the raw WhatsApp message (protobuf as JSON)")
    quoted: Quoted | None
    reactions: list[Reaction]
    poll_votes: list[PollVote] = Field(description="polls: each voter's current vote, oldest first")
    versions_count: int = Field(description="number of edits")
    media: MediaInfo | None
    flags: MessageFlags
    system: SystemEntry | None = Field(default=None, description="type `system`: a group change")
    call: CallEntry | None = Field(default=None, description="type `call`: a call-log entry")


class Call(BaseModel):
    call_id: str
    chat_jid: str = Field(description="the other party of a 1:1 call, or the group")
    chat_name: str | None
    caller_jid: str | None
    caller_name: str | None
    from_me: bool
    video: bool | None = Field(description="null when no step said")
    group: bool
    started_at: EpochMs = Field(description="0 when only the call's end is known")
    ended_at: EpochMs | None
    outcome: CallOutcome
    end_reason: str | None = Field(description="WhatsApp's terminate reason, when seen live")
    duration_s: int | None


class CallPage(BaseModel):
    items: list[Call] = Field(description="newest first")
    next_cursor: str | None = Field(description="pass as `cursor` for older calls")


class MessagePage(BaseModel):
    items: list[Message] = Field(description="oldest first")
    has_older: bool
    has_newer: bool
    older_cursor: str | None = Field(description="pass as `before` for older messages")
    newer_cursor: str | None = Field(description="pass as `after` for newer messages")


class Version(BaseModel):
    edited_at: EpochMs
    is_original: bool
    text: str | None


class VersionList(BaseModel):
    chat_jid: str
    message_id: str
    versions: list[Version] = Field(description="oldest first; the original leads when known")


class SearchHit(Message):
    chat_name: str | None
    rank: float
    snippet: str = Field(description="HTML-escaped text with the matches in <mark>…</mark>")


class SearchPage(BaseModel):
    items: list[SearchHit]
    next_cursor: str | None


class TrackingItem(BaseModel):
    jid: str
    name: str | None
    kind: ChatKind
    is_tracked: bool
    auto_download_media: bool
    message_count: int
    last_activity: EpochMs | None


class TrackingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    is_tracked: bool | None = None
    auto_download_media: bool | None = None


class HeldReplay(BaseModel):
    state: Literal["running", "done", "failed"]
    batches: int
    at: EpochMs | None = None
    error: str | None = None


class HeldStatus(BaseModel):
    """Untracked chats' content held for `retention_days` (0: none), and the replays of chats tracked."""

    retention_days: int
    replays: dict[str, HeldReplay]


class HeldForgotten(BaseModel):
    deleted: int
