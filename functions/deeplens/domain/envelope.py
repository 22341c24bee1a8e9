"""Envelope v1: the events the connector writes and ingest reads (docs/envelope.md).

One JSON object per event. `kind` selects the model; `v` is checked before anything else so a
future version is refused as such (UnsupportedVersion) rather than as a pile of field errors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, TypeAdapter, ValidationError, model_validator

from deeplens.domain.envelope_parts import (
    Body,
    CanonicalJid,
    ContactCard,
    ContractModel,
    Count,
    Detail,
    EventId,
    LidJid,
    Location,
    Media,
    MessageFlags,
    MessageIdField,
    MessageKey,
    Name,
    Participant,
    PhoneJid,
    Poll,
    SessionIdField,
    Source,
    TimestampMs,
    check_version,
    describe,
    load_json_object,
)
from deeplens.domain.errors import InvalidEnvelope
from deeplens.domain.ids import GROUP_SERVER, ChatKind, has_group_server, kind_fits_jid
from deeplens.domain.pictures import PICTURE_ID_PATTERN, picture_key

MessageType = Literal[
    "text",
    "image",
    "video",
    "audio",
    "voice",
    "document",
    "sticker",
    "location",
    "contact",
    "poll",
    "unknown",
]
MEDIA_TYPES: frozenset[str] = frozenset({"image", "video", "audio", "voice", "document", "sticker"})
ConnectionState = Literal[
    "starting",
    "waiting_for_qr",
    "paired",
    "connecting",
    "connected",
    "reconnecting",
    "offline",
    "logged_out",
    "replaced",
    "outdated",
    "failed",
]
RECEIPT_SENT, RECEIPT_DELIVERED, RECEIPT_READ, RECEIPT_PLAYED = 0, 1, 2, 3
ReceiptStatus = Annotated[int, Field(ge=RECEIPT_SENT, le=RECEIPT_PLAYED)]


class EventBase(ContractModel):
    """Fields common to every event. `event_id` is stable across retries (dedupe key)."""

    v: Literal[1] = 1
    kind: str  # each event narrows it to its own literal: the discriminator
    event_id: EventId
    session: SessionIdField
    occurred_at_ms: TimestampMs
    source: Source


class MessageSeen(EventBase):
    """A message as sent or received, live or from the history sync."""

    kind: Literal["message"] = "message"
    chat_jid: CanonicalJid
    chat_kind: ChatKind
    message_id: MessageIdField
    sender_jid: CanonicalJid  # always set; from_me says it is the account's own
    sender_alt_jid: CanonicalJid | None = None  # the sender's other identity (LID <-> phone)
    from_me: bool
    push_name: Name | None = None
    timestamp_ms: TimestampMs
    type: MessageType
    text: Body | None = None  # text, or the caption of a media message
    media: Media | None = None
    quoted: MessageKey | None = None
    mentions: list[CanonicalJid] = Field(default_factory=list)
    flags: MessageFlags = MessageFlags()
    location: Location | None = None
    contacts: list[ContactCard] = Field(default_factory=list)
    poll: Poll | None = None
    raw: dict[str, Any] | None = None  # the protobuf as JSON, for the `content` column

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not kind_fits_jid(self.chat_kind, self.chat_jid):
            raise ValueError(f"chat_kind {self.chat_kind!r} is impossible for {self.chat_jid}")
        missing = _missing_payload(self)
        if missing:
            raise ValueError(f"a {self.type} message needs {missing}")
        return self


def _missing_payload(message: MessageSeen) -> str | None:
    if message.type in MEDIA_TYPES and message.media is None:
        return "media"
    if message.type == "location" and message.location is None:
        return "location"
    if message.type == "contact" and not message.contacts:
        return "contacts"
    if message.type == "poll" and message.poll is None:
        return "poll"
    return None


class MessageEdited(EventBase):
    kind: Literal["edit"] = "edit"
    target: MessageKey
    new_text: Body | None = None
    new_raw: dict[str, Any] | None = None
    edited_at_ms: TimestampMs


class MessageRevoked(EventBase):
    """Deleted for everyone; the archive keeps the content and marks it deleted."""

    kind: Literal["revoke"] = "revoke"
    target: MessageKey
    revoked_by: CanonicalJid  # the sender, or a group admin
    revoked_at_ms: TimestampMs


class ReactionChanged(EventBase):
    kind: Literal["reaction"] = "reaction"
    target: MessageKey
    reactor_jid: CanonicalJid
    emoji: Annotated[str, Field(max_length=64)]  # "" = reaction removed
    reacted_at_ms: TimestampMs


class ReceiptReported(EventBase):
    kind: Literal["receipt"] = "receipt"
    chat_jid: CanonicalJid
    message_ids: Annotated[list[MessageIdField], Field(min_length=1)]
    reader_jid: CanonicalJid | None = None  # the participant, in groups
    status: ReceiptStatus  # 0 sent, 1 delivered, 2 read, 3 played
    receipt_at_ms: TimestampMs


class PollVoteCast(EventBase):
    kind: Literal["poll_vote"] = "poll_vote"
    target: MessageKey
    voter_jid: CanonicalJid
    selected_options: list[Name]  # option names, or sha256 hex of them when undecodable; [] = retracted
    voted_at_ms: TimestampMs


MessageState = Literal["pinned", "kept", "starred"]


class MessageStateChanged(EventBase):
    """A message pinned in its chat or unpinned, kept in a disappearing chat or let go, starred by
    the account or unstarred: the newest change per (message, state) wins."""

    kind: Literal["message_state"] = "message_state"
    target: MessageKey
    state: MessageState
    on: bool  # pinned / kept / starred, or the opposite
    actor_jid: CanonicalJid | None = None  # who pinned or kept it (starring is the account's own)
    changed_at_ms: TimestampMs


CallStep = Literal["offer", "accept", "terminate", "log"]
CallResult = Literal[  # WhatsApp's CallLogRecord.CallResult, lower-case
    "connected",
    "rejected",
    "cancelled",
    "accepted_elsewhere",
    "missed",
    "invalid",
    "unavailable",
    "upcoming",
    "failed",
    "abandoned",
    "ongoing",
]
CallIdField = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,128}$")]


class CallLogged(EventBase):
    """One step of a voice or video call (offered, accepted, terminated: live), or a whole call-log
    entry (`log`: from the history sync, with its result and duration). Steps of one call share
    `call_id`; ingest folds them into one call in any order."""

    kind: Literal["call"] = "call"
    call_id: CallIdField
    chat_jid: CanonicalJid  # the other party of a 1:1 call, or the group
    caller_jid: CanonicalJid | None = None  # who started the call
    from_me: bool  # the account started it
    step: CallStep
    at_ms: TimestampMs  # when this step happened (a log entry: when the call started)
    video: bool | None = None  # None: this step does not say
    group: bool = False
    reason: Detail | None = None  # terminate: WhatsApp's reason
    result: CallResult | None = None  # log: how the call ended
    duration_s: Count | None = None  # log: how long it lasted


class ChatUpdated(EventBase):
    """A chat discovered or changed. Only this event can say `community` (it needs metadata)."""

    kind: Literal["chat"] = "chat"
    jid: CanonicalJid
    name: Name | None = None
    chat_kind: ChatKind  # not `kind`: that is the event's discriminator
    parent_jid: CanonicalJid | None = None  # the community of a group
    participants: list[Participant] | None = None  # None: not known in this event
    unread_count: Count | None = None
    is_archived: bool | None = None
    last_msg_timestamp_ms: TimestampMs | None = None
    # The connector's tracking decision for a chat it saw first and found no choice for (its
    # DEFAULT_TRACK_*); ingest applies it instead of its own default. None: nothing decided here.
    is_tracked: bool | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not kind_fits_jid(self.chat_kind, self.jid):
            raise ValueError(f"chat_kind {self.chat_kind!r} is impossible for {self.jid}")
        if self.parent_jid is not None and not has_group_server(self.parent_jid):
            raise ValueError(f"parent_jid must be a community (@{GROUP_SERVER}), got {self.parent_jid}")
        return self


class ChatStateChanged(EventBase):
    """A chat's state as WhatsApp's app state keeps it (archived, pinned, muted, marked unread, its
    unread count), as of `changed_at_ms`. None: this event does not say. Per chat and state the
    newest value wins, so an older replay never overwrites a newer one."""

    kind: Literal["chat_state"] = "chat_state"
    chat_jid: CanonicalJid
    chat_kind: ChatKind
    archived: bool | None = None
    pinned: bool | None = None
    muted: bool | None = None
    muted_until_ms: TimestampMs | None = None  # muted: until when (None: for ever)
    marked_unread: bool | None = None
    unread_count: Count | None = None
    changed_at_ms: TimestampMs

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if not kind_fits_jid(self.chat_kind, self.chat_jid):
            raise ValueError(f"chat_kind {self.chat_kind!r} is impossible for {self.chat_jid}")
        return self


GroupChange = Literal[
    "subject", "description", "announce", "locked", "ephemeral", "joined", "added", "left", "removed",
    "promoted", "demoted", "invite_link", "deleted",
]  # fmt: skip


class GroupChanged(EventBase):
    """One change of a group as its timeline shows it ("Anna changed the subject to ...",
    "Bob added Carla"): kept as a `system` entry among the chat's messages."""

    kind: Literal["group_change"] = "group_change"
    chat_jid: CanonicalJid
    change: GroupChange
    actor_jid: CanonicalJid | None = None  # who did it (None: WhatsApp did not say)
    participants: list[CanonicalJid] = Field(default_factory=list)  # joined/added/left/removed/...
    value: Body | None = None  # the new subject or description
    on: bool | None = None  # announce / locked / ephemeral switched on or off
    timer_s: Count | None = None  # ephemeral: the disappearing-messages timer
    changed_at_ms: TimestampMs


