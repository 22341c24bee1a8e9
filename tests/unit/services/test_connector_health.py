"""The connector-health metric the reconcile function publishes (the 10-minute alarm's input)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from deeplens.services.connector_health import METRIC, NEVER_S, ConnectorHealth, emf_record, health_of

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_connected_is_zero_and_any_other_state_counts_from_its_start() -> None:
    assert health_of({"state": "connected", "updated_at": NOW - timedelta(hours=5)}, NOW).disconnected_s == 0
    offline = health_of({"state": "reconnecting", "updated_at": NOW - timedelta(minutes=11)}, NOW)
    assert offline == ConnectorHealth("reconnecting", 660)


def test_a_connector_that_never_reported_counts_as_long_gone() -> None:
    assert health_of(None, NOW) == ConnectorHealth("unknown", NEVER_S)


def test_emf_record_names_the_metric_the_alarm_watches() -> None:
    record = json.loads(emf_record(ConnectorHealth("logged_out", 700), "primary_agent", NOW))
    directive = record["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "DeepLens" and directive["Dimensions"] == [["SessionId"]]
    assert directive["Metrics"] == [{"Name": METRIC, "Unit": "Seconds"}]
    assert (record["SessionId"], record[METRIC], record["_aws"]["Timestamp"]) == (
        "primary_agent", 700, int(NOW.timestamp() * 1000),
    )  # fmt: skip
