"""Live updates in Chromium: while the family chat is open, a new message, then an edit, a reaction
and one more message are published through the connector's replay path (a small recording built
with the sample's own proto builders), ingested by the worker's loop, and the open chat shows each
within 2 s of ingest without a reload, keeping the reader's scroll position
(frontend/e2e/live.mjs checks the page)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.settings import QueueSettings, S3Settings
from deeplens_connector.replay import RecordWriter
from deeplens_connector.sample.build_sample import BOB_JID, GROUP, GROUP_JID, ME, T0, bob
from deeplens_connector.sample.protos import complete, jid, key, message, text
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E

from tests.e2e.stack import Archive, RunningApi, ingest_until_drained, run_journey
from tests.support import settings_from

LATER = T0 + 3_600_000  # after everything in the sample: the new messages go to the bottom
NEW_ID, NEW_TEXT = "3EB0LIVE0001", "Live: the cake is in the oven"
EDITED_TEXT = "Live: the cake is out of the oven"
REACTION = "🎂"
SECOND_ID, SECOND_TEXT = "3EB0LIVE0003", "Live: who brings candles?"


def _session_start() -> list[Any]:
    """What a session's recording begins with: our own device, then the connection."""
    return [
        N.Device(JID=jid(ME), LID=jid("100000000000001", "lid"), PushName="Me", Initialized=True),
        N.Connected(status=True),
    ]


def _new_message() -> list[Any]:
    return [bob(NEW_ID, LATER, text(NEW_TEXT))]


def _edit_reaction_and_more() -> list[Any]:
    target = key(GROUP_JID, NEW_ID, participant=BOB_JID)
    edit = E2E.ProtocolMessage(
        type=E2E.ProtocolMessage.MESSAGE_EDIT,
        key=target,
        editedMessage=text(EDITED_TEXT),
        timestampMS=LATER + 5_000,
    )
    react = E2E.ReactionMessage(key=target, text=REACTION, senderTimestampMS=LATER + 6_000)
    return [
        bob(
            "3EB0LIVE0002", LATER + 5_000, E2E.Message(protocolMessage=edit), edit="1", flags={"IsEdit": True}
        ),
        message(
            "3EB0LIVE0004",
            jid(GROUP, "g.us"),
            jid(ME, device=2),
            LATER + 6_000,
            E2E.Message(reactionMessage=react),
            from_me=True,
            wa_type="reaction",
        ),
        bob(SECOND_ID, LATER + 7_000, text(SECOND_TEXT)),
    ]


def _publish(archive: Archive, workdir: Path, name: str, events: list[Any]) -> None:
    """Record the events, `python -m deeplens_connector replay` them (the connector's whole path to
    the bucket and queue), then the worker's loop ingests until the queue is empty."""
    recording = workdir / f"{name}.rec"
    with recording.open("wb") as handle:
        writer = RecordWriter(handle)
        for event in [*_session_start(), *events]:
            writer.event(complete(event))
    done = subprocess.run(
        [sys.executable, "-m", "deeplens_connector", "replay", str(recording)],
        env=archive.env,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    sqs = make_sqs_client(settings_from(QueueSettings, archive.env), settings_from(S3Settings, archive.env))
    ingest_until_drained(archive.env, Queue(sqs, archive.env["INGEST_QUEUE_URL"]))


def test_open_chat_shows_published_message_edit_and_reaction_within_2_s_keeping_scroll(
    running_api: RunningApi, screenshot_dir: Path, tmp_path: Path
) -> None:
    steps = {"message": _new_message, "edit-reaction": _edit_reaction_and_more}
    env = {
        **os.environ,
        "E2E_BASE_URL": running_api.base_url,
        "E2E_PASSWORD": running_api.password,
        "E2E_SCREENSHOTS": str(screenshot_dir),
        "E2E_NEW_TEXT": NEW_TEXT,
        "E2E_EDITED_TEXT": EDITED_TEXT,
        "E2E_REACTION": REACTION,
        "E2E_SECOND_TEXT": SECOND_TEXT,
    }

    def publish(what: str) -> None:
        _publish(running_api.archive, tmp_path, what, steps[what]())

    code, output = run_journey("live.mjs", env, publish)

    assert code == 0, output
    for step in ("live-message", "live-edit-reaction"):
        assert f"ok {step} " in output, output
