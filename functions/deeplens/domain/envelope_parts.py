"""Field types and sub-models of envelope v1, and the helpers that turn bad input into one line."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from deeplens.domain.errors import InvalidEnvelope, InvalidJid, UnsupportedVersion
from deeplens.domain.ids import FILE_ID_PATTERN, SESSION_ID_PATTERN, canonical_jid, is_lid, is_phone_jid

ENVELOPE_VERSION = 1
MAX_TIMESTAMP_MS = 32_503_680_000_000  # year 3000: catches microseconds passed as milliseconds
MAX_THUMBNAIL_BYTES = 64 * 1024
_MAX_THUMBNAIL_B64 = (MAX_THUMBNAIL_BYTES + 2) // 3 * 4

Source = Literal["live", "history", "import"]
MediaStatus = Literal["stored", "skipped", "failed", "unavailable", "pending"]


def _canonical(value: str) -> str:
    try:
        return canonical_jid(value)
    except InvalidJid as error:
        raise ValueError(str(error)) from None


def _server_check(predicate: Callable[[str], bool], server: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not predicate(value):
            raise ValueError(f"expected a JID @{server}, got {value!r}")
        return value

    return check


def _thumbnail(value: str) -> str:
    try:
        data = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None
    if len(data) > MAX_THUMBNAIL_BYTES:
        raise ValueError(f"thumbnail is {len(data)} bytes, more than {MAX_THUMBNAIL_BYTES}")
    return value


# A JID stored canonical: lower-case, device and agent stripped (garbage is refused).
CanonicalJid = Annotated[
    str, AfterValidator(_canonical), Field(description="WhatsApp JID, stored as user@server")
]
LidJid = Annotated[
    str,
    AfterValidator(_canonical),
    AfterValidator(_server_check(is_lid, "lid")),
    Field(description="hidden-identity JID: user@lid"),
]
PhoneJid = Annotated[
    str,
    AfterValidator(_canonical),
    AfterValidator(_server_check(is_phone_jid, "s.whatsapp.net")),
    Field(description="phone-number JID: user@s.whatsapp.net"),
]
MessageIdField = Annotated[str, StringConstraints(pattern=r"^[!-~]{1,128}$")]  # printable ASCII
SessionIdField = Annotated[str, StringConstraints(pattern=SESSION_ID_PATTERN)]
FileIdField = Annotated[str, StringConstraints(pattern=FILE_ID_PATTERN)]
EventId = Annotated[str, StringConstraints(min_length=1, max_length=200)]
TimestampMs = Annotated[int, Field(ge=0, le=MAX_TIMESTAMP_MS)]
Count = Annotated[int, Field(ge=0)]
Name = Annotated[str, StringConstraints(max_length=1024)]
Body = Annotated[str, StringConstraints(max_length=200_000)]  # WhatsApp caps text at 65,536 chars
Detail = Annotated[str, StringConstraints(max_length=4000)]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Thumbnail = Annotated[str, StringConstraints(max_length=_MAX_THUMBNAIL_B64), AfterValidator(_thumbnail)]


class ContractModel(BaseModel):
    """Strict: JSON types only (no "12" for 12), unknown fields refused, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class MessageKey(ContractModel):
    """Names a message: ids are unique only within their chat."""

    chat_jid: CanonicalJid
    message_id: MessageIdField
    sender_jid: CanonicalJid | None = None


class Media(ContractModel):
    file_id: FileIdField
    key: Annotated[str, StringConstraints(min_length=1, max_length=1024)] | None = None  # None: no bytes
    mime: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    size: Count | None = None
    sha256: Sha256Hex | None = None
    duration_s: Count | None = None
    width: Count | None = None
    height: Count | None = None
    file_name: Name | None = None
    thumbnail_b64: Thumbnail | None = None
    status: MediaStatus
    error: Detail | None = None

    @model_validator(mode="after")
    def _key_only_when_stored(self) -> Self:
        if (self.status == "stored") != (self.key is not None):
            raise ValueError("media.key is set exactly when media.status is 'stored'")
        if self.key is not None and not self.key.rsplit("/", 1)[-1].startswith(f"{self.file_id}."):
            raise ValueError(f"media.key {self.key!r} does not name file {self.file_id}")
        return self


class MessageFlags(ContractModel):
    """What WhatsApp says about a message besides its content. Every field has a default: an
    envelope written before a field existed still parses (2026-12-06)."""

    view_once: bool = False
    ephemeral: bool = False  # sent in a disappearing chat
    forwarded: bool = False
    forwarding_score: Count = 0  # times forwarded along the way; >= 5 is "forwarded many times"
    ephemeral_timer_s: Count | None = None  # the disappearing timer it was sent with
    mentions_everyone: bool = False  # @all (nonJIDMentions) or a mentioned group (groupMentions)
    from_bot: bool = False  # a bot's answer (botMetadata, botInvokeMessage, 1P business bot)
    from_business: bool = False  # a verified business account sent it


class Location(ContractModel):
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    name: Name | None = None
    address: Name | None = None
    live: bool = False


class ContactCard(ContractModel):
    display_name: Name | None = None
    vcard: Body


class Poll(ContractModel):
    question: Name
    options: Annotated[list[Name], Field(min_length=1, max_length=100)]
    selectable_count: Count  # 0: any number of options


class Participant(ContractModel):
    jid: CanonicalJid
    is_admin: bool = False
    is_super_admin: bool = False


def load_json_object(data: Any, what: str) -> dict[str, Any]:
    """A JSON object from bytes, text or an already decoded dict; InvalidEnvelope otherwise."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            raise InvalidEnvelope(f"{what}: not JSON ({error})") from None
        except RecursionError:
            raise InvalidEnvelope(f"{what}: JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidEnvelope(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def check_version(data: dict[str, Any], prefix: str = "") -> None:
    """`v` must be present and exactly 1; any other value is a version this code cannot read."""
    if "v" not in data:
        raise InvalidEnvelope(f"{_path(prefix, 'v')}: Field required")
    version = data["v"]
    if type(version) is not int or version != ENVELOPE_VERSION:
        raise UnsupportedVersion(
            f"{_path(prefix, 'v')}: unsupported version {version!r} (this code reads {ENVELOPE_VERSION})"
        )


def describe(error: ValidationError, prefix: str = "") -> str:
    """`field.path: message` for the first problem, and how many more there are (one line)."""
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    path = ".".join(str(part) for part in first["loc"])
    if not path and first["type"].startswith("union_tag"):
        path = "kind"
    message = " ".join(str(first["msg"]).split())
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{_path(prefix, path) or 'envelope'}: {message}{more}"


def _path(prefix: str, path: str) -> str:
    return ".".join(part for part in (prefix, path) if part)
