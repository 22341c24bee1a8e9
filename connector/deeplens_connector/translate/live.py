"""Live neonize events (MessageEv, UndecryptableMessageEv, ReceiptEv) as envelope events.

Every translator either returns the events (possibly none: dropped on purpose) or raises one
TranslationError naming the source event; the caller logs it and goes on with the next event.
"""

from __future__ import annotations

from typing import Any

from deeplens.domain.envelope import RECEIPT_DELIVERED, RECEIPT_PLAYED, RECEIPT_READ, Event, ReceiptReported
from deeplens.domain.errors import InvalidJid
from deeplens.domain.ids import Jid
from neonize.proto import Neonize_pb2 as N

from deeplens_connector.translate.common import Origin, event_id, translating
from deeplens_connector.translate.content import unwrap
from deeplens_connector.translate.jids import jid_of, required_jid, sender_is_chat
from deeplens_connector.translate.media import MediaRef, media_ref
from deeplens_connector.translate.messages import DecryptedVote, Sent, message_events, placeholder
from deeplens_connector.translate.newsletters import newsletter_edit, newsletter_edited_at_ms
from deeplens_connector.translate.sealed import Unsealed, sealed_events, sealed_field

# neonize.Message flags for wrappers whatsmeow already removed.
_LIVE_FLAGS = (
    ("IsEphemeral", "ephemeral"),
    ("IsViewOnce", "view_once"),
    ("IsViewOnceV2", "view_once"),
    ("IsViewOnceV2Extension", "view_once"),
    ("IsEdit", "edit"),
)
# Receipt type -> status (0 sent, 1 delivered, 2 read, 3 played). SENDER, RETRY, SERVER_ERROR,
# INACTIVE, PEER_MSG and HISTORY_SYNC say nothing about a person seeing the message: dropped.
_RECEIPT_STATUS = {
    N.Receipt.DELIVERED: RECEIPT_DELIVERED,
    N.Receipt.READ: RECEIPT_READ,
    N.Receipt.READ_SELF: RECEIPT_READ,
    N.Receipt.PLAYED: RECEIPT_PLAYED,
    N.Receipt.PLAYED_SELF: RECEIPT_PLAYED,
}


def translate_message(
    ev: Any,
    *,
    session: str,
    own_jid: str | None,
    now_ms: int,
    vote: DecryptedVote | None = None,
    unsealed: Unsealed | None = None,
) -> list[Event]:
    """A MessageEv (`neonize.Message`) as events: [] for protocol / sender-key messages, and for
    a poll vote unless the caller decrypted it (`vote`, from client.decrypt_poll_vote). A sealed
    message (edit, reaction, comment) is what the caller opened (`unsealed`), else kept sealed."""
    with translating(f"message {ev.Info.ID} in {_chat_text(ev.Info)}"):
        sent = live_sent(ev.Info, Origin.of(session, now_ms, own_jid))
        if not ev.HasField("Message"):
            return [placeholder(sent)]
        message, flags = unwrap(ev.Message)  # already unwrapped by whatsmeow: a no-op but for safety
        edited_at = newsletter_edited_at_ms(ev)
        if edited_at is not None:  # a channel post, edited: the whole new post under its own id
            return newsletter_edit(sent, message, edited_at)
        sealed = sealed_field(message)
        if sealed is not None:
            return sealed_events(sent, message, sealed, unsealed, flags | _live_flags(ev))
        return message_events(sent, message, flags | _live_flags(ev), vote)


def translate_undecryptable(ev: Any, *, session: str, own_jid: str | None, now_ms: int) -> list[Event]:
    """An UndecryptableMessageEv: the message exists but we cannot read it, kept as `unknown`."""
    with translating(f"undecryptable message {ev.Info.ID} in {_chat_text(ev.Info)}"):
        return [placeholder(live_sent(ev.Info, Origin.of(session, now_ms, own_jid)))]


def live_media_ref(ev: Any, *, session: str) -> MediaRef | None:
    """How to download the media of a MessageEv (for the media worker); None without media."""
    if not ev.HasField("Message"):
        return None
    message, _ = unwrap(ev.Message)
    chat = required_jid(ev.Info.MessageSource.Chat, "chat")
    return media_ref(message, session=session, chat_jid=chat, message_id=ev.Info.ID)


def live_sent(info: Any, origin: Origin) -> Sent:
    source = info.MessageSource
    chat = required_jid(source.Chat, "chat")
    return Sent(
        origin=origin,
        source="live",
        chat=chat,
        message_id=info.ID,
        sender=_sender(source, chat, origin),
        from_me=source.IsFromMe,
        timestamp_ms=info.Timestamp,  # MessageInfo.Timestamp is already UNIX milliseconds
        sender_alt=jid_of(source.SenderAlt),
        push_name=info.Pushname or None,
    )


def _sender(source: Any, chat: Jid, origin: Origin) -> Jid:
    sender = jid_of(source.Sender)
    if sender is not None:
        return sender
    if source.IsFromMe and origin.own_jid is not None:
        return origin.own_jid
    if not source.IsFromMe and sender_is_chat(chat):
        return chat
    raise InvalidJid("sender: empty JID")


def _live_flags(ev: Any) -> frozenset[str]:
    """Wrappers whatsmeow removed, and "business" when the sender is a verified business
    (MessageInfo.VerifiedName is set only then)."""
    flags = [flag for field, flag in _LIVE_FLAGS if getattr(ev, field)]
    if ev.Info.HasField("VerifiedName"):
        flags.append("business")
    return frozenset(flags)


def _chat_text(info_or_receipt: Any) -> str:
    chat = info_or_receipt.MessageSource.Chat
    return f"{chat.User}@{chat.Server}"


def translate_receipt(ev: Any, *, session: str, now_ms: int) -> list[Event]:
    """A ReceiptEv as one `receipt`; [] for receipt types that are not delivered/read/played."""
    ids = list(ev.MessageIDs)
    with translating(f"receipt for {ids[:1]} in {_chat_text(ev)}"):
        status = _RECEIPT_STATUS.get(ev.Type if ev.HasField("Type") else N.Receipt.DELIVERED)
        if status is None or not ids:
            return []
        return [_receipt(ev, ids, status, session, now_ms)]


def _receipt(ev: Any, ids: list[str], status: int, session: str, now_ms: int) -> ReceiptReported:
    source = ev.MessageSource
    chat = required_jid(source.Chat, "chat")
    at = ev.Timestamp * 1000  # Receipt.Timestamp is UNIX seconds
    return ReceiptReported(
        event_id=event_id("receipt", chat, ids[0], at),
        session=session,
        occurred_at_ms=now_ms,
        source="live",
        chat_jid=chat,
        message_ids=ids,
        reader_jid=jid_of(source.Sender) if source.IsGroup else None,  # in a direct chat: the chat
        status=status,
        receipt_at_ms=at,
    )
