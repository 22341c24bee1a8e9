"""Fault drills on `make run` itself (`python -m devstack run` on the scratch profile, short
intervals): nobody acts after a fault, the runner recovers on its own and says what it did.

- a part killed with SIGKILL is started again;
- the connector stopping with a deliberate code (here CONFIG, 78: a bad setting) is left stopped;
- moto (in-memory SQS) killed, or its queues gone, while batches sit in the queue: moto is started
  again, the queues are created again, reconcile re-enqueues from the event log and the worker
  applies every batch;
- s3rver killed: started again, the event log still there.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from deeplens.domain.batch import batch_key, encode_batch, encode_pointer, pointer_for
from deeplens.domain.envelope import parse_event
from devstack.config import EVENTS_BUCKET, StackConfig
from devstack.proc import pid_alive, read_pid
from devstack.resources import s3_client, sqs_client
from devstack.stack import down, env_file, read_env

from tests import factories as f

pytestmark = pytest.mark.integration
STARTED = re.compile(r"ingest worker\s+(?:started|started again) \(pid (\d+)\)")


class Runner:
    """The runner as a child process, its output collected line by line."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack", "run", "--profile", "scratch"],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a signal reaches the runner only, as systemd's KillMode=mixed
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[start:]:
                found = re.search(pattern, line)
                if found:
                    return found
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} in {timeout}s:\n" + "\n".join(self.lines))

    def close(self) -> None:
        """The runner ended (killed if it still runs) and its output pipe closed, once read to the end
        (the stack's servers, stopped by `down`, may hold it open until then)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self._reader.join(10)
        if self.process.stdout and not self._reader.is_alive():
            self.process.stdout.close()

    def worker_pid(self) -> int:
        return int([found[1] for line in self.lines if (found := STARTED.search(line))][-1])


@pytest.fixture(scope="module")
def cfg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackConfig]:
    data = tmp_path_factory.mktemp("run-data")
    previous = os.environ.get("DEEPLENS_DATA_DIR")
    os.environ["DEEPLENS_DATA_DIR"] = str(data)
    try:
        yield StackConfig.load("scratch")
    finally:
        if previous is None:
            os.environ.pop("DEEPLENS_DATA_DIR")
        else:
            os.environ["DEEPLENS_DATA_DIR"] = previous


@pytest.fixture(scope="module")
def runner(cfg: StackConfig, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    env = {
        **os.environ,
        "DEEPLENS_PARTS": "worker,connector",
        "DEEPLENS_CHECK_SECONDS": "1",
        "DEEPLENS_RECONCILE_SECONDS": "600",  # the drills show recovery by the checks, not the timer
        "WORKER_WAIT_SECONDS": "1",
        "CONNECTOR_BATCH_MAX_EVENTS": "not-a-number",  # the connector stops with CONFIG (78)
    }
    running = Runner(env, tmp_path_factory.mktemp("run-cwd"))  # no .env of the checkout
    try:
        running.wait_for(r"\[devstack\]\s+running;", 90)
        yield running
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(timeout=60) == 0
        running.wait_for(r"stopped postgres, redis, s3rver, moto$", 5)
    finally:
        if running.process.poll() is None:
            running.process.kill()
        down(cfg)
        running.close()


def test_connector_stopping_with_a_deliberate_code_is_not_restarted_and_said(runner: Runner) -> None:
    runner.wait_for(r"\[devstack\]\s+connector exited with code 78 after \d+s; not restarted: CONFIG", 30)
    assert any(
        line.startswith("[connector] ") and "CONNECTOR_BATCH_MAX_EVENTS" in line for line in runner.lines
    )
    time.sleep(2)
    assert not any("connector started again" in line for line in runner.lines)


def test_worker_killed_with_sigkill_is_restarted_and_said(runner: Runner) -> None:
    runner.wait_for(r"\[worker\]\s+.*ingest worker polling", 30)
    killed, mark = runner.worker_pid(), len(runner.lines)
    os.kill(killed, signal.SIGKILL)
    runner.wait_for(
        r"ingest worker was killed by SIGKILL after \d+s; restarting in 1s \(crash 1 in a row\)", 10, mark
    )
    again = int(runner.wait_for(r"ingest worker started again \(pid (\d+)\)", 10, mark)[1])
    assert again != killed and pid_alive(again)
    runner.wait_for(r"\[worker\]\s+.*ingest worker polling", 30, mark)


def test_batches_queued_when_moto_dies_are_all_applied_with_nobody_acting(
    runner: Runner, cfg: StackConfig
) -> None:
    env = read_env(env_file(cfg, "s3rver"))
    worker = runner.worker_pid()
    os.kill(worker, signal.SIGSTOP)  # the batches must sit in the queue, not in the worker
    try:
        time.sleep(2)  # a receive in progress (WORKER_WAIT_SECONDS=1) comes back empty
        keys = _publish(env, batches=5)
        visible = sqs_client(env).get_queue_attributes(
            QueueUrl=env["INGEST_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
        )
        assert visible["Attributes"]["ApproximateNumberOfMessages"] == "5"
        mark = len(runner.lines)
        os.kill(_pid(cfg, "moto"), signal.SIGKILL)
        killed_at = time.monotonic()
    finally:
        os.kill(worker, signal.SIGCONT)
    deadline = killed_at + 45
    while _applied(env, keys) < len(keys):
        assert time.monotonic() < deadline, "\n".join(runner.lines[mark:])
        time.sleep(0.2)
    recovered_s = time.monotonic() - killed_at
    sys.stdout.write(f"\nmoto SIGKILL -> all 5 batches applied in {recovered_s:.1f}s\n")
    runner.wait_for(r"\[devstack\]\s+moto not running: starting again", 1, mark)
    runner.wait_for(r"\[reconcile\] min age 0s: .* enqueued=5 ", 1, mark)
    assert read_pid(cfg.data_dir / "moto" / "moto.pid") is not None


def _publish(env: dict[str, str], batches: int) -> list[str]:
    """As the connector does: the batch object into the event log, then its pointer into the queue."""
    s3, sqs, keys = s3_client(env), sqs_client(env), []
    for number in range(batches):
        event = parse_event(
            f.message(f.PN, f"D{uuid.uuid4().hex[:8]}", f.PN, f.T0 + number, f"drill {number}")
        )
        key = batch_key(f.SESSION, f"drill-{uuid.uuid4().hex[:12]}", f.T0)
        s3.put_object(Bucket=EVENTS_BUCKET, Key=key, Body=encode_batch([event]))
        pointer = encode_pointer(pointer_for(EVENTS_BUCKET, key, f.SESSION, [event]))
        sqs.send_message(QueueUrl=env["INGEST_QUEUE_URL"], MessageBody=pointer)
        keys.append(key)
    return keys


def _applied(env: dict[str, str], keys: list[str]) -> int:
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT count(*) FROM applied_batches WHERE batch_key = ANY(%s)", (keys,)
        ).fetchone()
    return int(row[0]) if row else 0


def _pid(cfg: StackConfig, server: str) -> int:
    pid = read_pid(cfg.data_dir / server / f"{server}.pid")
    assert pid is not None, f"{server} is not running"
    return pid


def test_queues_gone_behind_the_runners_back_are_created_again_and_refilled(
    runner: Runner, cfg: StackConfig
) -> None:
    """What a moto restarted by someone else leaves: the server runs, its queues do not exist."""
    env = read_env(env_file(cfg, "s3rver"))
    worker = runner.worker_pid()
    os.kill(worker, signal.SIGSTOP)
    try:
        time.sleep(2)
        keys = _publish(env, batches=3)
        mark = len(runner.lines)
        sqs = sqs_client(env)
        for url in (env["INGEST_QUEUE_URL"], env["INGEST_DLQ_URL"]):
            sqs.delete_queue(QueueUrl=url)
        gone_at = time.monotonic()
    finally:
        os.kill(worker, signal.SIGCONT)
    while _applied(env, keys) < len(keys):
        assert time.monotonic() < gone_at + 30, "\n".join(runner.lines[mark:])
        time.sleep(0.2)
    sys.stdout.write(f"\nqueues deleted -> all 3 batches applied in {time.monotonic() - gone_at:.1f}s\n")
    runner.wait_for(r"the ingest queues were gone \(SQS restarted\): created again", 1, mark)
    runner.wait_for(r"\[reconcile\] min age 0s: .* enqueued=3 ", 1, mark)


def test_s3_server_killed_is_started_again_with_the_log_kept(runner: Runner, cfg: StackConfig) -> None:
    env = read_env(env_file(cfg, "s3rver"))
    keys = _publish(env, batches=1)
    mark = len(runner.lines)
    os.kill(_pid(cfg, "s3rver"), signal.SIGKILL)
    runner.wait_for(r"\[devstack\]\s+s3rver running again after [\d.]+s", 30, mark)
    assert s3_client(env).head_object(Bucket=EVENTS_BUCKET, Key=keys[0])["ContentLength"] > 0
    deadline = time.monotonic() + 30
    while _applied(env, keys) < 1:
        assert time.monotonic() < deadline, "\n".join(runner.lines[mark:])
        time.sleep(0.2)
