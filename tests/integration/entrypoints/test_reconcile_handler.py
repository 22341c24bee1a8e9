"""The scheduled reconcile function fed the event `sam local generate-event cloudwatch
scheduled-event` produces (tests/events/scheduled_event.json), against the real stack: it
reconciles and prints the connector metric CloudWatch extracts (EMF)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from deeplens.entrypoints.reconcile import handler
from deeplens.services.connector_health import METRIC

EVENT = json.loads((Path(__file__).parents[2] / "events/scheduled_event.json").read_text())


def test_scheduled_event_reconciles_and_publishes_the_connector_metric(
    stack_env: dict[str, str], database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    session = f"sched_{uuid.uuid4().hex[:8]}"
    for name, value in stack_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SESSION_ID", session)
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO connector_status (session_id, state, updated_at)"
            " VALUES (%s, 'reconnecting', now() - interval '11 minutes')",
            (session,),
        )
    result = handler(EVENT, None)
    assert (result["listed"], result["complete"]) == (0, True)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (record,) = [r for r in records if METRIC in r]
    assert record["SessionId"] == session and 655 <= record[METRIC] <= 700
