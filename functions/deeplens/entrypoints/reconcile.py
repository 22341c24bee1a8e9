"""Reconcile the archive with the events log.

Lambda: `handler` (scheduled): reconciles, then publishes each account's connector health as a metric.
CLI: `python -m deeplens.entrypoints.reconcile` (catch up from the watermark),
`... --full` (forget the watermark: list the whole log again, in bounded runs),
`... --include-rejected` (also re-enqueue batches ingest refused, after a fix), or
`... --replay-from 2026-11-01` (rebuild from that day on); `--expire-untracked` also deletes the
held content of untracked chats older than UNTRACKED_RETENTION_DAYS (the local stack: s3rver has no
lifecycle rules; in AWS the bucket's rule does it)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters.account_store import account_ids, list_accounts
from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.postgres import pooled
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.entrypoints.cli import run_cli
from deeplens.services.connector_health import accounts_health, emf_record
from deeplens.services.reconcile import (
    Limits,
    ReconcileResult,
    expire_untracked,
    reconcile,
    replay,
    replay_tracked_held,
)
from deeplens.settings import ReconcileSettings, load_settings

logger = Logger(service="deeplens-reconcile")


def run(
    settings: ReconcileSettings, replay_from: date | None = None, min_age_s: int | None = None, *,
    full: bool = False, include_rejected: bool = False,
) -> ReconcileResult:  # fmt: skip
    """Every account's log (#15: the accounts table; SESSION_ID while it is empty), one after the
    other; the results added up (one account: its own result)."""
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    queue = Queue(make_sqs_client(settings, settings), str(settings.ingest_queue_url))
    pool = make_pool(settings.database_url.get_secret_value(), max_size=1)
    options = _Options(replay_from, min_age_s, full, include_rejected)
    try:
        with pooled(pool) as conn:
            accounts = account_ids(conn) or [settings.session_id]
        return _total([_run_account(store, pool, queue, settings, account, options) for account in accounts])
    finally:
        pool.close()


@dataclasses.dataclass(frozen=True)
class _Options:
    replay_from: date | None
    min_age_s: int | None
    full: bool
    include_rejected: bool


def _run_account(  # noqa: PLR0917 - the run's parts
    store: ObjectStore, pool: Any, queue: Queue, settings: ReconcileSettings, account: str, options: _Options
) -> ReconcileResult:
    if options.replay_from is not None:
        return replay(store, pool, queue, account, options.replay_from)
    seconds = settings.reconcile_min_age_seconds if options.min_age_s is None else options.min_age_s
    age = timedelta(seconds=seconds)
    result = reconcile(
        store, pool, queue, session=account, now=datetime.now(UTC), min_age=age,
        include_rejected=options.include_rejected, full=options.full, limits=limits_from(settings),
    )  # fmt: skip
    held = replay_tracked_held(
        store, pool, queue, account, now=datetime.now(UTC), min_age=age, limit=settings.reconcile_max_enqueued
    )
    return dataclasses.replace(result, held_replayed=held)


def _total(results: list[ReconcileResult]) -> ReconcileResult:
    """Counts added; complete only if every account's was; the earliest watermark."""
    if len(results) == 1:
        return results[0]
    counts = {
        field.name: sum(getattr(r, field.name) for r in results)
        for field in dataclasses.fields(ReconcileResult)
        if field.type in ("int", int)
    }
    marks = [r.settled_through for r in results if r.settled_through]
    return ReconcileResult(
        **counts, complete=all(r.complete for r in results), settled_through=min(marks) if marks else None
    )


def limits_from(settings: ReconcileSettings) -> Limits:
    return Limits(
        settings.reconcile_max_listed, settings.reconcile_max_enqueued, settings.reconcile_settle_days
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    settings = load_settings(ReconcileSettings)
    result = run(settings)
    logger.info("reconciled", extra=asdict(result))
    publish_connector_health(settings)
    return asdict(result)


def publish_connector_health(settings: ReconcileSettings) -> None:
    """One CloudWatch embedded-metric record per account on stdout (Lambda ships them to the log
    group and CloudWatch extracts the metric, dimension SessionId = the account: no API call, no VPC
    endpoint). Each account's alarm fires when its connector has not been connected for 10 minutes;
    a paused account reports 0 (stopped on purpose)."""
    pool = make_pool(settings.database_url.get_secret_value(), max_size=1)
    try:
        with pooled(pool) as conn:
            accounts = {str(row["id"]): str(row["state"]) for row in list_accounts(conn)}
        health = accounts_health(pool, accounts or {settings.session_id: "active"}, datetime.now(UTC))
    finally:
        pool.close()
    now = datetime.now(UTC)
    sys.stdout.write("".join(emf_record(one, account, now) + "\n" for account, one in health.items()))
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="reconcile", description=__doc__)
    parser.add_argument("--replay-from", type=date.fromisoformat, help="YYYY-MM-DD (UTC)")
    parser.add_argument("--min-age-seconds", type=int, help="override RECONCILE_MIN_AGE_SECONDS")
    parser.add_argument("--full", action="store_true", help="list the whole log (forget the watermark)")
    parser.add_argument(
        "--include-rejected", action="store_true", help="re-enqueue batches ingest refused as poison too"
    )
    parser.add_argument(
        "--expire-untracked", action="store_true", help="delete held untracked content past its retention"
    )
    args = parser.parse_args(argv)
    settings = load_settings(ReconcileSettings)
    result = run(
        settings, args.replay_from, args.min_age_seconds,
        full=args.full, include_rejected=args.include_rejected,
    )  # fmt: skip
    if args.expire_untracked:
        sys.stdout.write(f"expired_untracked={expire_held(settings)} ")
    sys.stdout.write(" ".join(f"{k}={v}" for k, v in asdict(result).items()) + "\n")
    return 0


def expire_held(settings: ReconcileSettings) -> int:
    """Every account's held untracked content past the retention (the accounts table's ids,
    SESSION_ID while it is empty), added up."""
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    pool = make_pool(settings.database_url.get_secret_value(), max_size=1)
    try:
        with pooled(pool) as conn:
            accounts = account_ids(conn) or [settings.session_id]
    finally:
        pool.close()
    days, now = settings.untracked_retention_days, datetime.now(UTC)
    return sum(expire_untracked(store, account, now, days) for account in accounts)


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
