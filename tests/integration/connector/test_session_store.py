"""A real neonize client on the stack's PostgreSQL, with WhatsApp unreachable.

This once ran inside `unshare -n` (docs/neonize.md §11); a new network namespace cannot reach the stack's
PostgreSQL on the host's loopback, so the child process instead gets HTTPS_PROXY pointing at a
closed port: whatsmeow dials through http.ProxyFromEnvironment, so WhatsApp is unreachable
whatever this machine's network, while PostgreSQL, Redis, S3 and SQS (NO_PROXY) stay reachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from deeplens_connector import exits
from deeplens_connector.archive_db import SessionBusy, SessionLock, read_status

REPO = Path(__file__).resolve().parents[3]
ATTEMPTS = 3


def _store_url(empty_database_url: str) -> str:
    return empty_database_url.replace("postgresql://", "postgres://", 1) + "?sslmode=disable"


@pytest.fixture
def start_connector(
    stack_env: dict[str, str], database_url: str, session_id: str, tmp_path: Path
) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """`python -m deeplens_connector run` on a session store, with WhatsApp unreachable; each one
    started is ended (if a test left it running) and its stderr pipe closed afterwards."""
    children: list[subprocess.Popen[bytes]] = []

    def start(store_url: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            **stack_env,
            "DATABASE_URL": database_url,
            "SESSION_STORE_URL": store_url,
            "SESSION_ID": session_id,
            "CONNECTOR_SPOOL_DIR": str(tmp_path / "spool"),
            "CONNECTOR_MAX_CONNECT_ATTEMPTS": str(ATTEMPTS),
            "CONNECTOR_BACKOFF_MIN_S": "0.3",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        command = [sys.executable, "-m", "deeplens_connector", "run"]
        children.append(subprocess.Popen(command, env=env, cwd=REPO, stderr=subprocess.PIPE))
        return children[-1]

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stderr:
            child.stderr.close()


def _connections(admin_url: str, database: str) -> int:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)).fetchone()
    return int(row[0]) if row else 0


def _watch_connections(child: subprocess.Popen[bytes], admin_url: str, database: str) -> int:
    peak, deadline = 0, time.monotonic() + 90
    while child.poll() is None and time.monotonic() < deadline:
        peak = max(peak, _connections(admin_url, database))
        time.sleep(0.05)
    child.wait(5)
    return peak


def test_offline_connect_ends_in_restart_with_bounded_connections_when_whatsapp_is_unreachable(
    start_connector: Callable[[str], subprocess.Popen[bytes]],
    empty_database_url: str,
    database_url: str,
    session_id: str,
    redis_client: redis.Redis[str],
) -> None:
    server, store_db = empty_database_url.rsplit("/", 1)
    admin_url = server + "/postgres"
    child = start_connector(_store_url(empty_database_url))
    peak = _watch_connections(child, admin_url, store_db)
    log = child.stderr.read().decode() if child.stderr else ""
    assert child.returncode == exits.RESTART, log
    assert 1 <= peak <= ATTEMPTS + 1  # one leaked pool per connect() + the advisory-lock connection
    assert _connections(admin_url, store_db) == 0  # the process is gone, and its pools with it
    assert "connect failed" in log
    status = read_status(database_url, session_id)
    assert status is not None
    assert status["state"] == "offline"
    assert "dial" in status["detail"]
    assert redis_client.get(f"connector:{session_id}:state") == "offline"


def test_whatsmeow_tables_are_created_when_store_database_is_empty(
    start_connector: Callable[[str], subprocess.Popen[bytes]], empty_database_url: str
) -> None:
    child = start_connector(_store_url(empty_database_url))
    child.wait(90)
    with psycopg.connect(empty_database_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'whatsmeow_%%'"
        ).fetchone()
        devices = conn.execute("SELECT count(*) FROM whatsmeow_device").fetchone()
    assert tables == (17,)
    assert devices == (0,)  # the device row appears only after pairing


def test_second_connector_exits_with_clear_line_when_session_lock_is_held(
    start_connector: Callable[[str], subprocess.Popen[bytes]], empty_database_url: str, session_id: str
) -> None:
    store_url = _store_url(empty_database_url)
    lock = SessionLock(store_url, session_id)
    try:
        try:
            SessionLock(store_url, session_id)
            raised = False
        except SessionBusy:
            raised = True
        child = start_connector(store_url)
        child.wait(60)
        log = child.stderr.read().decode() if child.stderr else ""
    finally:
        lock.release()
    assert raised
    assert child.returncode == exits.SESSION_BUSY
    assert "another connector" in log
