"""Secrets of originals and sealed messages that wait for one: through a running pipeline (neonize's
dispatcher in front), and the durable waiting list on its own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from deeplens.domain.envelope import Event, MessageEdited, MessageSeen, dump_event
from deeplens_connector.pipeline import Pipeline
from deeplens_connector.session.client import register_pipeline
from deeplens_connector.tracking import Tracking
from deeplens_connector.unsealing import NOT_FOUND, KnownSecret, MessageSecrets, Unsealer, WaitingSealed
from neonize.client import NewClient
from neonize.proto import Neonize_pb2 as N
from neonize.proto.waE2E import WAWebProtobufsE2E_pb2 as E2E
from neonize.proto.waHistorySync import WAWebProtobufsHistorySync_pb2 as HS

from tests.golden.goldens import load_golden
from tests.unit.connector import golden_events as story
from tests.unit.connector.golden_events import ANNA_HALLO, ANNA_JID, T0
from tests.unit.connector.neonize_fixtures import SESSION, feed, web_msg
from tests.unit.connector.test_pipeline_client_reads import NoMedia, Tracked

HALLO_ID, _, HALLO_SECRET = ANNA_HALLO
EDIT_AT = T0 + 45_000


def hallo(at: int = T0, secret: bytes = HALLO_SECRET) -> Any:
    """Anna's "Hallo!" as it arrives live, with its message secret."""
    message = E2E.Message(
        conversation="Hallo! Bist du heute Abend da?",
        messageContextInfo=E2E.MessageContextInfo(messageSecret=secret),
    )
    return story.anna_says(HALLO_ID, at, message)


def hallo_in_history() -> Any:
    web = web_msg(ANNA_JID, HALLO_ID, story.text("Hallo! Bist du heute Abend da?"), ts_s=T0 // 1000)
    web.messageSecret = HALLO_SECRET
    chunk = HS.HistorySync(syncType=HS.HistorySync.RECENT, chunkOrder=1, progress=50)
    chunk.conversations.add(ID=ANNA_JID).messages.add(message=web)
    return N.HistorySync(Data=chunk)


def run(events: Iterable[Any], unsealer: Unsealer) -> list[Event]:
    published: list[Event] = []
    pipeline = Pipeline(SESSION, Tracking(Tracked()), NoMedia(), published.append,  # type: ignore[arg-type]
                        own_jid=lambda: f"{story.ME}@s.whatsapp.net", unsealer=unsealer)  # fmt: skip
    client = NewClient("unused", uuid="unit-test-unsealing")
    register_pipeline(client, pipeline.start())
    for ev in events:
        feed(client, ev)
    assert pipeline.close(5.0)
    return published


def edits(events: list[Event]) -> list[dict[str, Any]]:
    return [dump_event(event) for event in events if isinstance(event, MessageEdited)]


def kept_sealed(events: list[Event]) -> list[MessageSeen]:
    return [e for e in events if isinstance(e, MessageSeen) and e.raw and "decryptError" in e.raw]


def test_sealed_edit_is_the_golden_edit_when_its_original_passed_through_first() -> None:
    published = run([hallo(), story.sealed_edit(EDIT_AT)], Unsealer())
    assert kept_sealed(published) == []
    [edit] = edits(published)
    assert edit | {"occurred_at_ms": 0} == load_golden("edit_sealed") | {"occurred_at_ms": 0}


def test_sealed_edit_is_kept_then_published_when_its_original_arrives_after_it() -> None:
    published = run([story.sealed_edit(EDIT_AT), hallo()], Unsealer())
    [kept] = kept_sealed(published)
    assert (kept.message_id, kept.raw and kept.raw["decryptError"]) == ("3EB0E1D1700000000002", NOT_FOUND)
    assert [e.kind for e in published] == ["message", "message", "edit"]  # kept, original, its edit
    [edit] = edits(published)
    assert edit | {"occurred_at_ms": 0} == load_golden("edit_sealed") | {"occurred_at_ms": 0}


def test_sealed_edit_waits_across_a_restart_and_opens_with_the_history_sync(tmp_path: Path) -> None:
    first = run([story.sealed_edit(EDIT_AT)], Unsealer(waiting=WaitingSealed(tmp_path)))
    assert len(kept_sealed(first)) == 1 and edits(first) == []
    assert len(list(tmp_path.glob("*.pb"))) == 1
    assert oct((next(tmp_path.glob("*.pb"))).stat().st_mode & 0o777) == "0o600"  # ciphertext, own eyes only
    after_restart = run([hallo_in_history()], Unsealer(waiting=WaitingSealed(tmp_path)))
    [edit] = edits(after_restart)
    assert edit["new_text"] == "Hallo! Bist du heute Abend wirklich da?"
    assert list(tmp_path.glob("*.pb")) == []  # no longer waiting


def test_sealed_edit_is_opened_with_the_secret_from_whatsmeows_store() -> None:
    asked: list[str] = []

    def store(message_id: str) -> list[KnownSecret]:
        asked.append(message_id)
        return [KnownSecret(ANNA_JID, HALLO_SECRET)]

    published = run([story.sealed_edit(EDIT_AT)], Unsealer(MessageSecrets(store)))
    assert [e["new_text"] for e in edits(published)] == ["Hallo! Bist du heute Abend wirklich da?"]
    assert asked == [HALLO_ID]


def test_sealed_edit_waits_when_whatsmeows_store_cannot_be_read() -> None:
    def store(message_id: str) -> list[KnownSecret]:
        raise OSError("connection refused")

    unsealer = Unsealer(MessageSecrets(store))
    published = run([story.sealed_edit(EDIT_AT), hallo()], unsealer)
    assert len(kept_sealed(published)) == 1 and len(edits(published)) == 1


def test_waiting_list_drops_the_oldest_when_full(tmp_path: Path) -> None:
    waiting = WaitingSealed(tmp_path, kept=2)
    for offset in range(3):
        ev = story.sealed_edit(EDIT_AT + offset)
        ev.Info.ID = f"3EB0E1D17000000000F{offset}"
        waiting.keep(ev, HALLO_ID)
    assert len(waiting) == 2 and len(list(tmp_path.glob("*.pb"))) == 2
    assert [ev.Info.ID for ev in WaitingSealed(tmp_path).take(HALLO_ID)] == [
        "3EB0E1D17000000000F1",
        "3EB0E1D17000000000F2",
    ]


def test_waiting_list_keeps_a_redelivered_message_once(tmp_path: Path) -> None:
    waiting = WaitingSealed(tmp_path)
    waiting.keep(story.sealed_edit(EDIT_AT), HALLO_ID)
    waiting.keep(story.sealed_edit(EDIT_AT), HALLO_ID)
    assert len(waiting) == 1 and waiting.waits_for(HALLO_ID)


def test_unreadable_waiting_record_is_set_aside_when_loaded(tmp_path: Path) -> None:
    (tmp_path / "broken.pb").write_bytes(b"\xff\x00 not a neonize event")
    assert len(WaitingSealed(tmp_path)) == 0
    assert [path.name for path in tmp_path.iterdir()] == ["broken.bad"]


def test_secrets_seen_are_bounded_when_many_messages_pass() -> None:
    secrets = MessageSecrets(kept=2)
    for index in range(3):
        secrets.remember(f"ID{index}", [ANNA_JID], bytes([index]) * 32)
    assert secrets.of("ID0") == [] and secrets.of("ID2") == [KnownSecret(ANNA_JID, bytes([2]) * 32)]
