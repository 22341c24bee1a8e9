"""History-sync messages (`WebMessageInfo`): a port of whatsmeow's ParseWebMessage, then the live rules.

Wrappers are still on (unwrapped here); an edit acts on its target; a message deleted for everyone
is a REVOKE stub. Reactions and poll votes sit on the message they target instead of being
messages of their own, and the votes are already decrypted; so do its starred, pinned and
kept-in-chat states.
"""

from __future__ import annotations

from typing import Any

from deeplens.domain.envelope import Event
from deeplens.domain.envelope_parts import MessageKey
from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import Jid
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import KeepType
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import PinInChat, WebMessageInfo

from deeplens_connector.translate.common import Origin
from deeplens_connector.translate.content import classify, content_fields, unwrap_with_fields
from deeplens_connector.translate.group_changes import is_group_stub, stub_group_change
from deeplens_connector.translate.jids import canonical_jid, jid_from_text, sender_is_chat
from deeplens_connector.translate.messages import (
    Sent,
    message_events,
    message_revoked,
    message_state,
    placeholder,
    poll_vote_cast,
    reaction_changed,
    selected_names,
)

_REVOKE_STUBS = frozenset({WebMessageInfo.REVOKE, WebMessageInfo.ADMIN_REVOKE})
_PLACEHOLDER_STUBS = frozenset(
    {0, WebMessageInfo.CIPHERTEXT}
)  # group stubs: group_changes.py; others dropped


def web_sent(origin: Origin, chat_text: str, web: Any) -> Sent:
    """Port of whatsmeow ParseWebMessage: the chat, the sender, the time (seconds -> ms)."""
    chat = canonical_jid(chat_text or web.key.remoteJID)
    return Sent(
        origin=origin,
        source="history",
        chat=chat,
        message_id=web.key.ID,
        sender=_web_sender(origin, chat, web),
        from_me=web.key.fromMe,
        timestamp_ms=web.messageTimestamp * 1000,
        push_name=web.pushName or None,
    )


def _web_sender(origin: Origin, chat: Jid, web: Any) -> Jid:
    if web.key.fromMe:
        own = jid_from_text(web.originalSelfAuthorUserJIDString) or origin.own_jid
        if own is None:
            raise InvalidJid("own JID unknown: cannot attribute a message from me")
        return own
    if sender_is_chat(chat):
        return chat
    participant = web.participant or web.key.participant
    if not participant:
        raise InvalidJid(f"couldn't find sender of message {web.key.ID}")
    return canonical_jid(participant)


def web_message_events(sent: Sent, web: Any) -> list[Event]:
    """The message itself, or what it does: a REVOKE stub deletes it, other stubs are dropped."""
    if web.messageStubType in _REVOKE_STUBS:
        return [
            message_revoked(sent.origin, "history", _target(sent), _revoker(sent, web), sent.timestamp_ms)
        ]
    none = frozenset[str]()
    message, flags, fields = (
        unwrap_with_fields(web.message) if web.HasField("message") else (None, none, none)
    )
    if not fields:
        return _stub_events(sent, web)
    if web.verifiedBizName or web.is1PBizBotMessage:
        flags = flags | _web_markers(web)
    return message_events(sent, message, flags, fields=fields)


def _stub_events(sent: Sent, web: Any) -> list[Event]:
    """A message without content: a placeholder, a group change (a timeline entry), or nothing."""
    if web.messageStubType in _PLACEHOLDER_STUBS:
        return [placeholder(sent)]
    if is_group_stub(web):
        change = stub_group_change(sent.origin, sent.chat, sent.sender, sent.timestamp_ms, web)
        return [change] if change is not None else []
    return []


def _web_markers(web: Any) -> frozenset[str]:
    """The sender's markers history keeps on the message: a verified business, a business bot."""
    return frozenset(
        flag
        for flag, present in (("business", web.verifiedBizName), ("bot", web.is1PBizBotMessage))
        if present
    )


