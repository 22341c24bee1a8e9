"""`python -m deeplens_connector`: runs the session in a child process and restarts it when the
child says neonize cannot recover in-process (exit code RESTART: offline after its bounded
attempts, logged out -> new QR, QR expired). Any other exit code ends the watcher with it.
SIGTERM/SIGINT are passed to the child, which drains within CONNECTOR_DRAIN_S (media not downloaded
yet is published as pending and fetched by the next process); a child that has not exited
`grace_s` (stopping.stop_grace_s: the drain plus a margin) later is killed (its unsent batches are
in the durable spool), so stopping the watcher never leaves a session process behind. The child
also dies with the watcher (`die_with_parent`), should the watcher itself be killed."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

from deeplens_connector import exits
from deeplens_connector.session.supervisor import Backoff
from deeplens_connector.stopping import DEFAULT_DRAIN_S, stop_grace_s

log = logging.getLogger("deeplens.connector.watcher")
HEALTHY_CHILD_S = 300.0  # a child that lived this long resets the restart backoff
_PR_SET_PDEATHSIG = 1


def watch(
    backoff: Backoff, command: list[str] | None = None, grace_s: float = stop_grace_s(DEFAULT_DRAIN_S)
) -> int:
    command = command or [sys.executable, "-m", "deeplens_connector", "run"]
    stopping = threading.Event()
    child: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        stopping.set()
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _restart_loop(command, child, stopping, backoff, grace_s)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _restart_loop(
    command: list[str],
    child: list[subprocess.Popen[bytes]],
    stopping: threading.Event,
    backoff: Backoff,
    grace_s: float,
) -> int:
    restarts = 0
    while True:
        started = time.monotonic()
        child[:] = [subprocess.Popen(command)]
        if stopping.is_set():  # the signal came after the last check, before this child existed
            child[0].terminate()
        code = _wait(child[0], stopping, grace_s)
        if stopping.is_set() or code not in exits.RESTARTABLE:
            log.info("connector exited", extra={"exit_code": code})
            return code
        restarts = 1 if time.monotonic() - started > HEALTHY_CHILD_S else restarts + 1
        delay = 0.0 if restarts == 1 else backoff.delay(restarts - 1)
        log.warning("restarting the connector process", extra={"restarts": restarts, "delay_s": delay})
        stopping.wait(delay)
        if stopping.is_set():
            return exits.OK


def _wait(process: subprocess.Popen[bytes], stopping: threading.Event, grace_s: float) -> int:
    """The child's exit code; once stopping, it gets `grace_s` to exit before it is killed."""
    while process.poll() is None and not stopping.wait(0.2):
        pass
    try:
        return process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        log.error("the connector did not stop in time; killing it", extra={"grace_s": grace_s})
        process.kill()
        return process.wait()


def die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent (the watcher) dies, even by SIGKILL."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was in place
        os.kill(os.getpid(), signal.SIGTERM)
