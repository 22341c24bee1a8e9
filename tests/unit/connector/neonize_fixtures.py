"""Real neonize 0.5.2 protobufs built in Python, fed through neonize's own dispatcher.

`feed` does what the Go core does: serialise the event and call `client.event.execute` through a
real ctypes trampoline, so parsing, dispatch and ctypes' exception swallowing behave as in
production. `NewClient("unused", uuid=...)` touches neither a database nor the network.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterable
from typing import Any

# The proto builders the recorded sample uses, re-exported for the tests.
from deeplens_connector.sample.protos import (
    complete,
    jid,
    key,
    text,  # noqa: F401 (re-exported)
)
from deeplens_connector.sample.protos import no_jid as empty_jid  # what Go sends for an unset types.JID
from deeplens_connector.translate import (
    DecryptedVote,
    TranslationError,
    translate_call,
    translate_group_info,
    translate_history,
    translate_joined_group,
    translate_message,
    translate_newsletter_join,
    translate_receipt,
    translate_undecryptable,
)
from deeplens_connector.translate.pictures import translate_picture
from deeplens_connector.unsealing import MessageSecrets, Unsealer
from neonize._binder import func_callback_bytes
from neonize.client import NewClient
from neonize.events import (
    EVENT_TO_INT,
    CallAcceptEv,
    CallOfferEv,
    CallOfferNoticeEv,
    CallTerminateEv,
    GroupInfoEv,
    HistorySyncEv,
    JoinedGroupEv,
    MessageEv,
    NewsletterJoinEv,
    PictureEv,
    ReceiptEv,
    UndecryptableMessageEv,
)
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import WebMessageInfo

SESSION = "primary_agent"
ME = "4917000000001"
ANNA, ANNA_LID = "4915112345678", "123456789012345"
BOB = "4915187654321"
GROUP, COMMUNITY = "120363012345678901", "120363099999999999"
NEWSLETTER = "120363111111111111"


def group_jid(user: str = GROUP) -> Any:
    return jid(user, "g.us")


def info(
    msg_id: str,
    chat: Any,
    sender: Any,
    *,
    ts_ms: int,
    from_me: bool = False,
    push_name: str = "",
    wa_type: str = "text",
    media_type: str = "",
    edit: str = "",
    sender_alt: Any = None,
    addressing: int = N.AddressingMode.PN,
) -> Any:
    source = N.MessageSource(
        Chat=chat,
        Sender=sender,
        IsFromMe=from_me,
        IsGroup=chat.Server == "g.us",
        AddressingMode=addressing,
        SenderAlt=sender_alt or empty_jid(),
        RecipientAlt=empty_jid(),
        BroadcastListOwner=empty_jid(),
    )
    return N.MessageInfo(
        MessageSource=source,
        ID=msg_id,
        ServerID=0,
        Type=wa_type,
        Pushname=push_name,
        Timestamp=ts_ms,  # MessageInfo.Timestamp is UNIX milliseconds
        Category="",
        Multicast=False,
        MediaType=media_type,
        Edit=edit,
    )


def message_ev(message_info: Any, message: Any | None, **flags: Any) -> Any:
    """neonize sets both Message and Raw to the message whatsmeow already unwrapped."""
    if message is None:
        return N.Message(Info=message_info, **flags)
    return N.Message(Info=message_info, Message=message, Raw=message, **flags)


def receipt(chat: Any, sender: Any, ids: list[str], *, ts_s: int, kind: int) -> Any:
    source = N.MessageSource(
        Chat=chat,
        Sender=sender,
        IsFromMe=False,
        IsGroup=chat.Server == "g.us",
        SenderAlt=empty_jid(),
        RecipientAlt=empty_jid(),
        BroadcastListOwner=empty_jid(),
    )
    return N.Receipt(MessageSource=source, MessageIDs=ids, Timestamp=ts_s, Type=kind)


def web_msg(
    chat: str,
    msg_id: str,
    message: Any | None,
    *,
    ts_s: int,
    from_me: bool = False,
    participant: str = "",
    push_name: str = "",
    stub: int | None = None,
) -> Any:
    """A history-sync WebMessageInfo (messageTimestamp in seconds, wrappers still on)."""
    web = WebMessageInfo(key=key(chat, msg_id, from_me=from_me), messageTimestamp=ts_s)
    if message is not None:
        web.message.CopyFrom(message)
    if participant:
        web.participant = participant
    if push_name:
        web.pushName = push_name
    if stub is not None:
        web.messageStubType = stub
    return web


def feed(client: Any, ev: Any) -> None:
    """Deliver `ev` to `client` exactly as the Go core does (bytes through a ctypes callback)."""
    data = complete(ev).SerializeToString()
    buffer = ctypes.create_string_buffer(data, len(data))
    callback = func_callback_bytes(client.event.execute)
    callback(client.uuid, ctypes.addressof(buffer), len(data), EVENT_TO_INT[type(ev)])


class Capture:
    """A neonize client whose handlers translate what the dispatcher hands them, as the connector
    will: every translation error is caught and kept, the next event still comes through."""

    def __init__(
        self,
        *,
        now_ms: int,
        own_jid: str = f"{ME}@s.whatsapp.net",
        vote: DecryptedVote | None = None,
        secrets: Iterable[tuple[str, str, bytes]] = (),
    ):
        self.client = NewClient("unused", uuid="unit-test")
        known = MessageSecrets()  # what the originals carried: (message id, sender, secret)
        for message_id, sender, secret in secrets:
            known.remember(message_id, [sender], secret)
        self.unsealer = Unsealer(known)
        self.received: list[Any] = []
        self.events: list[Any] = []
        self.errors: list[TranslationError] = []
        live = {"session": SESSION, "now_ms": now_ms}
        mine = {**live, "own_jid": own_jid}
        self._on(
            MessageEv, lambda ev: translate_message(ev, **mine, vote=vote, unsealed=self.unsealer.open(ev))
        )
        self._on(UndecryptableMessageEv, lambda ev: translate_undecryptable(ev, **mine))
        self._on(ReceiptEv, lambda ev: translate_receipt(ev, **live))
        self._on(GroupInfoEv, lambda ev: translate_group_info(ev, **live))
        self._on(JoinedGroupEv, lambda ev: translate_joined_group(ev, **live))
        self._on(NewsletterJoinEv, lambda ev: translate_newsletter_join(ev, **live))
        self._on(HistorySyncEv, lambda ev: translate_history(ev.Data, **mine))
        self._on(PictureEv, lambda ev: translate_picture(ev, **live))
        for call_event in (CallOfferEv, CallOfferNoticeEv, CallAcceptEv, CallTerminateEv):
            self._on(call_event, lambda ev: translate_call(ev, **mine))

    def _on(self, event_class: type, translate: Callable[[Any], Any]) -> None:
        def handle(_client: Any, ev: Any) -> None:
            self.received.append(ev)
            try:
                items = list(translate(ev))
            except TranslationError as error:
                self.errors.append(error)
                return
            self.errors.extend(item for item in items if isinstance(item, TranslationError))
            self.events.extend(item for item in items if not isinstance(item, TranslationError))

        self.client.event(event_class)(handle)

    def feed(self, *events: Any) -> Capture:
        for ev in events:
            feed(self.client, ev)
        return self
