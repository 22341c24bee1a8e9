"""Event ids are dedupe keys: two different events must never share one (issue 4)."""

from __future__ import annotations

import hashlib
from typing import Any

from deeplens_connector.translate import DecryptedVote
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS
from neonize.proto.waWeb.WAWebProtobufsWeb_pb2 import Reaction

from tests.unit.connector.golden_events import GROUP_JID
from tests.unit.connector.neonize_fixtures import (
    ANNA,
    BOB,
    ME,
    Capture,
    group_jid,
    info,
    jid,
    key,
    message_ev,
    text,
    web_msg,
)

T = 1_764_200_000_000
TARGET = key(GROUP_JID, "3EB0A11CE0000000000", participant=f"{ME}@s.whatsapp.net")


def reacts(sender: str, msg_id: str, emoji: str) -> Any:
    reaction = E2E.ReactionMessage(key=TARGET, text=emoji, senderTimestampMS=T)
    sent = info(msg_id, group_jid(), jid(sender), ts_ms=T, wa_type="reaction")
    return message_ev(sent, E2E.Message(reactionMessage=reaction))


def test_reaction_ids_differ_when_two_people_react_to_one_message_in_the_same_millisecond() -> None:
    capture = Capture(now_ms=T).feed(reacts(ANNA, "3EB0R1", "👍"), reacts(BOB, "3EB0R2", "❤️"))
    first, second = capture.events
    assert (first.target, first.reacted_at_ms) == (second.target, second.reacted_at_ms)
    assert first.event_id != second.event_id
    assert first.event_id == f"reaction:{GROUP_JID}:3EB0A11CE0000000000:{ANNA}@s.whatsapp.net:{T}"


def test_reaction_id_is_the_same_when_the_same_reaction_is_translated_again() -> None:
    once = Capture(now_ms=T).feed(reacts(ANNA, "3EB0R1", "👍")).events
    again = Capture(now_ms=T + 5_000).feed(reacts(ANNA, "3EB0R1", "👍")).events
    assert once[0].event_id == again[0].event_id


def test_history_reaction_ids_differ_when_two_people_reacted_in_the_same_millisecond() -> None:
    web = web_msg(
        GROUP_JID, "3EB0H1570", text("Wer kommt?"), ts_s=T // 1000, participant=f"{BOB}@s.whatsapp.net"
    )
    for number, who in enumerate((ANNA, BOB)):
        web.reactions.append(
            Reaction(
                key=key(GROUP_JID, f"R{number}", participant=f"{who}@s.whatsapp.net"),
                text="👍",
                senderTimestampMS=T,
            )
        )
    hs = HS.HistorySync(syncType=HS.HistorySync.RECENT)
    hs.conversations.add(ID=GROUP_JID).messages.add(msgOrderID=1).message.CopyFrom(web)
    capture = Capture(now_ms=T).feed(N.HistorySync(Data=hs))
    reactions = [event for event in capture.events if event.kind == "reaction"]
    assert len(reactions) == 2
    assert len({event.event_id for event in reactions}) == 2


def test_poll_vote_ids_differ_when_two_people_vote_in_the_same_millisecond() -> None:
    poll_key = key(GROUP_JID, "3EB0P0LL", participant=f"{BOB}@s.whatsapp.net")
    vote = DecryptedVote((hashlib.sha256(b"Ja").digest(),), ("Ja", "Nein"))

    def votes(sender: str, msg_id: str) -> Any:
        update = E2E.PollUpdateMessage(
            pollCreationMessageKey=poll_key,
            vote=E2E.PollEncValue(encPayload=b"x" * 48, encIV=b"y" * 12),
            senderTimestampMS=T,
        )
        return message_ev(
            info(msg_id, group_jid(), jid(sender), ts_ms=T), E2E.Message(pollUpdateMessage=update)
        )

    capture = Capture(now_ms=T, vote=vote).feed(votes(ANNA, "3EB0V1"), votes(ME, "3EB0V2"))
    assert [event.selected_options for event in capture.events] == [["Ja"], ["Ja"]]
    assert len({event.event_id for event in capture.events}) == 2
