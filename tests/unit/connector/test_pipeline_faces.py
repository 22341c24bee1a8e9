"""The pipeline names the chats and senders of tracked chats' messages to the picture fetcher
(PipelineHooks.seen); an untracked chat's people are never asked for."""

from __future__ import annotations

from typing import Any

from deeplens_connector.pipeline import Pipeline, PipelineHooks
from deeplens_connector.tracking import Tracking
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.unit.connector.neonize_fixtures import ANNA, BOB, SESSION, group_jid, info, jid, message_ev
from tests.unit.connector.test_pipeline_client_reads import NoMedia
from tests.unit.connector.test_pipeline_held import T0, GroupsUntracked

ANNA_JID, BOB_JID = f"{ANNA}@s.whatsapp.net", f"{BOB}@s.whatsapp.net"


def said(chat: Any, sender: Any, message_id: str) -> Any:
    return message_ev(info(message_id, chat, sender, ts_ms=T0), E2E.Message(conversation="hi"))


def test_tracked_chat_and_its_sender_are_wanted_when_a_message_arrives() -> None:
    wanted: list[tuple[str | None, ...]] = []
    hooks = PipelineHooks(seen=lambda *jids: wanted.append(jids))
    pipeline = Pipeline(SESSION, Tracking(GroupsUntracked()), NoMedia(), lambda _: None,  # type: ignore[arg-type]
                        own_jid=lambda: None, hooks=hooks)  # fmt: skip
    pipeline.handle("message", said(jid(ANNA), jid(ANNA, device=3), "D1"))
    pipeline.handle("message", said(group_jid(), jid(BOB), "G1"))  # groups are untracked here
    assert wanted == [(ANNA_JID, ANNA_JID)]
