"""Pins, keep-in-chat, stars and the sender markers, live and from history, through the dispatcher."""

from __future__ import annotations

from typing import Any

from neonize.proto import Neonize_pb2 as N
from neonize.proto.waAICommon import WAWebProtobufsAICommon_pb2 as AI
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import KeepInChat, PinInChat

from tests.unit.connector.golden_events import ANNA_JID, GROUP_JID, T0, bob_says, i_say_to_anna
from tests.unit.connector.neonize_fixtures import Capture, key, text, web_msg

CAKE = "3EB0A9E1F2C3D4B5A6C7"


def _states(*events: Any) -> list[tuple[Any, ...]]:
    capture = Capture(now_ms=T0 + 99).feed(*events)
    assert capture.errors == []
    return [
        (e.target.message_id, e.state, e.on, e.actor_jid, e.changed_at_ms)
        for e in capture.events
        if e.kind == "message_state"
    ]


def _pin(kind: int, at: int) -> Any:
    pin = E2E.PinInChatMessage(
        key=key(GROUP_JID, CAKE, participant=ANNA_JID), type=kind, senderTimestampMS=at
    )
    return bob_says(f"3EB0919E{at}", at, E2E.Message(pinInChatMessage=pin))


def test_unpin_and_undone_keep_are_states_turned_off_when_live() -> None:
    undo = E2E.KeepInChatMessage(
        key=key(ANNA_JID, "3EB0F7E6D5C4B3A29180", from_me=True), keepType=E2E.KeepType.UNDO_KEEP_FOR_ALL
    )
    events = (
        _pin(E2E.PinInChatMessage.UNPIN_FOR_ALL, T0 + 5),
        _pin(E2E.PinInChatMessage.UNKNOWN_TYPE, T0 + 6),  # says nothing: no event
        i_say_to_anna("3EB0CEE9000000000002", T0 + 7, E2E.Message(keepInChatMessage=undo)),
    )
    bob, me = "4915187654321@s.whatsapp.net", "4917000000001@s.whatsapp.net"
    assert _states(*events) == [
        (CAKE, "pinned", False, bob, T0 + 5),
        ("3EB0F7E6D5C4B3A29180", "kept", False, me, T0 + 7),  # no timestampMS: the message's time
    ]


def test_bot_answer_is_marked_when_it_carries_bot_metadata() -> None:
    answer = text("Here is a recipe")
    answer.messageContextInfo.botMetadata.CopyFrom(AI.BotMetadata())
    capture = Capture(now_ms=T0).feed(bob_says("3EB0B0770000000001", T0, answer))
    [message] = capture.events
    assert (message.flags.from_bot, message.flags.from_business) == (True, False)


def test_history_keeps_pins_keeps_and_business_markers_when_a_chunk_has_them() -> None:
    chunk = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=2)
    chat = chunk.conversations.add(ID=ANNA_JID)
    web = web_msg(ANNA_JID, "3EB0H1", text("Öffnungszeiten"), ts_s=1_763_900_000)
    web.verifiedBizName = "Anna's Café"
    web.pinInChat.CopyFrom(PinInChat(type=PinInChat.PIN_FOR_ALL, senderTimestampMS=T0 - 50))
    web.keepInChat.CopyFrom(KeepInChat(keepType=E2E.KeepType.KEEP_FOR_ALL, serverTimestampMS=T0 - 40))
    chat.messages.add(msgOrderID=1).message.CopyFrom(web)
    capture = Capture(now_ms=T0).feed(N.HistorySync(Data=chunk))
    assert capture.errors == []
    [message] = [e for e in capture.events if e.kind == "message"]
    assert message.flags.from_business
    states = [(e.state, e.on, e.changed_at_ms, e.source) for e in capture.events if e.kind == "message_state"]
    assert states == [("pinned", True, T0 - 50, "history"), ("kept", True, T0 - 40, "history")]
