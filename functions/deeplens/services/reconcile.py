"""The events bucket is the source of truth: re-enqueue every batch object never applied.

`reconcile` catches up after a lost queue (moto keeps messages in memory), a purged DLQ or a bug
fix; `replay` forgets what was applied from a date on and re-enqueues it all (rebuilds the archive
from the log: every rule of ingest is idempotent).

It scales with what is outstanding, not with the size of the log: a watermark per session
(`settled_through`, the last UTC day whose batches are all applied or rejected, and older than the
settle window) means a run lists only the days after it; each listed page costs one indexed lookup;
one run lists at most `max_listed` keys and enqueues at most `max_enqueued` pointers, and the next
run resumes where it stopped. Batches ingest refused as poison (`ingest_rejections`) are skipped
unless asked for (`include_rejected`): re-enqueuing them every run only refills the DLQ.

Why a settle window: a batch's key carries the day it was *written* by the connector, which can
upload it days later (its spool holds batches through an S3/SQS outage). It then sends its own
pointer; reconcile is needed only if that pointer is lost as well, and it lists the last
`settle_days` days on every run. Older days are listed again only with `full`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

from deeplens.adapters import reconcile_queries as db
from deeplens.adapters.reconcile_queries import WatermarkState
from deeplens.domain.batch import pointer_for_key, untracked_chat_of_key, untracked_prefix

PAGE = 1000  # S3 lists 1,000 keys per request: one database lookup per page


class EventObjects(Protocol):
    bucket: str

    def objects(self, prefix: str, start_after: str = "") -> Iterator[tuple[str, datetime]]: ...


class HeldObjects(EventObjects, Protocol):
    def delete(self, key: str) -> None: ...


class Sender(Protocol):
    def send(
        self, body: str, attributes: dict[str, str] | None = None, *, group: str | None = None
    ) -> str: ...


@dataclass(frozen=True)
class Limits:
    max_listed: int = 200_000
    max_enqueued: int = 10_000
    settle_days: int = 2


@dataclass(frozen=True)
class ReconcileResult:
    listed: int
    applied: int
    enqueued: int
    too_young: int
    rejected_skipped: int = 0
    requeued_rejected: int = 0
    complete: bool = True  # the listing reached the end of the log (False: a bound stopped it)
    settled_through: str | None = None  # the watermark after this run (ISO day)
    started_after: str = ""
    held_replayed: int = 0  # held batches of chats tracked since, enqueued (replay_tracked_held)


def log_prefix(session: str) -> str:
    return f"events/{session}/"


@dataclass
class _Scan:
    """One run's walk over the listing: counters, where it stopped, the first outstanding day."""

    limits: Limits
    enqueued: int = 0
    listed: int = 0
    applied: int = 0
    too_young: int = 0
    rejected_skipped: int = 0
    last_key: str | None = None
    first_unsettled: date | None = None
    stopped: bool = False
    requeued: set[str] = field(default_factory=set)

    def unsettled(self, key: str, prefix: str) -> None:
        day = key_day(key, prefix)
        if day is not None and (self.first_unsettled is None or day < self.first_unsettled):
            self.first_unsettled = day


def reconcile(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, *, session: str, now: datetime,
    min_age: timedelta, include_rejected: bool = False, full: bool = False, limits: Limits | None = None,
) -> ReconcileResult:  # fmt: skip
    """Enqueue a pointer for every batch after the watermark that was neither applied nor refused.

    Objects younger than `min_age` are left alone: their own SQS message is probably in flight.
    `full` forgets the watermark (this and the following runs list the whole log, in bounded steps);
    `include_rejected` first re-enqueues every refused batch not applied since (after a fix)."""
    limits = limits or Limits()
    prefix = log_prefix(session)
    with pool.connection() as conn:
        state = WatermarkState() if full else db.load_state(conn, session)
    scan = _Scan(limits)
    if include_rejected:
        _requeue_rejected(store, pool, queue, session, scan)
    start = start_after(prefix, state)
    target = _Target(store, pool, queue, session, now, min_age)
    for page in _pages(store.objects(prefix, start)):
        _scan_page(page, target, scan)
        if scan.stopped:
            break
    new_state = next_state(state, scan, prefix, now.date())
    with pool.connection() as conn:
        db.save_state(conn, session, new_state)
    return ReconcileResult(
        scan.listed, scan.applied, scan.enqueued, scan.too_young, scan.rejected_skipped, len(scan.requeued),
        not scan.stopped, new_state.settled_through.isoformat() if new_state.settled_through else None, start,
    )  # fmt: skip


def start_after(prefix: str, state: WatermarkState) -> str:
    """Where the listing starts: after the key a bounded run stopped at, else after the watermark
    day ('events/s/2026/11/06' sorts after every key of the 5th and before those of the 6th)."""
    if state.resume_after:
        return state.resume_after
    if state.settled_through is None:
        return ""
    return f"{prefix}{state.settled_through + timedelta(days=1):%Y/%m/%d}"


def _pages(objects: Iterable[tuple[str, datetime]]) -> Iterator[list[tuple[str, datetime]]]:
    page: list[tuple[str, datetime]] = []
    for item in objects:
        page.append(item)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _requeue_rejected(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, session: str, scan: _Scan
) -> None:
    with pool.connection() as conn:
        keys = db.rejected_unapplied(conn, session, scan.limits.max_enqueued)
    for key in keys:
        queue.send(pointer_for_key(store.bucket, key, session), group=session)
        scan.requeued.add(key)
        scan.enqueued += 1


@dataclass(frozen=True)
class _Target:
    store: EventObjects
    pool: ConnectionPool[Any]
    queue: Sender
    session: str
    now: datetime
    min_age: timedelta


