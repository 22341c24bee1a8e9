"""Recovery without a person, while `make run` runs: a server of the stack that stopped (moto,
s3rver, Redis, PostgreSQL) is started again, a lost ingest queue is created again, and reconcile
re-enqueues from the event log whatever was never applied (at once after the queue was lost, and on a
timer as AWS's schedule does)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from devstack.config import DLQ_NAME, QUEUE_NAME, StackConfig, StackConfigError
from devstack.resources import ensure_queues, sqs_client
from devstack.stack import services, up

SQS_SERVERS = frozenset({"moto", "localstack"})  # memory only: their restart loses every queue
RECONCILE_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class RecoverySettings:
    """DEEPLENS_CHECK_SECONDS: how often the servers and the queue are checked;
    DEEPLENS_RECONCILE_SECONDS: how often reconcile runs; DEEPLENS_RECONCILE_MIN_AGE_SECONDS: batches
    younger than this are left to their own queue message (docs/decisions.md, 2026-12-06)."""

    check_s: float = 10.0
    reconcile_s: float = 300.0
    min_age_s: int = 60

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RecoverySettings:
        defaults = cls()
        return cls(
            _seconds(environ, "DEEPLENS_CHECK_SECONDS", defaults.check_s, 1),
            _seconds(environ, "DEEPLENS_RECONCILE_SECONDS", defaults.reconcile_s, 1),
            int(_seconds(environ, "DEEPLENS_RECONCILE_MIN_AGE_SECONDS", defaults.min_age_s, 0)),
        )


def _seconds(environ: Mapping[str, str], name: str, default: float, least: int) -> float:
    raw = environ.get(name) or str(int(default))
    if not raw.isdigit() or int(raw) < least:
        raise StackConfigError(f"{name}: expected a whole number of seconds ≥ {least}, got {raw!r}")
    return float(raw)


class Recovery:
    """Runs in a thread of the runner until `stopping` is set; reports through `say`."""

    def __init__(
        self,
        cfg: StackConfig,
        backends: tuple[str, ...],
        env: dict[str, str],
        settings: RecoverySettings,
        say: Callable[[str, str], None],
    ) -> None:
        self.cfg = cfg
        self.backends = backends
        self.env = env
        self.settings = settings
        self.say = say
        self.stopping = threading.Event()
        self._servers = services(cfg, backends)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="recovery", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Returns once the thread is done: it never starts a server after this."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        next_reconcile = time.monotonic() + self.settings.reconcile_s
        while not self.stopping.wait(self.settings.check_s):
            try:
                queue_lost = self.heal()
                if queue_lost or time.monotonic() >= next_reconcile:
                    self.reconcile(
                        0 if queue_lost else self.settings.min_age_s, loud=queue_lost, full=queue_lost
                    )
                    next_reconcile = time.monotonic() + self.settings.reconcile_s
            except Exception as error:  # the watchdog reports and tries again next time, whatever broke
                self.say("devstack", f"recovery check failed: {type(error).__name__}: {error}")

    def heal(self) -> bool:
        """Start the servers that stopped and create the queues if they are gone; True when the
        queues were lost (the batches they held are known only to the event log now)."""
        stopped = [server.name for server in self._servers if not server.running()]
        if stopped:
            self.say("devstack", f"{', '.join(stopped)} not running: starting again")
            started = time.monotonic()
            up(self.cfg, self.backends)  # starts what is not running, creates buckets and queues
            took = time.monotonic() - started
            self.say("devstack", f"{', '.join(stopped)} running again after {took:.1f}s")
        if self._queues_missing():
            ensure_queues(self.env, self.cfg.max_receive_count)
            self.say("devstack", "the ingest queues were gone (SQS restarted): created again")
            return True
        return bool(SQS_SERVERS.intersection(stopped))

    def _queues_missing(self) -> bool:
        listed = sqs_client(self.env, timeout_s=5).list_queues(QueueNamePrefix=QUEUE_NAME)
        urls = {url.rsplit("/", 1)[-1] for url in listed.get("QueueUrls", [])}
        return not {QUEUE_NAME, DLQ_NAME} <= urls

    def reconcile(self, min_age_s: int, loud: bool = True, full: bool = False) -> None:
        """Re-enqueue what the log holds and the archive lacks. Quiet when `loud` is false and there
        was nothing to do. `full` lists the whole log, not only from the watermark: after the queue
        lost its messages, a batch of any day may have been among them."""
        argv = [sys.executable, "-m", "deeplens.entrypoints.reconcile", "--min-age-seconds", str(min_age_s)]
        if full:
            argv.append("--full")
        argv.append("--expire-untracked")  # s3rver has no lifecycle rules (template.yaml: expire-untracked)
        child = subprocess.Popen(
            argv,
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        output, code = _finish(child, self.stopping)
        if loud or code != 0 or not _nothing_enqueued(output):
            status = "" if code == 0 else f" (exit code {code})"
            self.say("reconcile", f"min age {min_age_s}s: {output.strip() or 'no output'}{status}")


def _finish(child: subprocess.Popen[bytes], stopping: threading.Event) -> tuple[str, int]:
    """The child's output and exit code; it is ended early when the runner stops."""
    deadline = time.monotonic() + RECONCILE_TIMEOUT_S
    while child.poll() is None and time.monotonic() < deadline and not stopping.wait(0.1):
        pass
    if child.poll() is None:
        child.terminate()
    output, _ = child.communicate()
    return output.decode(errors="replace"), child.returncode


def _nothing_enqueued(output: str) -> bool:
    return "enqueued=0 " in output or output.rstrip().endswith("enqueued=0")
