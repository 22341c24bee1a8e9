"""The local stack's own promises: idempotent start, clean stop, media kept across restarts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from devstack.config import StackConfig
from devstack.proc import pid_alive, port_open, read_pid
from devstack.resources import s3_client
from devstack.stack import down, env_file, health, up

SERVICES = ("postgres", "redis", "s3rver", "moto")


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StackConfig:
    """A third stack on its own ports and data folder, so stopping it disturbs no other test."""
    monkeypatch.setenv("DEEPLENS_DATA_DIR", str(tmp_path / "data"))
    cfg = StackConfig.load("scratch")
    yield cfg
    down(cfg)


def _pids(cfg: StackConfig) -> list[int]:
    files = [cfg.data_dir / name / f"{name}.pid" for name in SERVICES[1:]]
    return [pid for pid in map(read_pid, files) if pid is not None]


def test_stack_is_healthy_and_unchanged_when_started_twice(scratch: StackConfig) -> None:
    first = up(scratch, ("s3rver",))
    pids = _pids(scratch)
    second = up(scratch, ("s3rver",))
    assert _pids(scratch) == pids and len(pids) == 3
    assert first["s3rver"]["DATABASE_URL"] == second["s3rver"]["DATABASE_URL"]
    assert set(health(second["s3rver"]).values()) == {"ok"}


def test_nothing_left_running_and_media_kept_when_stopped_and_restarted(
    scratch: StackConfig,
) -> None:
    env = up(scratch, ("s3rver",))["s3rver"]
    s3_client(env).put_object(Bucket="whatsapp-media", Key="c@g.us/2026-11-25/F1.jpg", Body=b"kept")
    pids = _pids(scratch)
    assert sorted(down(scratch)) == sorted(SERVICES)
    assert _pids(scratch) == []
    assert not any(port_open(scratch.port(name)) for name in SERVICES)
    assert not any(pid_alive(pid) for pid in pids)  # zombies of this test process count as gone
    env = up(scratch, ("s3rver",))["s3rver"]
    body = s3_client(env).get_object(Bucket="whatsapp-media", Key="c@g.us/2026-11-25/F1.jpg")["Body"]
    assert body.read() == b"kept"


def test_status_command_reports_each_dependency_when_stack_is_up(scratch: StackConfig) -> None:
    up(scratch, ("s3rver",))
    done = subprocess.run(
        [sys.executable, "-m", "devstack", "status", "--profile", "scratch"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert [line.split()[0] for line in done.stdout.splitlines()] == [
        "postgres",
        "redis",
        "s3",
        "sqs",
    ]
    assert env_file(scratch, "s3rver").stat().st_mode & 0o077 == 0
