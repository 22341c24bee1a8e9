"""The events bucket is the source of truth: re-enqueue every batch object never applied.

`reconcile` catches up after a lost queue (moto keeps messages in memory), a purged DLQ or a bug
fix; `replay` forgets what was applied from a date on and re-enqueues it all (rebuilds the archive
from the log: every rule of ingest is idempotent)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from deeplens.adapters import archive_repo
from deeplens.domain.batch import pointer_for_key


class EventObjects(Protocol):
    bucket: str

    def objects(self, prefix: str, start_after: str = "") -> Iterator[tuple[str, datetime]]: ...


class Sender(Protocol):
    def send(self, body: str, attributes: dict[str, str] | None = None) -> str: ...


@dataclass(frozen=True)
class ReconcileResult:
    listed: int
    applied: int
    enqueued: int
    too_young: int


def log_prefix(session: str) -> str:
    return f"events/{session}/"


def reconcile(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, *, session: str, now: datetime,
    min_age: timedelta, start_after: str = "",
) -> ReconcileResult:  # fmt: skip
    """Enqueue a pointer for every batch object under the session's log that was never applied.

    Objects younger than `min_age` are left alone: their own SQS message is probably in flight."""
    with pool.connection() as conn:
        applied = archive_repo.applied_keys(conn, session, log_prefix(session))
    listed = enqueued = too_young = 0
    for key, modified in store.objects(log_prefix(session), start_after):
        listed += 1
        if key in applied:
            continue
        if now - modified < min_age:
            too_young += 1
            continue
        queue.send(pointer_for_key(store.bucket, key, session))
        enqueued += 1
    return ReconcileResult(listed, listed - enqueued - too_young, enqueued, too_young)


def replay(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, session: str, since: date
) -> ReconcileResult:
    """Re-apply every batch from `since` (UTC day) on, applied or not."""
    start = f"{log_prefix(session)}{since:%Y/%m/%d}/"
    with pool.connection() as conn:
        conn.execute(
            "DELETE FROM applied_batches WHERE session_id = %s AND batch_key >= %s", (session, start)
        )
    keys = [key for key, _ in store.objects(log_prefix(session), start_after=start[:-1])]
    for key in keys:
        queue.send(pointer_for_key(store.bucket, key, session))
    return ReconcileResult(len(keys), 0, len(keys), 0)
