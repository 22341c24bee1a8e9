"""The whole local stack for the browser: the sample replayed through the connector, ingested by the
worker's loop, served by local_api with a fresh build of the web UI, driven by Debian's Chromium.
The helpers live in tests/e2e/stack.py (the HTTPS journey adds nginx in front, tls_proxy.py)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import (
    ADMIN_PASSWORD,
    FRONTEND,
    ROOT,
    Archive,
    RunningApi,
    api_env,
    free_port,
    ingest_until_drained,
    new_queue,
    replay,
    require_tools,
    serve_local_api,
)


@pytest.fixture(scope="session")
def frontend_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh production build in a private folder (no race with a `make run` serving frontend/dist)."""
    require_tools()
    out = tmp_path_factory.mktemp("dist")
    vite = FRONTEND / "node_modules" / ".bin" / "vite"
    subprocess.run(
        [str(vite), "build", "--outDir", str(out), "--emptyOutDir", "--logLevel", "warn"],
        cwd=FRONTEND,
        check=True,
        timeout=180,
    )
    return out


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Outside git: E2E_SCREENSHOT_DIR, else DEEPLENS_DATA_DIR/e2e-screenshots (default .data/)."""
    default = Path(os.environ.get("DEEPLENS_DATA_DIR", ROOT / ".data")) / "e2e-screenshots"
    folder = Path(os.environ.get("E2E_SCREENSHOT_DIR", default))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sample_archive(stack_env: dict[str, str], database_url: str, tmp_path: Path) -> Archive:
    session_id = f"e2e_{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        **stack_env,
        "DATABASE_URL": database_url,
        "SESSION_ID": session_id,
        "DEFAULT_TRACK_GROUPS": "true",
        "CONNECTOR_SPOOL_DIR": str(tmp_path / "spool"),
        "CONNECTOR_BATCH_MAX_MS": "50",
        "LOG_LEVEL": "WARNING",
    }
    queue = new_queue(env)
    env["INGEST_QUEUE_URL"] = queue.url
    replay(env, tmp_path)
    ingest_until_drained(env, queue)
    return Archive(env, session_id)


@pytest.fixture
def running_api(sample_archive: Archive, frontend_dist: Path, tmp_path: Path) -> Iterator[RunningApi]:
    """`python -m deeplens.entrypoints.local_api` on a free loopback port, serving the fresh build."""
    env = api_env(sample_archive, frontend_dist)
    with serve_local_api(env, free_port(), tmp_path / "local_api.log") as base_url:
        yield RunningApi(base_url, ADMIN_PASSWORD, sample_archive)
