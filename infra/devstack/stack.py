"""Bring the local stack up and down, and report each dependency's health."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis
from deeplens.adapters.migrations import apply_migrations
from deeplens.domain.errors import MigrationError

from devstack.config import BACKENDS, REPO_ROOT, StackConfig
from devstack.resources import ensure_buckets, ensure_queues, s3_client, sqs_client, stack_env
from devstack.services import LocalStack, Moto, Postgres, Redis, S3rver, Service

MIGRATIONS = REPO_ROOT / "infra/migrations"


def services(cfg: StackConfig, backends: tuple[str, ...]) -> list[Service]:
    chosen: list[Service] = [Postgres(cfg), Redis(cfg)]
    if "s3rver" in backends:
        chosen += [S3rver(cfg), Moto(cfg)]
    if "localstack" in backends:
        chosen.append(LocalStack(cfg))
    return chosen


def env_file(cfg: StackConfig, backend: str) -> Path:
    return cfg.data_dir / f"stack-{backend}.env"


@contextmanager
def _lock(cfg: StackConfig) -> Iterator[None]:
    """Serialise concurrent `up`/`down` of one profile (two test runs, a run and a stop)."""
    import fcntl

    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    with (cfg.data_dir / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def up(cfg: StackConfig, backends: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Start what is not running, create buckets/queues, migrate; returns the env per backend."""
    for backend in backends:
        if backend not in BACKENDS:
            raise ValueError(f"DEEPLENS_BACKEND must be one of {BACKENDS}, got {backend!r}")
    with _lock(cfg):
        for service in services(cfg, backends):
            service.start()
        envs = {}
        for backend in backends:
            env = stack_env(cfg, backend)
            ensure_buckets(env)
            env |= ensure_queues(env, cfg.max_receive_count)
            write_env(env_file(cfg, backend), env)
            envs[backend] = env
        _migrate(cfg, envs[backends[0]]["DATABASE_URL"])
    return envs


def _migrate(cfg: StackConfig, url: str) -> None:
    try:
        apply_migrations(url, MIGRATIONS)
    except MigrationError:
        if cfg.profile == "run":
            raise  # the user's archive is never thrown away
        # A disposable stack whose schema predates an edited migration: start it afresh.
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE deeplens WITH (FORCE)")
            conn.execute("CREATE DATABASE deeplens")
        apply_migrations(url, MIGRATIONS)


def down(cfg: StackConfig) -> list[str]:
    with _lock(cfg):
        stopped = [svc.name for svc in services(cfg, BACKENDS) if svc.stop()]
    return stopped


def write_env(path: Path, env: dict[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in sorted(env.items())))
    path.chmod(0o600)


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def health(env: dict[str, str]) -> dict[str, str]:
    """'ok' or the reason, per dependency."""
    checks: dict[str, Callable[[], object]] = {
        "postgres": lambda: psycopg.connect(env["DATABASE_URL"], connect_timeout=2).close(),
        "redis": lambda: _ping_redis(env),
        "s3": lambda: s3_client(env).head_bucket(Bucket=env["MINIO_BUCKET"]),
        "sqs": lambda: sqs_client(env).get_queue_attributes(
            QueueUrl=env["INGEST_QUEUE_URL"], AttributeNames=["ApproximateNumberOfMessages"]
        ),
    }
    report = {}
    for name, check in checks.items():
        try:
            check()
            report[name] = "ok"
        except Exception as error:  # a health report states every failure, whatever its kind
            report[name] = f"down: {type(error).__name__}: {str(error)[:160]}"
    return report


def _ping_redis(env: dict[str, str]) -> None:
    client = redis.Redis(host=env["REDIS_HOST"], port=int(env["REDIS_PORT"]), socket_timeout=2)
    client.ping()
    client.close()


def default_backend() -> str:
    return os.environ.get("DEEPLENS_BACKEND", "s3rver")


def timed_up(cfg: StackConfig, backends: tuple[str, ...]) -> tuple[dict[str, dict[str, str]], float]:
    started = time.monotonic()
    envs = up(cfg, backends)
    return envs, time.monotonic() - started
