"""Reconcile catches up the replay of held batches (`untracked/`) once their chat is tracked: a
batch the connector uploaded late, or a replay job that did not run (Lambda, an API restart)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import psycopg
from deeplens.adapters.object_store import ObjectStore
from deeplens.adapters.queue import Queue
from deeplens.domain.archive_plan import TrackingPolicy
from deeplens.domain.batch import encode_batch, untracked_key, untracked_prefix
from deeplens.domain.envelope import parse_event
from deeplens.services.ingest import IngestDeps, ingest_record
from deeplens.services.reconcile import replay_tracked_held

from tests import factories as f
from tests.integration.services.test_ingest_archive import inline_record, rows
from tests.integration.services.test_reconcile import _drain

OTHER_GROUP = "120363099999999999@g.us"


def test_held_batches_of_tracked_chats_are_enqueued_once_and_untracked_ones_never(
    database_url: str,
    make_deps: Callable[..., IngestDeps],
    events_store: ObjectStore,
    local_queue_pair: Callable[..., tuple[Queue, Queue]],
) -> None:
    session = f"rh_{uuid.uuid4().hex[:8]}"
    deps = make_deps(database_url, TrackingPolicy(track_groups=False))
    discovered = [
        f.chat(chat, "group", None, f.T0, is_tracked=False) | {"session": session}
        for chat in (f.GROUP, OTHER_GROUP)
    ]
    ingest_record(inline_record(discovered, "d1").replace(f.SESSION, session), deps)
    for n, chat in enumerate((f.GROUP, OTHER_GROUP)):
        message = f.message(chat, f"H{n}", f.BOB_PN, f.T0, "held") | {"session": session}
        events_store.put(
            untracked_key(session, chat, f"b{n}", f.T0), encode_batch([parse_event(message)]), "x"
        )
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE tracking_config SET is_tracked = true WHERE session_id = %s AND jid = %s",
            (session, f.GROUP),
        )
    queue, _ = local_queue_pair()

    def run() -> int:
        return replay_tracked_held(
            events_store, deps.pool, queue, session, now=datetime.now(UTC), min_age=timedelta(0), limit=100
        )

    assert run() == 1
    _drain(queue, deps)
    assert rows(database_url, "SELECT chat_jid, id FROM messages WHERE session_id = %s", session) == [
        (f.GROUP, "H0")
    ]
    assert run() == 0  # applied: not again
    for key in list(events_store.keys(untracked_prefix(session))):
        events_store.delete(key)
