"""Health of each dependency, and the connector's state (pairing QR, history sync progress)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from deeplens.adapters import archive_queries as archive_db
from deeplens.adapters.postgres import ping, pooled
from deeplens.domain.errors import DeepLensError, TransientError
from deeplens.services.api import ApiDeps

HEALTH_PROBE_KEY = "health-probe/none"  # never written: a HEAD on it proves the bucket answers


def connector_key(session: str) -> str:
    """Live connector state the connector keeps in Redis (JSON, the columns of connector_status)."""
    return f"connector_status:{session}"


def health(deps: ApiDeps) -> dict[str, str]:
    checks: dict[str, Callable[[], object]] = {
        "postgres": lambda: _select_one(deps),
        "redis": deps.cache.ping,
        "s3": lambda: deps.media.exists(HEALTH_PROBE_KEY),
    }
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except (DeepLensError, OSError) as error:
            report[name] = f"down: {type(error).__name__}"
    return report


def _select_one(deps: ApiDeps) -> None:
    with pooled(deps.pool) as conn:
        ping(conn)


_NO_STATUS = {
    "state": "unknown", "detail": None, "qr_code": None, "qr_expires_at": None, "pair_code": None,
    "pair_code_expires_at": None, "account_jid": None, "history_progress": None, "updated_at": None,
}  # fmt: skip


def connector_session(deps: ApiDeps) -> dict[str, Any]:
    """Redis (live, written by the connector) first, else the last state kept in PostgreSQL; and
    whether the archive holds anything yet (the UI lands on pairing only when it does not)."""
    live = _live_state(_live_raw(deps))
    with pooled(deps.pool) as conn:
        row = None if live else archive_db.connector_status(conn, deps.session)
        has_archive = archive_db.archive_exists(conn, deps.session)
    return {**_NO_STATUS, **(live or row or {}), "session_id": deps.session, "has_archive": has_archive}


def connector_state(deps: ApiDeps) -> str:
    """The connector's state name only ('unknown' before it ever reported)."""
    live = _live_state(_live_raw(deps))
    if live:
        return str(live.get("state") or "unknown")
    with pooled(deps.pool) as conn:
        row = archive_db.connector_status(conn, deps.session)
    return str(row["state"]) if row else "unknown"


def _live_raw(deps: ApiDeps) -> str | None:
    """The connector's live state in Redis; None when Redis is down (PostgreSQL keeps the last one)."""
    try:
        return deps.cache.get(connector_key(deps.session))
    except TransientError:
        return None


def _live_state(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return {}  # unreadable: fall back to the last state in PostgreSQL
    return {key: value for key, value in data.items() if key in _NO_STATUS} if isinstance(data, dict) else {}
