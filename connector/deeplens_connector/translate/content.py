"""What a waE2E.Message says: unwrapping (whatsmeow UnwrapRaw), its type, text, payload and raw JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from deeplens.domain.envelope import MessageType
from deeplens.domain.envelope_parts import ContactCard, Location, Poll

from deeplens_connector.translate.media import MEDIA_FIELDS, kind_of
from deeplens_connector.translate.raw_json import JsonDicts

# (wrapper field, flag it sets) in the order of whatsmeow's events.Message.UnwrapRaw.
_WRAPPERS: tuple[tuple[str, str | None], ...] = (
    ("deviceSentMessage", None),
    ("botInvokeMessage", None),
    ("ephemeralMessage", "ephemeral"),
    ("viewOnceMessage", "view_once"),
    ("viewOnceMessageV2", "view_once"),
    ("viewOnceMessageV2Extension", "view_once"),
    ("lottieStickerMessage", None),
    ("documentWithCaptionMessage", None),
    ("editedMessage", "edit"),
)
WRAPPER_FIELDS = frozenset(field for field, _ in _WRAPPERS)
TRANSPORT_FIELD = "messageContextInfo"  # device list and message secret: transport, not content
_TRANSPORT = frozenset({TRANSPORT_FIELD})
_SENDER_KEY_FIELDS = frozenset({"senderKeyDistributionMessage", "fastRatchetKeySenderKeyDistributionMessage"})
# Actions on other messages that the archive does not model, or cannot decrypt: dropped on purpose.
_DROPPED_ACTIONS = frozenset(
    {
        "encReactionMessage",
        "encEventResponseMessage",
        "encCommentMessage",
    }
)
_SECRET_KEYS = frozenset({"mediaKey", "messageSecret"})  # never in the envelope, the log or the database
_THUMBNAIL_KEYS = ("JPEGThumbnail", "pngThumbnail")  # carried once, as media.thumbnail_b64
_TEXT_FIELDS = frozenset({"conversation", *_SENDER_KEY_FIELDS})  # besides transport: still plain text
_NOT_RAW = frozenset({TRANSPORT_FIELD, *_SENDER_KEY_FIELDS})  # JSON names = field names here
_JSON_DICTS = JsonDicts(_SECRET_KEYS)  # MessageToDict's answer, secrets left out below the top
POLL_FIELDS = (
    "pollCreationMessage",
    "pollCreationMessageV2",
    "pollCreationMessageV3",
    "pollCreationMessageV5",
    "pollCreationMessageV6",
)


def unwrap(message: Any) -> tuple[Any, frozenset[str]]:
    """The innermost message and the flags its wrappers set (history sync keeps the wrappers)."""
    flags: set[str] = set()
    for field, flag in _WRAPPERS:
        if message.HasField(field) and getattr(message, field).HasField("message"):
            message = getattr(message, field).message
            if flag:
                flags.add(flag)
    return message, frozenset(flags)


def unwrap_with_fields(message: Any) -> tuple[Any, frozenset[str], frozenset[str]]:
    """unwrap(message) and the content_fields of the message inside, from one ListFields when
    there is no wrapper (most messages)."""
    names = frozenset([field.name for field, _ in message.ListFields()])
    if names.isdisjoint(WRAPPER_FIELDS):
        return message, frozenset(), names - _TRANSPORT
    inner, flags = unwrap(message)
    return inner, flags, content_fields(inner)


def content_fields(message: Any) -> frozenset[str]:
    return frozenset(field.name for field, _ in message.ListFields() if field.name != TRANSPORT_FIELD)


def is_dropped(message: Any, fields: frozenset[str] | None = None) -> bool:
    """Group key distribution on its own, or an action the archive drops (encrypted reactions).
    `fields`: content_fields(message) when the caller has it already."""
    fields = content_fields(message) if fields is None else fields
    return (bool(fields) and fields <= _SENDER_KEY_FIELDS) or bool(fields & _DROPPED_ACTIONS)


@dataclass(frozen=True)
class Content:
    type: MessageType
    text: str | None = None
    media_field: str | None = None
    location: Location | None = None
    contacts: tuple[ContactCard, ...] = ()
    poll: Poll | None = None


def classify(message: Any, fields: frozenset[str] | None = None) -> Content:
    """The envelope type and payload of an unwrapped message with content (`fields`: its
    content_fields, when the caller has them)."""
    for field, build in _CLASSIFIERS:
        if field in fields if fields is not None else message.HasField(field):
            return build(field, getattr(message, field))
    return Content("unknown")


def _poll(field: str, poll: Any) -> Content:
    options = [option.optionName for option in poll.options]
    return Content(
        "poll", poll=Poll(question=poll.name, options=options, selectable_count=poll.selectableOptionsCount)
    )


def _media(field: str, media: Any) -> Content:
    caption = media.caption if "caption" in media.DESCRIPTOR.fields_by_name else ""
    return Content(kind_of(field, media), text=caption or None, media_field=field)


def _location(field: str, place: Any) -> Content:
    live = field == "liveLocationMessage"
    location = Location(
        latitude=place.degreesLatitude,
        longitude=place.degreesLongitude,
        name=None if live else place.name or None,
        address=None if live else place.address or None,
        live=live or place.isLive,
    )
    return Content("location", text=(place.caption if live else "") or None, location=location)


def _contacts(field: str, payload: Any) -> Content:
    cards = payload.contacts if field == "contactsArrayMessage" else [payload]
    contacts = tuple(ContactCard(display_name=card.displayName or None, vcard=card.vcard) for card in cards)
    return Content("contact", contacts=contacts)


_Classifier = Callable[[str, Any], Content]
_CLASSIFIERS: tuple[tuple[str, _Classifier], ...] = (
    *((field, _poll) for field in POLL_FIELDS),
    ("conversation", lambda field, text: Content("text", text=text)),
    ("extendedTextMessage", lambda field, extended: Content("text", text=extended.text)),
    *((field, _media) for field in MEDIA_FIELDS),
    ("locationMessage", _location),
    ("liveLocationMessage", _location),
    ("contactMessage", _contacts),
    ("contactsArrayMessage", _contacts),
)


def context_of(message: Any) -> Any | None:
    """The ContextInfo (reply, mentions, forwarding, expiry) of the typed message inside."""
    for field, value in message.ListFields():
        if _has_context(field):
            return value.contextInfo if value.HasField("contextInfo") else None
    return None


@lru_cache(maxsize=1024)  # one answer per field of waE2E.Message (descriptors live as long as it)
def _has_context(field: Any) -> bool:
    return field.message_type is not None and "contextInfo" in field.message_type.fields_by_name


def raw_of(
    message: Any, media_field: str | None = None, fields: frozenset[str] | None = None
) -> dict[str, Any]:
    """The message as protobuf JSON (bytes as base64), minus transport (context info, sender keys),
    secrets and the thumbnail already in media.thumbnail_b64 (`fields`: its content_fields)."""
    text = _plain_text(message) if fields is None else _only_text(message, fields)
    if text is not None:  # most messages: what MessageToDict says, without its ~25 µs walk
        return {"conversation": text}
    raw = _JSON_DICTS.convert(message, leave_out=_NOT_RAW)
    if media_field is not None:
        media = raw.get(message.DESCRIPTOR.fields_by_name[media_field].json_name, {})
        for key in _THUMBNAIL_KEYS:
            media.pop(key, None)
    return raw


def _only_text(message: Any, fields: frozenset[str]) -> str | None:
    """_plain_text, from the message's content_fields."""
    return message.conversation if "conversation" in fields and fields <= _TEXT_FIELDS else None


def _plain_text(message: Any) -> str | None:
    """The text of a message that is only `conversation` (besides transport); None otherwise."""
    text = None
    for field, value in message.ListFields():
        if field.name == "conversation":
            text = value
        elif field.name != TRANSPORT_FIELD and field.name not in _SENDER_KEY_FIELDS:
            return None
    return text