_WEB_PINS = {PinInChat.PIN_FOR_ALL: True, PinInChat.UNPIN_FOR_ALL: False}
_WEB_KEEPS = {KeepType.KEEP_FOR_ALL: True, KeepType.UNDO_KEEP_FOR_ALL: False}


def has_states(web: Any) -> bool:
    """Whether history says the message is starred, or keeps its pin or keep-in-chat state."""
    return bool(web.starred or web.HasField("pinInChat") or web.HasField("keepInChat"))


def web_states(sent: Sent, web: Any) -> list[Event]:
    """Starred (when; history says only that it is, not since when: the sync's time), pinned or
    unpinned, kept or let go, as `message_state` events on the message itself."""
    target = _target(sent)
    events: list[Event] = []
    if web.starred:
        events.append(message_state(sent.origin, "history", target, "starred", on=True, actor=None,
                                    at=sent.origin.now_ms))  # fmt: skip
    pin = web.pinInChat if web.HasField("pinInChat") else None
    if pin is not None and pin.type in _WEB_PINS:
        at = pin.senderTimestampMS or pin.serverTimestampMS or sent.timestamp_ms
        events.append(message_state(sent.origin, "history", target, "pinned", on=_WEB_PINS[pin.type],
                                    actor=None, at=at))  # fmt: skip
    keep = web.keepInChat if web.HasField("keepInChat") else None
    if keep is not None and keep.keepType in _WEB_KEEPS:
        at = keep.clientTimestampMS or keep.serverTimestampMS or sent.timestamp_ms
        events.append(message_state(sent.origin, "history", target, "kept", on=_WEB_KEEPS[keep.keepType],
                                    actor=jid_from_text(keep.deviceJID), at=at))  # fmt: skip
    return events


def _revoker(sent: Sent, web: Any) -> Jid:
    """The admin, when an admin-revoke stub names one; else the sender (history says no more)."""
    if web.messageStubType == WebMessageInfo.ADMIN_REVOKE and web.messageStubParameters:
        try:
            return canonical_jid(web.messageStubParameters[0])
        except InvalidJid:
            pass
    return sent.sender


def _actor(sent: Sent, key: Any) -> Jid:
    """Who sent the reaction or vote with this key, on a message in `sent`'s chat."""
    if key.fromMe:
        if sent.origin.own_jid is None:
            raise InvalidJid("own JID unknown: cannot attribute a reaction or vote from me")
        return sent.origin.own_jid
    if key.participant:
        return canonical_jid(key.participant)
    if sender_is_chat(sent.chat):
        return sent.chat
    raise InvalidJid(f"no participant in key {key.ID}")


def _target(sent: Sent) -> MessageKey:
    """The history message itself, as the target of a revoke stub or of the reactions and votes on it."""
    return MessageKey(chat_jid=sent.chat, message_id=sent.message_id, sender_jid=sent.sender)


def web_reaction(sent: Sent, reaction: Any) -> list[Event]:
    """A reaction kept on the message it reacts to (`WebMessageInfo.reactions`)."""
    return [
        reaction_changed(
            sent.origin,
            "history",
            _target(sent),
            reactor=_actor(sent, reaction.key),
            emoji=reaction.text,
            at=reaction.senderTimestampMS or sent.timestamp_ms,
        )
    ]


def poll_options(message: Any | None) -> list[str]:
    """The option names of a poll creation message; [] for anything else."""
    poll = classify(message).poll if message is not None and content_fields(message) else None
    return list(poll.options) if poll else []


def web_vote(sent: Sent, update: Any, options: list[str]) -> list[Event]:
    """A vote kept on its poll (`WebMessageInfo.pollUpdates`), already decrypted by the phone."""
    return [
        poll_vote_cast(
            sent.origin,
            "history",
            _target(sent),
            voter=_actor(sent, update.pollUpdateMessageKey),
            selected=selected_names(update.vote.selectedOptions, options),
            at=update.senderTimestampMS or sent.timestamp_ms,
        )
    ]
