"""The local stand-in for the bucket's lifecycle rule: reconcile --expire-untracked deletes held
content of untracked chats past UNTRACKED_RETENTION_DAYS, and nothing of the event log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.batch import encode_batch, untracked_key, untracked_prefix
from deeplens.services.reconcile import expire_untracked

from tests import factories as f


def test_held_content_expires_after_the_retention_and_the_log_stays(events_store: ObjectStore) -> None:
    session = f"expire-{uuid.uuid4().hex[:8]}"
    held = untracked_key(session, f.GROUP, "b1", f.T0)
    log = f"events/{session}/2025/11/24/b2.jsonl.gz"
    for key in (held, log):
        events_store.put(key, encode_batch([]), "application/gzip")
    now = datetime.now(UTC)
    assert expire_untracked(events_store, session, now, 30) == 0
    assert expire_untracked(events_store, session, now + timedelta(days=31), 30) == 1
    assert list(events_store.keys(untracked_prefix(session))) == []
    assert list(events_store.keys(f"events/{session}/")) == [log]
    events_store.put(held, encode_batch([]), "application/gzip")
    assert expire_untracked(events_store, session, now + timedelta(seconds=5), 0) == 1  # 0: nothing kept
    events_store.delete(log)
