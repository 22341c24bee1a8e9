"""Timeline entries and chat state in Chromium, live: with the family chat open, a group change
(Bob adds Carla, only admins may send) and a group call are published through the connector's
replay path and shown as centred lines; then a history chunk archives the book club, mutes the
family and pins Carla: the list shows the pin and the muted icon, the book club moves into the
Archived folder (frontend/e2e/timeline.mjs checks the page)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from deeplens_connector.sample.build_sample import BOB, CARLA, CARLA_JID, CLUB_JID, GROUP, GROUP_JID, T0
from deeplens_connector.sample.protos import jid
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from tests.e2e.stack import RunningApi, run_journey
from tests.e2e.test_live_updates import _publish

LATER_S = (T0 + 3_600_000) // 1000  # after everything in the sample


def _group_change_and_call() -> list[Any]:
    change = N.GroupInfoEvent(
        JID=jid(GROUP, "g.us"), Notify="", Sender=jid(BOB), Timestamp=LATER_S, PrevParticipantsVersionID="",
        ParticipantVersionID="", JoinReason="", Join=[jid(CARLA)], Announce=N.GroupAnnounce(IsAnnounce=True),
    )  # fmt: skip
    meta = N.BasicCallMeta(callCreator=jid(BOB), callID="CAE2E0000000000001", timestamp=LATER_S + 60)
    getattr(meta, "from").CopyFrom(jid(GROUP, "g.us"))  # a group call's notice comes from the group
    return [change, N.CallOfferNotice(basicCallMeta=meta, media="audio", type="group")]


def _chat_state() -> list[Any]:
    """What a history chunk says of three chats (the state as of each chat's own time)."""
    hs = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=1, progress=100)
    hs.conversations.add(ID=CLUB_JID, archived=True, conversationTimestamp=LATER_S)
    hs.conversations.add(ID=GROUP_JID, muteEndTime=2**64 - 1, conversationTimestamp=LATER_S)  # for ever
    hs.conversations.add(ID=CARLA_JID, pinned=LATER_S, conversationTimestamp=LATER_S)
    return [N.HistorySync(Data=hs)]


def test_group_changes_calls_and_chat_state_show_live_when_published(
    running_api: RunningApi, screenshot_dir: Path, tmp_path: Path
) -> None:
    steps = {"group-change": _group_change_and_call, "chat-state": _chat_state}
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
    }

    def publish(what: str) -> None:
        _publish(running_api.archive, tmp_path, what, steps[what]())

    code, output = run_journey("timeline.mjs", env, publish)

    assert code == 0, output
    for step in ("timeline-group-change", "timeline-chat-state", "timeline-archived"):
        assert f"ok {step} " in output, output
