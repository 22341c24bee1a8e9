"""A stop never loses media: downloads not started are published as pending at once, one still
running when the time is up too; each is kept on disk and the next pool fetches it (real S3)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.envelope import Event, MessageSeen
from deeplens_connector.media import PENDING_REASON, MediaPool
from deeplens_connector.pending_media import PendingMedia
from deeplens_connector.translate import MediaRef

from tests.integration.connector.test_media_worker import PHOTO, _job


class _SlowCdn:
    """Every download waits until `release` is set (a slow CDN), then returns the photo."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, ref: MediaRef) -> bytes:
        self.started.set()
        self.release.wait(30)
        return PHOTO


def _statuses(out: list[Event]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for event in out:
        if isinstance(event, MessageSeen) and event.media is not None:
            seen.setdefault(event.message_id, []).append(event.media.status)
    return seen


def test_stop_publishes_waiting_and_running_downloads_as_pending_and_the_next_pool_fetches_them(
    media_store: ObjectStore, tmp_path: Path
) -> None:
    pending = PendingMedia(tmp_path)
    out: list[Event] = []
    cdn = _SlowCdn()
    pool = MediaPool(cdn, media_store, out.append, max_bytes=10**6, workers=1, pending=pending)
    for message_id in ("RUN1", "WAIT1", "WAIT2"):
        pool.enqueue(*_job(message_id, PHOTO))
    assert cdn.started.wait(5)
    assert not pool.close(0.3)  # RUN1 still downloading when the time is up
    pool.enqueue(*_job("LATE1", PHOTO))  # routed after the stop began: pending at once
    assert _statuses(out) == {"RUN1": ["pending"], "WAIT1": ["pending"], "WAIT2": ["pending"],
                              "LATE1": ["pending"]}  # fmt: skip
    assert all(e.media and e.media.error == PENDING_REASON for e in out if isinstance(e, MessageSeen))
    cdn.release.set()  # the abandoned download ends: it publishes nothing and keeps its record
    kept = pending.load()
    assert sorted(k.message.message_id for k in kept) == ["LATE1", "RUN1", "WAIT1", "WAIT2"]
    assert kept[0].ref.media_key == b"k"

    after: list[Event] = []
    fresh = MediaPool(lambda ref: PHOTO, media_store, after.append, max_bytes=10**6, pending=pending)
    assert fresh.resume() == 4
    assert _wait_for(lambda: len(after) == 4)
    assert fresh.wait_idle(10)
    assert _statuses(after) == {m: ["stored"] for m in ("RUN1", "WAIT1", "WAIT2", "LATE1")}
    assert pending.load() == []
    fresh.close(5)


def test_a_download_that_ends_within_the_stop_is_stored_and_not_kept(
    media_store: ObjectStore, tmp_path: Path
) -> None:
    pending = PendingMedia(tmp_path)
    out: list[Event] = []
    cdn = _SlowCdn()
    pool = MediaPool(cdn, media_store, out.append, max_bytes=10**6, workers=1, pending=pending)
    pool.enqueue(*_job("QUICK1", PHOTO))
    assert cdn.started.wait(5)
    threading.Timer(0.2, cdn.release.set).start()
    assert pool.close(10)
    assert _statuses(out) == {"QUICK1": ["stored"]}
    assert pending.load() == []


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