def _scan_page(page: list[tuple[str, datetime]], target: _Target, scan: _Scan) -> None:
    session = target.session
    keys = [key for key, _ in page]
    with target.pool.connection() as conn:
        applied = db.applied_among(conn, session, keys)
        rejected = db.rejected_among(conn, keys) - applied
    prefix = log_prefix(session)
    for key, modified in page:
        if scan.listed >= scan.limits.max_listed:
            scan.stopped = True
            return
        kind = _classify(key, applied, rejected, scan.requeued)
        if kind == "applied":
            scan.applied += 1
        elif kind == "rejected":
            scan.rejected_skipped += 1
        elif kind == "requeued":
            scan.unsettled(key, prefix)
        elif target.now - modified < target.min_age:
            scan.too_young += 1
            scan.unsettled(key, prefix)
        elif scan.enqueued >= scan.limits.max_enqueued:
            scan.stopped = True
            return
        else:
            target.queue.send(pointer_for_key(target.store.bucket, key, session), group=session)
            scan.enqueued += 1
            scan.unsettled(key, prefix)
        scan.listed += 1
        scan.last_key = key


def _classify(key: str, applied: set[str], rejected: set[str], requeued: set[str]) -> str:
    if key in applied:
        return "applied"
    if key in requeued:  # refused once, re-enqueued by this run (include_rejected)
        return "requeued"
    if key in rejected:
        return "rejected"
    return "outstanding"


def next_state(state: WatermarkState, scan: _Scan, prefix: str, today: date) -> WatermarkState:
    """The watermark never passes the first outstanding day of the pass, nor the settle window."""
    first_unsettled = _earliest(state.pass_unsettled if state.resume_after else None, scan.first_unsettled)
    cap = today - timedelta(days=scan.limits.settle_days)
    if scan.stopped:
        stop_day = key_day(scan.last_key, prefix) if scan.last_key else None
        bound = first_unsettled or stop_day
        candidate = bound - timedelta(days=1) if bound else None
        resume = scan.last_key or state.resume_after
        return WatermarkState(_later(state.settled_through, candidate, cap), resume, first_unsettled)
    candidate = first_unsettled - timedelta(days=1) if first_unsettled else today
    return WatermarkState(_later(state.settled_through, candidate, cap), None, None)


def _later(current: date | None, candidate: date | None, cap: date) -> date | None:
    if candidate is None:
        return current
    moved = min(candidate, cap)
    return moved if current is None or moved > current else current


def _earliest(first: date | None, second: date | None) -> date | None:
    days = [day for day in (first, second) if day is not None]
    return min(days) if days else None


def key_day(key: str, prefix: str) -> date | None:
    """The UTC day in `events/{session}/{YYYY}/{MM}/{DD}/...`, None for a key of another shape."""
    try:
        return datetime.strptime(key[len(prefix) : len(prefix) + 10], "%Y/%m/%d").date()
    except ValueError:
        return None


def replay(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, session: str, since: date
) -> ReconcileResult:
    """Re-apply every batch from `since` (UTC day) on, applied or not; the watermark moves back
    before `since`, so the scheduled runs look after those batches again."""
    start = f"{log_prefix(session)}{since:%Y/%m/%d}/"
    with pool.connection() as conn:
        db.forget_applied_from(conn, session, start)
        state = db.load_state(conn, session)
        before = since - timedelta(days=1)
        settled = min(state.settled_through, before) if state.settled_through else None
        db.save_state(conn, session, WatermarkState(settled, None, None))
    keys = [key for key, _ in store.objects(log_prefix(session), start_after=start[:-1])]
    for key in keys:
        queue.send(pointer_for_key(store.bucket, key, session), group=session)
    return ReconcileResult(len(keys), 0, len(keys), 0, started_after=start[:-1])


def expire_untracked(store: HeldObjects, session: str, now: datetime, retention_days: int) -> int:
    """Delete the held content of untracked chats older than `retention_days` (every object when 0):
    what the bucket's lifecycle rule does in AWS (template.yaml, expire-untracked), for the local
    stack, whose s3rver has no lifecycle rules (`make run` runs reconcile with --expire-untracked)."""
    cutoff = now - timedelta(days=retention_days)
    expired = [key for key, modified in store.objects(untracked_prefix(session)) if modified < cutoff]
    for key in expired:
        store.delete(key)
    return len(expired)


def replay_tracked_held(
    store: EventObjects, pool: ConnectionPool[Any], queue: Sender, session: str, *, now: datetime,
    min_age: timedelta, limit: int,
) -> int:  # fmt: skip
    """Enqueue the held batches (`untracked/`) of chats tracked since that were neither applied nor
    refused: the replay that tracking a chat starts in the API (services/held_history.py), caught up
    here for a batch the connector uploaded late, a job the API did not finish, or Lambda (whose
    threads stop with the response). Ingest skips what it applied already."""
    with pool.connection() as conn:
        tracked = db.tracked_chats(conn, session)
    enqueued = 0
    if not tracked:
        return enqueued
    for page in _pages(store.objects(untracked_prefix(session))):
        keys = [
            key
            for key, modified in page
            if untracked_chat_of_key(key) in tracked and now - modified >= min_age
        ]
        if not keys:
            continue
        with pool.connection() as conn:
            done = db.applied_among(conn, session, keys) | db.rejected_among(conn, keys)
        for key in (key for key in keys if key not in done):
            if enqueued >= limit:
                return enqueued
            queue.send(pointer_for_key(store.bucket, key, session), group=session)
            enqueued += 1
    return enqueued
