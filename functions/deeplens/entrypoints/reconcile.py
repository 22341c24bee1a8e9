"""Reconcile the archive with the events log.

Lambda: `handler` (scheduled). CLI: `python -m deeplens.entrypoints.reconcile` (catch up) or
`... reconcile --replay-from 2026-11-01` (rebuild from that day on)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from deeplens.adapters.object_store import ObjectStore, make_s3_client
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import make_pool
from deeplens.entrypoints.cli import run_cli
from deeplens.services.reconcile import ReconcileResult, reconcile, replay
from deeplens.settings import ReconcileSettings, load_settings

logger = Logger(service="deeplens-reconcile")


def run(
    settings: ReconcileSettings, replay_from: date | None = None, min_age_s: int | None = None
) -> ReconcileResult:
    store = ObjectStore(make_s3_client(settings), settings.events_bucket)
    queue = Queue(make_sqs_client(settings, settings), str(settings.ingest_queue_url))
    pool = make_pool(settings.database_url.get_secret_value(), max_size=1)
    try:
        if replay_from is not None:
            return replay(store, pool, queue, settings.session_id, replay_from)
        age = settings.reconcile_min_age_seconds if min_age_s is None else min_age_s
        min_age = timedelta(seconds=age)
        return reconcile(
            store, pool, queue, session=settings.session_id, now=datetime.now(UTC), min_age=min_age
        )
    finally:
        pool.close()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    result = run(load_settings(ReconcileSettings))
    logger.info("reconciled", extra=asdict(result))
    return asdict(result)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="reconcile", description=__doc__)
    parser.add_argument("--replay-from", type=date.fromisoformat, help="YYYY-MM-DD (UTC)")
    parser.add_argument("--min-age-seconds", type=int, help="override RECONCILE_MIN_AGE_SECONDS")
    args = parser.parse_args(argv)
    result = run(load_settings(ReconcileSettings), args.replay_from, args.min_age_seconds)
    sys.stdout.write(" ".join(f"{k}={v}" for k, v in asdict(result).items()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_cli(main))