class ContactUpdated(EventBase):
    kind: Literal["contact"] = "contact"
    jid: CanonicalJid
    lid: LidJid | None = None
    phone_jid: PhoneJid | None = None
    push_name: Name | None = None
    full_name: Name | None = None
    business_name: Name | None = None


PictureIdField = Annotated[str, StringConstraints(pattern=PICTURE_ID_PATTERN)]


class PictureChanged(EventBase):
    """A contact's or chat's profile picture as the connector fetched it: stored in the media
    bucket under `key` (profile/{jid}/{picture_id}.jpg), or none (`picture_id` None: removed, never
    set, or hidden from this account). Per JID the newest `changed_at_ms` wins."""

    kind: Literal["picture"] = "picture"
    jid: CanonicalJid
    picture_id: PictureIdField | None = None
    key: Annotated[str, StringConstraints(max_length=1024)] | None = None
    author_jid: CanonicalJid | None = None  # who changed it (a group admin), when WhatsApp said
    changed_at_ms: TimestampMs

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        expected = picture_key(self.jid, self.picture_id) if self.picture_id is not None else None
        if self.key != expected:
            raise ValueError(f"key must be {expected!r} for picture {self.picture_id!r}")
        return self


class LidMapped(EventBase):
    """One person's hidden LID and phone-number JID are the same identity."""

    kind: Literal["lid_mapping"] = "lid_mapping"
    lid: LidJid
    phone_jid: PhoneJid


