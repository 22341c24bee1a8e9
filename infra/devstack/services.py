"""The servers of the local stack. Each starts only if it is not already running."""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Protocol

from devstack.config import REGION, REPO_ROOT, StackConfig
from devstack.node import node_binary
from devstack.proc import port_open, read_pid, spawn, terminate, wait_until


class Service(Protocol):
    name: str

    def running(self) -> bool: ...
    def start(self) -> None: ...
    def stop(self) -> bool: ...


class SpawnedServer:
    """A server we start as a child in its own session, tracked by a PID file."""

    name = "server"
    ready_timeout = 20.0

    def __init__(self, cfg: StackConfig) -> None:
        self.cfg = cfg
        self.port = cfg.port(self.name)
        self.home = cfg.dir(self.name)
        self.pidfile = self.home / f"{self.name}.pid"
        self.log = self.home / f"{self.name}.log"

    def argv(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return {}

    def ready(self) -> bool:
        return port_open(self.port)

    def running(self) -> bool:
        return read_pid(self.pidfile) is not None and self.ready()

    def start(self) -> None:
        if self.running():
            return
        if read_pid(self.pidfile) is None and port_open(self.port):
            raise RuntimeError(f"{self.name}: port {self.port} is taken by another process")
        terminate(self.pidfile)
        spawn(self.argv(), self.log, self.pidfile, self.env())
        wait_until(self.ready, self.ready_timeout, f"{self.name} on port {self.port}", self.log)

    def stop(self) -> bool:
        return terminate(self.pidfile)


class Redis(SpawnedServer):
    name = "redis"

    def argv(self) -> list[str]:
        return [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.home), "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--protected-mode", "yes",
        ]  # fmt: skip


class S3rver(SpawnedServer):
    """S3 that keeps objects as files under the data folder (the user's media survives restarts)."""

    name = "s3rver"

    def argv(self) -> list[str]:
        script = REPO_ROOT / "infra/node/node_modules/s3rver/bin/s3rver.js"
        data = self.cfg.dir("s3")
        return [
            node_binary(),
            str(script),
            "-d",
            str(data),
            "-a",
            "127.0.0.1",
            "-p",
            str(self.port),
            "--silent",
        ]


class Moto(SpawnedServer):
    """SQS (memory only: the events bucket is the source of truth, reconcile refills the queue)."""

    name = "moto"

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]


class LocalStack(SpawnedServer):
    """The higher-fidelity S3 + SQS backend (SigV4 checked), in its own venv."""

    name = "localstack"
    ready_timeout = 60.0

    def argv(self) -> list[str]:
        python = REPO_ROOT / ".venv-localstack/bin/python"
        if not python.exists():
            raise RuntimeError("LocalStack is not installed: run infra/bootstrap.sh localstack")
        return [str(python), "-m", "localstack.runtime.main"]

    def env(self) -> dict[str, str]:
        host = f"127.0.0.1:{self.port}"
        return {
            "OVERRIDE_IN_DOCKER": "0", "FILESYSTEM_ROOT": str(self.home / "fs"),
            "GATEWAY_LISTEN": host, "LOCALSTACK_HOST": host, "SQS_ENDPOINT_STRATEGY": "path",
            "SERVICES": "s3,sqs", "EAGER_SERVICE_LOADING": "1", "S3_SKIP_SIGNATURE_VALIDATION": "0",
            "DNS_ADDRESS": "0", "SKIP_SSL_CERT_DOWNLOAD": "1", "DISABLE_EVENTS": "1",
            "AWS_DEFAULT_REGION": REGION,
        }  # fmt: skip

    def ready(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/_localstack/health"
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            return False


class Postgres:
    """An own cluster under the data folder, run as the `postgres` user, 127.0.0.1 only."""

    name = "postgres"

    def __init__(self, cfg: StackConfig) -> None:
        self.cfg = cfg
        self.port = cfg.port("postgres")
        self.home = self._home()
        self.data = self.home / "data"
        self.sock = self.home / "sock"
        self.log = self.home / "postgres.log"
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])

    def _home(self) -> Path:
        home = self.cfg.dir("postgres")
        if os.geteuid() == 0:
            _ensure_postgres_user()
        if os.geteuid() == 0 and not _accessible_by_postgres(home):
            # The repo lives where `postgres` cannot reach (e.g. under /root): keep the cluster in
            # /var/lib and leave a pointer, so the data still belongs to this checkout's data folder.
            alt = Path("/var/lib/deeplens") / hashlib.sha256(str(home).encode()).hexdigest()[:12]
            alt.mkdir(parents=True, exist_ok=True)
            (home / "CLUSTER_LOCATION").write_text(str(alt) + "\n")
            return alt
        return home

    def _as_owner(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv

    def running(self) -> bool:
        status = subprocess.run(
            self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]),
            capture_output=True,
            check=False,
        )
        return status.returncode == 0 and port_open(self.port)

    def start(self) -> None:
        if self.running():
            return
        if port_open(self.port):
            raise RuntimeError(f"postgres: port {self.port} is taken by another process")
        self.sock.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.home)], check=True)
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        options = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1"
        if not self.cfg.fsync:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        argv = [
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "30",
        ]
        subprocess.run(self._as_owner([*argv, "-o", options, "start"]), check=True, capture_output=True)
        self._ensure_databases()

    def _initdb(self) -> None:
        argv = [
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256",
        ]  # fmt: skip
        if not self.cfg.fsync:
            argv.append("--no-sync")
        done = subprocess.run(self._as_owner(argv), capture_output=True, text=True, check=False)
        if done.returncode != 0:  # say why (e.g. a folder `postgres` cannot reach)
            raise RuntimeError(f"initdb failed: {(done.stdout + done.stderr).strip()}")

    def psql(self, sql: str, database: str = "postgres") -> str:
        argv = [
            "psql",
            "-h",
            str(self.sock),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
        ]
        done = subprocess.run(
            [*argv, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def _ensure_databases(self) -> None:
        password = self.cfg.secret("postgres_password")
        if not self.psql("SELECT 1 FROM pg_roles WHERE rolname = 'deeplens'"):
            self.psql(f"CREATE ROLE deeplens LOGIN CREATEDB PASSWORD '{password}'")
        # DROP DATABASE ... WITH (FORCE) of test and bench databases must end autovacuum's sessions.
        self.psql("GRANT pg_signal_backend TO deeplens")
        for database in ("deeplens", "deeplens_wa"):
            if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
                self.psql(f"CREATE DATABASE {database} OWNER deeplens")

    def stop(self) -> bool:
        if not (self.data / "postmaster.pid").exists():
            return False
        argv = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]
        return subprocess.run(self._as_owner(argv), capture_output=True, check=False).returncode == 0


def _accessible_by_postgres(path: Path) -> bool:
    probe = ["runuser", "-u", "postgres", "--", "test", "-x", str(path)]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def _ensure_postgres_user() -> None:
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
