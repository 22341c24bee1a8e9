"""Sealed messages (encrypted with the original's message secret) as envelope events.

The caller opens them (`deeplens_connector.unsealing`, whatsmeow's scheme in `msgsecret.py`) and
hands over the plaintext, or why it could not. Opened, each becomes what it would have been unsealed:
an edit the same `edit` event as a plain edit, a reaction a `reaction`, a comment a `message` of its
own. Not opened, it is kept as an `unknown` message whose raw JSON holds the ciphertext and the reason
(`decryptError`), so nothing is lost while the secret is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import Event
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from deeplens_connector.translate.content import unwrap
from deeplens_connector.translate.messages import (
    Sent,
    message_events,
    message_seen,
    reaction_changed,
    target_key,
)

# The fields whatsmeow opens with a message secret (EncEventResponse has no envelope kind: dropped).
SEALED_FIELDS = ("secretEncryptedMessage", "encReactionMessage", "encCommentMessage")
DECRYPT_ERROR = "decryptError"  # the raw JSON key of the reason a sealed message stayed sealed


@dataclass(frozen=True)
class Unsealed:
    """What the caller made of a sealed message: its plaintext (a serialized protobuf), or the reason."""

    plaintext: bytes | None
    error: str | None = None


def sealed_field(message: Any) -> str | None:
    for field in SEALED_FIELDS:
        if message.HasField(field):
            return field
    return None


def sealed_events(
    sent: Sent, message: Any, field: str, unsealed: Unsealed | None, flags: frozenset[str]
) -> list[Event]:
    """The events of an unwrapped message whose `field` is sealed."""
    if unsealed is None or unsealed.plaintext is None:
        return [kept_sealed(sent, message, flags, unsealed.error if unsealed else "not decrypted")]
    try:
        return _opened(sent, getattr(message, field), field, unsealed.plaintext, flags)
    except DecodeError:
        return [kept_sealed(sent, message, flags, "the plaintext is not a protobuf")]


def kept_sealed(sent: Sent, message: Any, flags: frozenset[str], reason: str | None) -> Event:
    """The sealed message as an `unknown` message: its raw JSON keeps the ciphertext and the reason."""
    seen = message_seen(sent, message, flags)
    raw = {**(seen.raw or {}), DECRYPT_ERROR: reason or "not decrypted"}
    return seen.model_copy(update={"raw": raw})


def _opened(sent: Sent, part: Any, field: str, plaintext: bytes, flags: frozenset[str]) -> list[Event]:
    if field == "encReactionMessage":
        return [_reaction(sent, part, E2E.ReactionMessage.FromString(plaintext))]
    inner, inner_flags = unwrap(E2E.Message.FromString(plaintext))
    if field == "secretEncryptedMessage" and not inner.HasField("protocolMessage"):
        inner = _as_edit(part.targetMessageKey, inner)
    return message_events(sent, inner, flags | inner_flags)


def _reaction(sent: Sent, part: Any, reaction: Any) -> Event:
    """The plaintext is a ReactionMessage without its key (whatsmeow EncryptReaction): the key is
    the sealed message's target."""
    at = reaction.senderTimestampMS or sent.timestamp_ms
    target = target_key(sent, part.targetMessageKey)
    return reaction_changed(sent.origin, sent.source, target, reactor=sent.sender, emoji=reaction.text, at=at)


def _as_edit(target: Any, body: Any) -> Any:
    """A phone seals the whole edit (protocolMessage MESSAGE_EDIT, as a plain edit carries); a
    plaintext that is only the new body edits the sealed message's target."""
    change = E2E.ProtocolMessage(type=E2E.ProtocolMessage.MESSAGE_EDIT, key=target, editedMessage=body)
    return E2E.Message(protocolMessage=change)