class ConnectionChanged(EventBase):
    kind: Literal["connection"] = "connection"
    state: ConnectionState
    detail: Detail | None = None


Event = Annotated[
    MessageSeen
    | MessageEdited
    | MessageRevoked
    | ReactionChanged
    | ReceiptReported
    | PollVoteCast
    | MessageStateChanged
    | CallLogged
    | ChatUpdated
    | ChatStateChanged
    | GroupChanged
    | ContactUpdated
    | LidMapped
    | PictureChanged
    | ConnectionChanged,
    Field(discriminator="kind"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)
EVENT_MODELS: tuple[type[EventBase], ...] = (
    MessageSeen,
    MessageEdited,
    MessageRevoked,
    ReactionChanged,
    ReceiptReported,
    PollVoteCast,
    MessageStateChanged,
    CallLogged,
    ChatUpdated,
    ChatStateChanged,
    GroupChanged,
    ContactUpdated,
    LidMapped,
    PictureChanged,
    ConnectionChanged,
)
EVENT_KINDS: tuple[str, ...] = tuple(model.model_fields["kind"].default for model in EVENT_MODELS)


def parse_event(data: dict[str, Any] | str | bytes) -> Event:
    """A validated event; InvalidEnvelope (UnsupportedVersion for `v` != 1) with a one-line reason."""
    payload = load_json_object(data, "envelope")
    check_version(payload)
    try:
        return EVENT_ADAPTER.validate_python(payload)
    except ValidationError as error:
        raise InvalidEnvelope(describe(error)) from error


EVENTS_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(list[Event])


def parse_events(items: list[dict[str, Any]]) -> list[Event]:
    """A whole batch at once (one validator call, ~35% cheaper than one call per event); when it
    fails, the events are parsed one by one so the error names the first bad one."""
    if all(isinstance(item, dict) and type(item.get("v")) is int and item["v"] == 1 for item in items):
        try:
            return EVENTS_ADAPTER.validate_python(items)
        except ValidationError:
            pass
    events = []
    for index, item in enumerate(items):
        try:
            events.append(parse_event(item))
        except InvalidEnvelope as error:
            event_id = item.get("event_id", "?") if isinstance(item, dict) else "?"
            raise type(error)(f"event #{index} ({event_id}): {error}") from error
    return events


def dump_event(event: Event) -> dict[str, Any]:
    """The JSON-safe dict of an event, every field present (None included), by field name."""
    return event.model_dump(mode="json", exclude_none=False)
