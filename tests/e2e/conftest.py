"""The whole local stack for the browser: the sample replayed through the connector, ingested by the
worker's loop, served by local_api with a fresh build of the web UI, driven by Debian's Chromium."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from deeplens.adapters.queue import Queue, make_sqs_client
from deeplens.bootstrap import ingest_deps_from
from deeplens.entrypoints.ingest import handler
from deeplens.entrypoints.worker import LocalContext
from deeplens.services.event_source import poll_once
from deeplens.settings import IngestSettings, QueueSettings, S3Settings
from deeplens_connector.sample.build_sample import SAMPLE

from tests.support import settings_from

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = Path("/usr/bin/chromium")
ADMIN_PASSWORD = "e2e-journey-password"  # >= 12 characters, not a placeholder


@dataclass(frozen=True)
class Archive:
    """A database filled from the sample, and the env every process of the stack shares."""

    env: dict[str, str]
    session_id: str


@dataclass(frozen=True)
class RunningApi:
    base_url: str
    password: str
    archive: Archive


def _require_tools() -> None:
    if not CHROMIUM.exists() or shutil.which("node") is None:
        pytest.fail(
            "the browser tests need /usr/bin/chromium and node: WITH_BROWSER=1 bash infra/bootstrap.sh"
        )


@pytest.fixture(scope="session")
def frontend_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh production build in a private folder (no race with a `make run` serving frontend/dist)."""
    _require_tools()
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


def _new_queue(env: dict[str, str]) -> Queue:
    sqs = make_sqs_client(settings_from(QueueSettings, env), settings_from(S3Settings, env))
    name = f"e2e-{uuid.uuid4().hex[:10]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 2})
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "5", "RedrivePolicy": redrive})
    return Queue(sqs, url["QueueUrl"])


def _replay(env: dict[str, str], workdir: Path) -> None:
    """`python -m deeplens_connector replay` exactly as `make demo` runs it."""
    done = subprocess.run(
        [sys.executable, "-m", "deeplens_connector", "replay", str(SAMPLE)],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def _ingest_until_drained(env: dict[str, str], queue: Queue) -> None:
    """The worker's loop (SQS -> the Lambda handler) until a receive comes back empty."""
    deps = ingest_deps_from(settings_from(IngestSettings, env))

    def invoke(event: dict[str, Any], context: Any) -> Any:
        return handler(event, context, deps)

    try:
        while poll_once(
            queue, invoke, LocalContext(), region=env.get("AWS_REGION", "us-east-1"), wait_s=1
        ).received:
            pass
    finally:
        deps.pool.close()


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
    queue = _new_queue(env)
    env["INGEST_QUEUE_URL"] = queue.url
    _replay(env, tmp_path)
    _ingest_until_drained(env, queue)
    return Archive(env, session_id)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"local_api exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("local_api did not become healthy in time")


@pytest.fixture
def running_api(sample_archive: Archive, frontend_dist: Path, tmp_path: Path) -> Iterator[RunningApi]:
    """`python -m deeplens.entrypoints.local_api` on a free loopback port, serving the fresh build."""
    port = _free_port()
    env = {
        **sample_archive.env,
        "PORT": str(port),
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "FRONTEND_DIR": str(frontend_dist),
    }
    log = (tmp_path / "local_api.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "deeplens.entrypoints.local_api"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process)
        yield RunningApi(base_url, ADMIN_PASSWORD, sample_archive)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
