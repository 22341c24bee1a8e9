"""Reconcile covers every account (#15), not only SESSION_ID: after a lost queue each account's
unapplied batches are queued again; the connector metric is published for each account; and
--expire-untracked expires each account's held content."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from deeplens.adapters.object_store import ObjectStore
from deeplens.domain.batch import batch_key, encode_batch, untracked_key, untracked_prefix
from deeplens.domain.envelope import parse_events
from deeplens.entrypoints.reconcile import expire_held, handler, run
from deeplens.services.connector_health import METRIC, NEVER_S
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


def test_every_accounts_connector_is_measured_a_paused_one_as_zero(
    stack_env: dict[str, str], database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    down, paused, never = f"down_{tag}", f"paused_{tag}", f"never_{tag}"
    for name, value in stack_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SESSION_ID", down)
    with psycopg.connect(database_url) as conn:
        for account in (down, paused, never):
            state = "paused" if account == paused else "active"
            row = (account, account, state)
            conn.execute("INSERT INTO accounts (id, display_name, state) VALUES (%s, %s, %s)", row)
        for account in (down, paused):  # the paused one's connector stopped long ago
            conn.execute(
                "INSERT INTO connector_status (session_id, state, updated_at)"
                " VALUES (%s, 'reconnecting', now() - interval '11 minutes')",
                (account,),
            )
    handler({}, None)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = {r["SessionId"]: (r[METRIC], r["ConnectorState"]) for r in records if METRIC in r}
    assert set(metrics) == {down, paused, never}
    assert 655 <= metrics[down][0] <= 700 and metrics[down][1] == "reconnecting"
    assert metrics[paused] == (0, "paused")
    assert metrics[never] == (NEVER_S, "unknown")  # an account whose connector never came up alarms too


def test_expire_untracked_covers_every_account(
    stack_env: dict[str, str], database_url: str, events_store: ObjectStore
) -> None:
    tag = uuid.uuid4().hex[:8]
    accounts = (f"exp_a_{tag}", f"exp_b_{tag}")
    with psycopg.connect(database_url) as conn:
        for account in accounts:
            conn.execute("INSERT INTO accounts (id, display_name) VALUES (%s, %s)", (account, account))
    now_ms = int(time.time() * 1000)
    logs = []
    for account in accounts:
        events_store.put(untracked_key(account, f.GROUP, "h1", now_ms), encode_batch([]), "application/gzip")
        logs.append(batch_key(account, "b1", now_ms))
        events_store.put(logs[-1], encode_batch([]), "application/gzip")
    time.sleep(1.1)  # S3 times are whole seconds; retention 0 expires what is older than now
    settings: ReconcileSettings = settings_from(
        ReconcileSettings, stack_env, database_url=database_url, session_id=accounts[0],
        untracked_retention_days=0,
    )  # fmt: skip
    assert expire_held(settings) == 2
    for account, log in zip(accounts, logs, strict=True):
        assert list(events_store.keys(untracked_prefix(account))) == []
        assert list(events_store.keys(f"events/{account}/")) == [log]  # the event log stays
        events_store.delete(log)
