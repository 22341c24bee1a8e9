"""One sent WhatsApp message, live or from the history sync, as envelope events.

A message may be content (`message`), or act on another message (`edit`, `revoke`, `reaction`,
`poll_vote`, `message_state`: pinned or kept in the chat), or be transport the archive does not keep
(protocol messages, sender keys): dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from deeplens.domain.envelope import (
    Event,
    MessageEdited,
    MessageRevoked,
    MessageSeen,
    MessageState,
    MessageStateChanged,
    PollVoteCast,
    ReactionChanged,
)
from deeplens.domain.envelope_parts import Media, MessageFlags, MessageKey, Source
from deeplens.domain.ids import Jid
from deeplens.domain.polls import named_options
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from deeplens_connector.translate.common import Origin, event_id
from deeplens_connector.translate.content import (
    TRANSPORT_FIELD,
    classify,
    content_fields,
    context_of,
    is_dropped,
    raw_of,
    unwrap,
)
from deeplens_connector.translate.jids import canonical_jid, chat_kind_of, is_direct_user, jid_from_text
from deeplens_connector.translate.media import describe_media, file_id_for
from deeplens_connector.translate.text import clean_raw, safe_text


class Sent(NamedTuple):
    """Who sent a message, where and when: what a live MessageEv and a history WebMessageInfo share.
    (A named tuple: one is built per message, ~4x faster than a frozen dataclass.)"""

    origin: Origin
    source: Source
    chat: Jid
    message_id: str
    sender: Jid
    from_me: bool
    timestamp_ms: int
    sender_alt: Jid | None = None
    push_name: str | None = None


@dataclass(frozen=True)
class DecryptedVote:
    """A poll vote the caller decrypted (client.decrypt_poll_vote): sha256 hashes of option names.

    `options` (the poll's option names, when the caller knows the poll) turns hashes back into names;
    a hash that matches no option is kept as its hex digest. No hashes at all = the vote was retracted.
    """

    selected_hashes: tuple[bytes, ...]
    options: tuple[str, ...] = ()


def message_events(
    sent: Sent,
    message: Any | None,
    flags: frozenset[str],
    vote: DecryptedVote | None = None,
    fields: frozenset[str] | None = None,
) -> list[Event]:
    """The events of one unwrapped message; [] for what the archive drops on purpose.
    `fields`: content_fields(message), when the caller has them."""
    if fields is None:
        fields = content_fields(message) if message is not None else frozenset()
    if message is None or not fields:
        return [placeholder(sent)]  # undecryptable or not sent to linked devices
    if not fields.isdisjoint(_ACTION_FIELDS):
        for field, act in _ACTIONS:
            if field in fields:
                return act(sent, getattr(message, field), vote)
    if is_dropped(message, fields):
        return []
    return [message_seen(sent, message, flags, fields)]


def _common(origin: Origin, source: Source, kind: str, *id_parts: object) -> dict[str, Any]:
    return {
        "event_id": event_id(kind, *id_parts),
        "session": origin.session,
        "occurred_at_ms": origin.now_ms,
        "source": source,
    }


def _header(sent: Sent) -> dict[str, Any]:
    return {  # _common's fields, inline: one dict per message
        "event_id": event_id("message", sent.chat, sent.message_id, sent.source),
        "session": sent.origin.session,
        "occurred_at_ms": sent.origin.now_ms,
        "source": sent.source,
        "chat_jid": sent.chat,
        "chat_kind": chat_kind_of(sent.chat),
        "message_id": sent.message_id,
        "sender_jid": sent.sender,
        "sender_alt_jid": sent.sender_alt,
        "from_me": sent.from_me,
        "push_name": sent.push_name,
        "timestamp_ms": sent.timestamp_ms,
    }


def placeholder(sent: Sent) -> MessageSeen:
    """A message whose content we cannot read: kept as `unknown` so the gap shows in the archive."""
    return MessageSeen(**_header(sent), type="unknown")


def message_seen(
    sent: Sent, message: Any, flags: frozenset[str], fields: frozenset[str] | None = None
) -> MessageSeen:
    """`fields`: content_fields(message), when the caller has them."""
    fields = content_fields(message) if fields is None else fields
    content = classify(message, fields)
    context = context_of(message)
    media = getattr(message, content.media_field) if content.media_field else None
    return MessageSeen(
        **_header(sent),
        type=content.type,
        text=safe_text(content.text),
        media=_described(sent, content.media_field, media),
        quoted=_quoted(sent, context),
        mentions=_mentions(context),
        flags=_flags(flags, context, media, _from_bot(message)),
        location=content.location,
        contacts=list(content.contacts),
        poll=content.poll,
        raw=clean_raw(content.text, raw_of(message, content.media_field, fields)),
    )


def _mentions(context: Any | None) -> list[str]:
    """The mentioned JIDs, canonical, each once, in order."""
    if context is None or not context.mentionedJID:
        return []
    return list(dict.fromkeys(canonical_jid(jid) for jid in context.mentionedJID))


def _described(sent: Sent, field: str | None, media: Any | None) -> Media | None:
    if field is None:
        return None
    return describe_media(field, media, file_id_for(sent.origin.session, sent.chat, sent.message_id))


def _flags(flags: frozenset[str], context: Any | None, media: Any | None, bot: bool) -> MessageFlags:
    """Wrappers whatsmeow (or unwrap) removed, the media's own viewOnce, what the context says
    (forwarding, disappearing timer, @all), the sender's markers (`flags`: "bot", "business")."""
    view_once = media is not None and "viewOnce" in media.DESCRIPTOR.fields_by_name and media.viewOnce
    view_once = "view_once" in flags or bool(view_once)
    bot = bot or "bot" in flags
    if context is None:
        return _message_flags(
            (view_once, "ephemeral" in flags, False, 0, None, False, bot, "business" in flags)
        )
    return _message_flags(
        (
            view_once,
            "ephemeral" in flags or bool(context.expiration),
            context.isForwarded,
            context.forwardingScore,
            context.expiration or None,
            bool(context.nonJIDMentions) or len(context.groupMentions) > 0,
            bot,
            "business" in flags,
        )
    )


_FLAG_NAMES = tuple(MessageFlags.model_fields)  # in declaration order, as _flags builds the tuple


@lru_cache(maxsize=256)
def _message_flags(values: tuple[bool, bool, bool, int, int | None, bool, bool, bool]) -> MessageFlags:
    """Few distinct values, validated once each (the model is frozen: one instance is shared)."""
    return MessageFlags.model_validate(dict(zip(_FLAG_NAMES, values, strict=True)))


def _from_bot(message: Any) -> bool:
    """A bot's answer carries the bot's metadata in the message's context info."""
    return bool(message.HasField(TRANSPORT_FIELD) and message.messageContextInfo.HasField("botMetadata"))


def _quoted(sent: Sent, context: Any | None) -> MessageKey | None:
    if context is None or not context.stanzaID:
        return None
    return MessageKey(
        chat_jid=jid_from_text(context.remoteJID) or sent.chat,
        message_id=context.stanzaID,
        sender_jid=jid_from_text(context.participant),
    )


def target_key(sent: Sent, key: Any) -> MessageKey:
    """The message a key in `sent` points at. Its fromMe is relative to the sender of `sent`
    (port of mautrix-whatsapp's keyToMessageID)."""
    chat = jid_from_text(key.remoteJID) or sent.chat
    if key.fromMe:
        sender: Jid | None = sent.sender
    elif key.participant:
        sender = canonical_jid(key.participant)
    elif is_direct_user(chat):
        sender = chat if sent.from_me else sent.origin.own_jid
    else:
        sender = None
    return MessageKey(chat_jid=chat, message_id=key.ID, sender_jid=sender)


def _protocol_events(sent: Sent, protocol: Any) -> list[Event]:
    if protocol.type == E2E.ProtocolMessage.REVOKE:
        target = target_key(sent, protocol.key)
        return [message_revoked(sent.origin, sent.source, target, sent.sender, sent.timestamp_ms)]
    if protocol.type == E2E.ProtocolMessage.MESSAGE_EDIT:
        return [_edit(sent, protocol)]
    return []  # history-sync notices, app-state keys, ephemeral settings...: transport


def _edit(sent: Sent, protocol: Any) -> MessageEdited:
    target = target_key(sent, protocol.key)
    edited, _ = unwrap(protocol.editedMessage)
    content = classify(edited) if content_fields(edited) else None
    at = protocol.timestampMS or sent.timestamp_ms
    return MessageEdited(
        **_common(sent.origin, sent.source, "edit", target.chat_jid, target.message_id, at),
        target=target,
        new_text=safe_text(content.text) if content else None,
        new_raw=clean_raw(content.text, raw_of(edited, content.media_field)) if content else None,
        edited_at_ms=at,
    )


_PINS = {E2E.PinInChatMessage.PIN_FOR_ALL: True, E2E.PinInChatMessage.UNPIN_FOR_ALL: False}
_KEEPS = {E2E.KeepType.KEEP_FOR_ALL: True, E2E.KeepType.UNDO_KEEP_FOR_ALL: False}


def _pinned(sent: Sent, pin: Any) -> list[Event]:
    """PinInChatMessage: pinned for everyone in the chat, or unpinned ([] for an unknown type)."""
    on = _PINS.get(pin.type)
    if on is None:
        return []
    at = pin.senderTimestampMS or sent.timestamp_ms
    target = target_key(sent, pin.key)
    return [message_state(sent.origin, sent.source, target, "pinned", on=on, actor=sent.sender, at=at)]


def _kept(sent: Sent, keep: Any) -> list[Event]:
    """KeepInChatMessage: kept from disappearing for everyone, or let go again."""
    on = _KEEPS.get(keep.keepType)
    if on is None:
        return []
    at = keep.timestampMS or sent.timestamp_ms
    target = target_key(sent, keep.key)
    return [message_state(sent.origin, sent.source, target, "kept", on=on, actor=sent.sender, at=at)]


def message_state(
    origin: Origin,
    source: Source,
    target: MessageKey,
    state: MessageState,
    *,
    on: bool,
    actor: Jid | None,
    at: int,
) -> MessageStateChanged:
    return MessageStateChanged(
        **_common(origin, source, "message_state", target.chat_jid, target.message_id, state, at, int(on)),
        target=target,
        state=state,
        on=on,
        actor_jid=actor,
        changed_at_ms=at,
    )


def message_revoked(origin: Origin, source: Source, target: MessageKey, by: Jid, at: int) -> MessageRevoked:
    return MessageRevoked(
        **_common(origin, source, "revoke", target.chat_jid, target.message_id, at),
        target=target,
        revoked_by=by,
        revoked_at_ms=at,
    )


def _reaction(sent: Sent, reaction: Any) -> ReactionChanged:
    target = target_key(sent, reaction.key)
    at = reaction.senderTimestampMS or sent.timestamp_ms
    return reaction_changed(sent.origin, sent.source, target, reactor=sent.sender, emoji=reaction.text, at=at)


def reaction_changed(
    origin: Origin, source: Source, target: MessageKey, *, reactor: Jid, emoji: str, at: int
) -> ReactionChanged:
    return ReactionChanged(
        # the reactor is part of the id: two people reacting to one message in the same
        # millisecond are two events, not one event delivered twice
        **_common(origin, source, "reaction", target.chat_jid, target.message_id, reactor, at),
        target=target,
        reactor_jid=reactor,
        emoji=emoji,  # "" = removed
        reacted_at_ms=at,
    )


def _vote(sent: Sent, update: Any, vote: DecryptedVote | None) -> list[Event]:
    if vote is None:
        return []  # encrypted and not decrypted by the caller: no event rather than a wrong "retracted"
    target = target_key(sent, update.pollCreationMessageKey)
    at = update.senderTimestampMS or sent.timestamp_ms
    selected = selected_names(vote.selected_hashes, vote.options)
    return [poll_vote_cast(sent.origin, sent.source, target, voter=sent.sender, selected=selected, at=at)]


def selected_names(hashes: Iterable[bytes], options: Sequence[str]) -> list[str]:
    """Option names for sha256(option name) hashes; the hex digest where no option matches (the
    same rule the API applies to votes archived before their poll: domain.polls)."""
    return named_options([digest.hex() for digest in hashes], options)


def poll_vote_cast(
    origin: Origin, source: Source, target: MessageKey, *, voter: Jid, selected: list[str], at: int
) -> PollVoteCast:
    return PollVoteCast(
        **_common(origin, source, "poll_vote", target.chat_jid, target.message_id, voter, at),  # as reactions
        target=target,
        voter_jid=voter,
        selected_options=selected,
        voted_at_ms=at,
    )


_Action = Callable[[Sent, Any, "DecryptedVote | None"], list[Event]]
# Messages that act on another message, by their field (one message is never two of these).
_ACTIONS: tuple[tuple[str, _Action], ...] = (
    ("protocolMessage", lambda sent, protocol, _: _protocol_events(sent, protocol)),
    ("reactionMessage", lambda sent, reaction, _: [_reaction(sent, reaction)]),
    ("pollUpdateMessage", _vote),
    ("pinInChatMessage", lambda sent, pin, _: _pinned(sent, pin)),
    ("keepInChatMessage", lambda sent, keep, _: _kept(sent, keep)),
)
_ACTION_FIELDS = frozenset(field for field, _ in _ACTIONS)
