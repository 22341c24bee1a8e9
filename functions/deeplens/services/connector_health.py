"""How long the connector has not been connected, from `connector_status` (the row the connector
keeps in PostgreSQL on every state change), as a CloudWatch embedded-metric record.

Connected -> 0. Any other state -> seconds since that state began. No row (never started or never
paired) -> NEVER_S, so the alarm also fires for a stack whose connector never came up. A process
that hangs while its row still says `connected` is not seen here (its Redis heartbeat would be)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg_pool import ConnectionPool

from deeplens.adapters import archive_queries

NAMESPACE = "DeepLens"
METRIC = "ConnectorDisconnectedSeconds"
NEVER_S = 86_400


@dataclass(frozen=True)
class ConnectorHealth:
    state: str
    disconnected_s: int


def connector_health(pool: ConnectionPool[Any], session: str, now: datetime) -> ConnectorHealth:
    with pool.connection() as conn:
        row = archive_queries.connector_status(conn, session)
    return health_of(row, now)


def accounts_health(
    pool: ConnectionPool[Any], accounts: dict[str, str], now: datetime
) -> dict[str, ConnectorHealth]:
    """Each account's health (#15), by id; `accounts` maps an id to its state. A paused account's
    connector is stopped on purpose: 0 s, state `paused`, so its alarm stays quiet."""
    return {
        account: ConnectorHealth("paused", 0) if state == "paused" else connector_health(pool, account, now)
        for account, state in accounts.items()
    }


def health_of(row: dict[str, Any] | None, now: datetime) -> ConnectorHealth:
    if row is None:
        return ConnectorHealth("unknown", NEVER_S)
    state = str(row["state"])
    if state == "connected":
        return ConnectorHealth(state, 0)
    return ConnectorHealth(state, max(0, int((now - row["updated_at"]).total_seconds())))


def emf_record(health: ConnectorHealth, session: str, now: datetime) -> str:
    """One line CloudWatch turns into the metric (namespace DeepLens, dimension SessionId)."""
    return json.dumps(
        {
            "_aws": {
                "Timestamp": int(now.timestamp() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["SessionId"]],
                        "Metrics": [{"Name": METRIC, "Unit": "Seconds"}],
                    }
                ],
            },
            "SessionId": session,
            METRIC: health.disconnected_s,
            "ConnectorState": health.state,
        },
        separators=(",", ":"),
    )
