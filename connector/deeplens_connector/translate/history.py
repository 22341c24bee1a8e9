"""A HistorySyncEv chunk (`waHistorySync.HistorySync`) as envelope events, lazily.

Messages: see web_messages. Each item (a LID pair, a contact, a chat, a message with the reactions
and votes on it) is translated on its own: a bad one is yielded as a TranslationError, in its
place, and the rest goes on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from deeplens.domain.envelope import ContactUpdated, Event
from deeplens.domain.envelope_parts import Participant
from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import ChatKind, Jid
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from deeplens_connector.translate.calls import call_log_entry
from deeplens_connector.translate.chat_state import history_chat_state
from deeplens_connector.translate.chats import chat_updated, lid_mapped, lid_pn
from deeplens_connector.translate.common import Origin, TranslationError, event_id, translation_error
from deeplens_connector.translate.content import WRAPPER_FIELDS, unwrap
from deeplens_connector.translate.jids import canonical_jid, chat_kind_of, jid_from_text
from deeplens_connector.translate.media import MEDIA_FIELDS, MediaRef, media_ref
from deeplens_connector.translate.web_messages import (
    has_states,
    poll_options,
    web_message_events,
    web_reaction,
    web_sent,
    web_states,
    web_vote,
)

HistoryItem = Event | TranslationError
_MEDIA_OR_WRAPPERS = frozenset({*MEDIA_FIELDS, *WRAPPER_FIELDS})
_ADMIN_RANKS = frozenset({HS.GroupParticipant.ADMIN, HS.GroupParticipant.SUPERADMIN})


@dataclass(frozen=True)
class HistoryProgress:
    """Where the phone is in sending the history (for connector_status), not an envelope."""

    sync_type: str  # INITIAL_BOOTSTRAP, RECENT, FULL, PUSH_NAME, ...
    chunk_order: int
    progress: int | None  # percent, when the phone says


def history_progress(hs: Any) -> HistoryProgress:
    sync_type = HS.HistorySync.HistorySyncType.Name(hs.syncType)
    return HistoryProgress(sync_type, hs.chunkOrder, hs.progress if hs.HasField("progress") else None)


def translate_history(hs: Any, *, session: str, own_jid: str | None, now_ms: int) -> Iterator[HistoryItem]:
    """Every event of one chunk: LID pairs, contacts, then each chat with its messages, then
    statuses, then call-log entries."""
    origin = Origin.of(session, now_ms, own_jid)
    pairs: set[tuple[Jid, Jid]] = set()
    for mapping in hs.phoneNumberToLidMappings:
        yield from _guarded(f"lid mapping {mapping.lidJID}", _mapping, origin, mapping, pairs)
    yield from _contacts(origin, hs)
    for conversation in hs.conversations:
        yield from _guarded(f"conversation {conversation.ID}", _conversation, origin, conversation, pairs)
        for item in conversation.messages:
            yield from _web_items(origin, conversation.ID, item.message)
    for web in hs.statusV3Messages:
        yield from _web_items(origin, "", web)
    for record in hs.callLogRecords:
        yield from _guarded(f"call log entry {record.callID}", _call_entry, origin, record)


def _call_entry(origin: Origin, record: Any) -> list[Event]:
    return [call_log_entry(origin, record)]


def _guarded(
    what: str | Callable[[], str], build: Callable[..., Iterable[Event]], *args: Any
) -> list[HistoryItem]:
    """`build(*args)` as a list, or its failure as one TranslationError (`what` named only then)."""
    try:
        return list(build(*args))
    except Exception as error:
        return [translation_error(what if isinstance(what, str) else what(), error)]


def _web_items(origin: Origin, chat: str, web: Any) -> Iterator[HistoryItem]:
    """A message, then each reaction and vote kept on it: each fails on its own."""

    def what() -> str:  # most messages never fail: their description is not built
        return f"history message {web.key.ID} in {chat or web.key.remoteJID}"

    try:
        sent = web_sent(origin, chat, web)
    except Exception as error:
        yield translation_error(what(), error)
        return
    yield from _guarded(what, web_message_events, sent, web)
    for reaction in web.reactions:
        yield from _guarded(f"reaction {reaction.key.ID} on {what()}", web_reaction, sent, reaction)
    if has_states(web):
        yield from _guarded(what, web_states, sent, web)
    options = poll_options(unwrap(web.message)[0]) if web.pollUpdates else []
    for update in web.pollUpdates:
        yield from _guarded(
            f"poll vote {update.pollUpdateMessageKey.ID} on {what()}", web_vote, sent, update, options
        )


def _mapping(origin: Origin, mapping: Any, pairs: set[tuple[Jid, Jid]]) -> list[Event]:
    pair = lid_pn(jid_from_text(mapping.lidJID), jid_from_text(mapping.pnJID))
    if pair is None:
        raise InvalidJid(f"not a LID and a phone JID: {mapping.lidJID!r}, {mapping.pnJID!r}")
    return _new_pair(origin, pair, pairs)


def _new_pair(origin: Origin, pair: tuple[Jid, Jid], pairs: set[tuple[Jid, Jid]]) -> list[Event]:
    if pair in pairs:
        return []
    pairs.add(pair)
    return [lid_mapped(origin, "history", *pair)]


def _contacts(origin: Origin, hs: Any) -> Iterator[HistoryItem]:
    """Inline contacts (names from the phone's address book) with their push names, then the
    push names of everybody else."""
    pushnames = {entry.ID.lower(): entry.pushname for entry in hs.pushnames if entry.ID}
    for contact in hs.inlineContacts:
        push_name = pushnames.pop(contact.pnJID.lower(), None) or pushnames.pop(contact.lidJID.lower(), None)
        yield from _guarded(
            f"contact {contact.pnJID or contact.lidJID}", _inline_contact, origin, contact, push_name
        )
    for jid, push_name in pushnames.items():
        yield from _guarded(f"push name of {jid}", _pushname_contact, origin, jid, push_name)


def _inline_contact(origin: Origin, contact: Any, push_name: str | None) -> list[Event]:
    phone, lid = jid_from_text(contact.pnJID), jid_from_text(contact.lidJID)
    jid = phone or lid
    if jid is None:
        raise InvalidJid("inline contact without a JID")
    full_name = contact.fullName or contact.firstName or None
    return [_contact(origin, jid, lid=lid, phone_jid=phone, push_name=push_name or None, full_name=full_name)]


def _pushname_contact(origin: Origin, jid: str, push_name: str) -> list[Event]:
    return [_contact(origin, canonical_jid(jid), push_name=push_name or None)]


def _contact(origin: Origin, jid: Jid, **fields: Any) -> ContactUpdated:
    return ContactUpdated(
        event_id=event_id("contact", jid, origin.now_ms),
        session=origin.session,
        occurred_at_ms=origin.now_ms,
        source="history",
        jid=jid,
        **fields,
    )


def _conversation(origin: Origin, conversation: Any, pairs: set[tuple[Jid, Jid]]) -> list[Event]:
    jid = canonical_jid(conversation.ID)
    kind: ChatKind = "community" if conversation.isParentGroup else chat_kind_of(jid)
    chat = chat_updated(
        origin,
        "history",
        jid,
        kind,
        name=conversation.name or conversation.displayName or None,
        parent_jid=jid_from_text(conversation.parentGroupID),
        participants=_participants(conversation.participant) or None,
        unread_count=conversation.unreadCount if conversation.HasField("unreadCount") else None,
        is_archived=conversation.archived if conversation.HasField("archived") else None,
        last_msg_timestamp_ms=_seconds_to_ms(conversation, "lastMsgTimestamp"),
    )
    pair = lid_pn(jid, jid_from_text(conversation.lidJID)) or lid_pn(jid, jid_from_text(conversation.pnJID))
    state = history_chat_state(origin, conversation, jid, kind)  # archived, pinned, muted, unread
    return [chat, *([state] if state else []), *(_new_pair(origin, pair, pairs) if pair else [])]


def _participants(members: Iterable[Any]) -> list[Participant]:
    return [
        Participant(
            jid=canonical_jid(member.userJID),
            is_admin=member.rank in _ADMIN_RANKS,
            is_super_admin=member.rank == HS.GroupParticipant.SUPERADMIN,
        )
        for member in members
    ]


def _seconds_to_ms(proto: Any, field: str) -> int | None:
    return getattr(proto, field) * 1000 if proto.HasField(field) else None


def history_chats(hs: Any) -> dict[str, str]:
    """jid -> chat kind of every conversation of a chunk, as their `chat` events will say (for
    looking their tracking policies up at once); invalid JIDs are left to translate_history."""
    chats: dict[str, str] = {}
    for conversation in hs.conversations:
        try:
            jid = canonical_jid(conversation.ID)
        except InvalidJid:
            continue
        chats[jid] = "community" if conversation.isParentGroup else chat_kind_of(jid)
    return chats


def history_media_refs(hs: Any, *, session: str) -> Iterator[MediaRef]:
    """How to download the media of every history message (for the media worker), statuses too:
    a status post the phone still holds expires within a day, its media with it."""
    webs = (
        (conversation.ID, item.message) for conversation in hs.conversations for item in conversation.messages
    )
    for chat, web in itertools.chain(webs, (("", status) for status in hs.statusV3Messages)):
        ref = _web_media_ref(session, chat, web)
        if ref is not None:
            yield ref


def _web_media_ref(session: str, chat: str, web: Any) -> MediaRef | None:
    if not web.HasField("message"):
        return None
    if not _MEDIA_OR_WRAPPERS.intersection([field.name for field, _ in web.message.ListFields()]):
        return None  # most messages: no media, and no wrapper it could be in (nothing to unwrap)
    try:
        chat_jid = canonical_jid(chat or web.key.remoteJID)
    except InvalidJid:
        return None  # translate_history reports this message
    message, _ = unwrap(web.message)
    return media_ref(message, session=session, chat_jid=chat_jid, message_id=web.key.ID)
