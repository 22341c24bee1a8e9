"""Retro-tracking, the connector's side: the content of untracked chats is held in the log's
`untracked/{session}/{user~server}/...` prefix, one batch per chat, and never enqueued."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from deeplens.domain.batch import (
    BatchPointer,
    chat_segment,
    decode_batch,
    decode_pointer,
    untracked_chat_of_key,
    untracked_key,
)
from deeplens.domain.envelope import Event, MessageSeen, parse_event
from deeplens.domain.errors import InvalidEnvelope
from deeplens_connector.publish.publisher import Publisher, PublisherConfig
from deeplens_connector.publish.spool import Spool

from tests import factories as f
from tests.unit.connector.publish.test_batching import Messages, Objects

SESSION = "s1"


def message(chat: str, message_id: str) -> MessageSeen:
    event = parse_event(f.message(chat, message_id, f.BOB_PN, f.T0, "held"))
    assert isinstance(event, MessageSeen)
    return event


def held_keys(objects: Objects) -> list[str]:
    return sorted(key for key in objects.bodies if key.startswith("untracked/"))


def test_held_content_is_written_per_chat_to_the_untracked_prefix_and_never_enqueued(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    publisher = Publisher(
        PublisherConfig(SESSION, max_wait_s=30), Spool(tmp_path, 10_000_000), objects, messages
    )
    publisher.start()
    other_group = "120363099999999999@g.us"
    held: list[Event] = [message(f.GROUP, "M1"), message(other_group, "M2"), message(f.GROUP, "M3")]
    publisher.hold_many(held)  # type: ignore[arg-type]
    publisher.submit(message(f.BOB_PN, "M4"))
    assert publisher.close(timeout_s=10)
    keys = held_keys(objects)
    assert [untracked_chat_of_key(key) for key in keys] == sorted([f.GROUP, other_group])
    by_chat = {untracked_chat_of_key(key): decode_batch(objects.bodies[key]) for key in keys}
    assert [line["message_id"] for line in by_chat[f.GROUP]] == ["M1", "M3"]
    assert [decode_pointer(body).key.startswith("events/") for body in messages.bodies] == [True]


def test_held_batches_survive_a_restart_in_the_spool(tmp_path: Path) -> None:
    spool = Spool(tmp_path, 10_000_000)
    spool.append(b"\x1f\x8b...", 1_764_000_000_000, 1, "b1", chat_segment(f.GROUP))
    spool.close()
    reopened = Spool(tmp_path, 10_000_000)
    (batch,) = reopened.pending()
    reopened.close()
    assert (batch.batch_id, batch.chat_segment) == ("b1", "120363012345678901~g.us")


@pytest.mark.parametrize("jid", ["../x@g.us", "a/b@g.us", "120363@g.us/..", "x@g.us@s.whatsapp.net", ""])
def test_chat_segment_refuses_what_is_not_a_canonical_chat_jid(jid: str) -> None:
    with pytest.raises(InvalidEnvelope):
        chat_segment(jid)


def test_untracked_key_is_safe_and_reads_back_as_the_chat() -> None:
    key = untracked_key(SESSION, f.GROUP, "0001764000000000-abc", 1_764_000_000_000)
    assert key == "untracked/s1/120363012345678901~g.us/2025/11/24/0001764000000000-abc.jsonl.gz"
    assert untracked_chat_of_key(key) == f.GROUP
    assert untracked_chat_of_key("events/s1/2025/11/24/b.jsonl.gz") is None


def test_pointer_refuses_a_chat_folder_in_the_events_prefix() -> None:
    with pytest.raises(ValueError, match="untracked/ only"):
        BatchPointer(
            batch_id="b", session=SESSION, bucket="events", key="events/s1/120363~g.us/2025/11/24/b.jsonl.gz"
        )
    with pytest.raises(ValueError, match="untracked/ only"):
        BatchPointer(batch_id="b", session=SESSION, bucket="events", key="untracked/s1/2025/11/24/b.jsonl.gz")


def test_held_content_is_dropped_not_waited_for_when_the_spool_is_full(tmp_path: Path) -> None:
    objects, messages = Objects(), Messages()
    config = PublisherConfig(SESSION, max_wait_s=0.01, retry_min_s=0.01)
    publisher = Publisher(config, Spool(tmp_path, 1), objects, messages).start()  # 1 byte: always full
    publisher.hold_many([message(f.GROUP, "M1")])
    started = time.monotonic()
    assert publisher.close(timeout_s=5)
    assert time.monotonic() - started < 2  # the batcher did not wait for room in the spool
    assert objects.bodies == {} and messages.bodies == []
