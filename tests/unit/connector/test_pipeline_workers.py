"""History chunks translated by worker processes give what the pipeline thread gives, in order."""

from __future__ import annotations

import json
from typing import Any

from deeplens.domain.envelope import Event, MessageSeen, dump_event
from deeplens_connector.chunk_worker import ChunkWorkers
from deeplens_connector.pipeline import Pipeline
from deeplens_connector.publish.encoded import Encoded, event_line
from deeplens_connector.session.client import register_pipeline
from deeplens_connector.tracking import ChatPolicy, Tracking
from deeplens_connector.translate import MediaRef
from neonize.client import NewClient
from neonize.proto import Neonize_pb2 as N

from tests.unit.connector import golden_events as story
from tests.unit.connector.neonize_fixtures import ME, SESSION, feed
from tests.unit.connector.test_history import chunk

NOW_S = 1_764_300_000.0


class Tracked:
    def policy_for(self, jid: str, kind: str) -> ChatPolicy:
        return ChatPolicy(is_tracked=True, auto_download_media=True)


class Downloads:
    def __init__(self) -> None:
        self.asked: list[tuple[str, MediaRef]] = []

    def enqueue(self, message: MessageSeen, ref: MediaRef) -> None:
        self.asked.append((message.message_id, ref))

    def skip(self, message: MessageSeen, reason: str) -> None:
        raise AssertionError(f"{message.message_id} skipped: {reason}")

    def wait_idle(self, timeout_s: float) -> bool:
        return True


def as_json(event: Event | Encoded) -> dict[str, Any]:
    """What the batch object will hold for the event (a worker sends most as their JSON line)."""
    data: dict[str, Any] = json.loads(event_line(event))
    assert isinstance(event, Encoded) or data == dump_event(event)
    return data


def run(events: list[Any], workers: ChunkWorkers | None) -> tuple[list[Any], list[tuple[str, MediaRef]]]:
    published: list[Event | Encoded] = []
    media = Downloads()
    pipeline = Pipeline(SESSION, Tracking(Tracked()), media, published.append,  # type: ignore[arg-type]
                        own_jid=lambda: f"{ME}@s.whatsapp.net", workers=workers,
                        clock=lambda: NOW_S)  # fmt: skip
    client = NewClient("unused", uuid=f"unit-test-workers-{workers is not None}")
    register_pipeline(client, pipeline.start())
    for ev in events:
        feed(client, ev)
    assert pipeline.close(30.0)
    return published, media.asked


def test_history_events_are_the_same_when_a_worker_process_translates_the_chunks() -> None:
    live_between = story.anna_says("3EB0L1VE", int(NOW_S * 1000), story.text("zwischendurch"))
    events = [N.HistorySync(Data=chunk()), live_between, N.HistorySync(Data=chunk())]
    here, here_media = run(events, None)
    there, there_media = run(events, ChunkWorkers(1))
    assert [as_json(e) for e in there] == [as_json(e) for e in here]
    assert there_media == here_media
    assert len(here) > 20 and here_media  # the chunk has every kind of event, and media
    assert any(isinstance(e, Encoded) for e in there) and not any(isinstance(e, Encoded) for e in here)
    live_at = [as_json(e).get("message_id") == "3EB0L1VE" for e in there].index(True)
    assert 0 < live_at < len(there) - 1  # arrival order: the live message between the two chunks


def test_history_chunk_is_translated_in_the_pipeline_when_the_workers_are_gone() -> None:
    workers = ChunkWorkers(1)
    workers.close()  # submit() now raises: the pipeline translates the chunk itself
    there, _ = run([N.HistorySync(Data=chunk())], workers)
    here, _ = run([N.HistorySync(Data=chunk())], None)
    assert [as_json(e) for e in there] == [as_json(e) for e in here]
