"""What the browser tests share: the sample replayed and ingested, local_api started on a port,
a node script (a journey) run with its conversation on stdin/stdout."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
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
JOURNEY_TIMEOUT_S = 180


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


def api_env(archive: Archive, frontend_dist: Path) -> dict[str, str]:
    """What every local_api of the browser tests runs with: the archive, a known password, the build."""
    return {**archive.env, "ADMIN_PASSWORD": ADMIN_PASSWORD, "FRONTEND_DIR": str(frontend_dist)}


def require_tools(*extra: Path) -> None:
    missing = [str(tool) for tool in (CHROMIUM, *extra) if not tool.exists()]
    if missing or shutil.which("node") is None:
        pytest.fail(
            f"the browser tests need node and {', '.join(missing) or 'Debian packages'}:"
            " WITH_BROWSER=1 bash infra/bootstrap.sh"
        )


def new_queue(env: dict[str, str]) -> Queue:
    sqs = make_sqs_client(settings_from(QueueSettings, env), settings_from(S3Settings, env))
    name = f"e2e-{uuid.uuid4().hex[:10]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 2})
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "5", "RedrivePolicy": redrive})
    return Queue(sqs, url["QueueUrl"])


def replay(env: dict[str, str], workdir: Path) -> None:
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


def ingest_until_drained(env: dict[str, str], queue: Queue) -> None:
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


def free_port() -> int:
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


@contextlib.contextmanager
def serve_local_api(env: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """`python -m deeplens.entrypoints.local_api` on 127.0.0.1:port until the block ends; yields
    its direct (loopback) address once healthy."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "deeplens.entrypoints.local_api"],
            env={**env, "PORT": str(port)},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_healthy(base_url, process)
            yield base_url
        finally:
            stop(process)


def stop(process: subprocess.Popen[Any]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_journey(script: str, env: dict[str, str], on_await: Callable[[str], None]) -> tuple[int, str]:
    """`node e2e/<script>` in frontend/: each `AWAIT <what>` line it prints is answered with `go`
    after `on_await(what)` ran. Returns its exit code and its output."""
    journey = subprocess.Popen(
        ["node", f"e2e/{script}"],
        cwd=FRONTEND,
        env=env,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    timer = threading.Timer(JOURNEY_TIMEOUT_S, journey.kill)
    timer.start()
    output = []
    try:
        assert journey.stdin is not None and journey.stdout is not None
        for line in journey.stdout:
            output.append(line)
            if line.startswith("AWAIT "):
                on_await(line.removeprefix("AWAIT ").strip())
                journey.stdin.write("go\n")
                journey.stdin.flush()
        return journey.wait(), "".join(output)
    finally:
        timer.cancel()
