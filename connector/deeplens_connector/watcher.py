"""`python -m deeplens_connector`: runs the session in a child process and restarts it when the
child says neonize cannot recover in-process (exit code RESTART: offline after its bounded
attempts, logged out -> new QR, QR expired). Any other exit code ends the watcher with it.
SIGTERM is passed to the child, which drains its publisher before exiting."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

from deeplens_connector import exits
from deeplens_connector.supervisor import Backoff

log = logging.getLogger("deeplens.connector.watcher")
HEALTHY_CHILD_S = 300.0  # a child that lived this long resets the restart backoff


def watch(backoff: Backoff, command: list[str] | None = None) -> int:
    command = command or [sys.executable, "-m", "deeplens_connector", "run"]
    stopping = threading.Event()
    child: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _restart_loop(command, child, stopping, backoff)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _restart_loop(
    command: list[str], child: list[subprocess.Popen[bytes]], stopping: threading.Event, backoff: Backoff
) -> int:
    restarts = 0
    while True:
        started = time.monotonic()
        child[:] = [subprocess.Popen(command)]
        code = child[0].wait()
        if stopping.is_set() or code not in exits.RESTARTABLE:
            log.info("connector exited", extra={"exit_code": code})
            return code
        restarts = 1 if time.monotonic() - started > HEALTHY_CHILD_S else restarts + 1
        delay = 0.0 if restarts == 1 else backoff.delay(restarts - 1)
        log.warning("restarting the connector process", extra={"restarts": restarts, "delay_s": delay})
        stopping.wait(delay)
        if stopping.is_set():
            return exits.OK
