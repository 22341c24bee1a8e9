"""Reconcile covers every account's event log (#15), not only SESSION_ID's: after a lost queue each
account's unapplied batches are queued again."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.batch import batch_key, encode_batch
from deeplens.domain.envelope import parse_events
from deeplens.entrypoints.reconcile import run
from deeplens.settings import ReconcileSettings

from tests import factories as f
from tests.support import settings_from


def test_every_accounts_unapplied_batches_are_queued_again(
    stack_env: dict[str, str],
    database_url: str,
    events_store: ObjectStore,
    local_queue_pair: Callable[..., Any],
) -> None:
    tag = uuid.uuid4().hex[:8]
    accounts = (f"rec_a_{tag}", f"rec_b_{tag}")
    with psycopg.connect(database_url) as conn:
        for account in accounts:
            conn.execute("INSERT INTO accounts (id, display_name) VALUES (%s, %s)", (account, account))
    now_ms = int(time.time() * 1000)
    for account in accounts:
        event = {**f.message(f.PN, f"M-{account}", f.PN, now_ms, "hi"), "session": account}
        events_store.put(
            batch_key(account, "b1", now_ms), encode_batch(parse_events([event])), "application/gzip"
        )
    queue, _ = local_queue_pair()
    settings: ReconcileSettings = settings_from(
        ReconcileSettings, stack_env, database_url=database_url, ingest_queue_url=queue.url,
        session_id=accounts[0],
    )  # fmt: skip
    result = run(settings, min_age_s=0, full=True)
    assert (result.listed, result.enqueued, result.complete) == (2, 2, True)
    queued = [json.loads(m.body)["session"] for m in queue.receive(10, wait_s=1)]
    assert sorted(queued) == sorted(accounts)
