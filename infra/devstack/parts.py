"""The product's parts under `make run`: each a child process whose output is relayed with its name,
restarted after a crash (devstack.restart decides when), left stopped after a deliberate exit."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Thread

from deeplens_connector import exits
from deeplens_connector.stopping import watcher_stop_wait_s

from devstack.output import Terminal
from devstack.restart import Hold, RestartPolicy, decide, describe_exit

# The connector drains within CONNECTOR_DRAIN_S, its watcher allows a margin on top; this waits longer.
STOP_GRACE_S = watcher_stop_wait_s(os.environ)
CONNECTOR_STOP_CODES: Mapping[int, str] = {
    exits.REPLACED: "REPLACED: another client took over this WhatsApp session",
    exits.OUTDATED: "OUTDATED: WhatsApp refuses this client version; upgrade neonize",
    exits.SESSION_BUSY: "SESSION_BUSY: another connector runs for this session",
    exits.CONFIG: "CONFIG: a bad setting, named in its log above; fix it, then restart",
}


@dataclass(frozen=True)
class Part:
    name: str
    tag: str  # the output prefix, and its name in DEEPLENS_PARTS
    module: str
    issue: str
    stop_codes: Mapping[int, str] = field(default_factory=dict)


@dataclass
class _Child:
    part: Part
    env: Mapping[str, str] | None = None  # added to Parts.env for this child (an account's connector)
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    crashes: int = 0
    restart_at: float | None = None
    group: int | None = None  # the process group of the last run (the part and its own children)
    relays: list[Thread] = field(default_factory=list)


class Parts:
    """Starts the parts, watches them (`check`, called often) and stops them all."""

    def __init__(
        self, env: Mapping[str, str], terminal: Terminal, policy: RestartPolicy | None = None
    ) -> None:
        self.env = {**env, "PYTHONUNBUFFERED": "1"}  # lines reach the terminal as they are written
        self.terminal = terminal
        self.policy = policy or RestartPolicy()
        self.children: list[_Child] = []

    def start(self, part: Part, env: Mapping[str, str] | None = None) -> int:
        """Starts `part` (with `env` on top of the parts' environment); returns its pid."""
        child = _Child(part, env)
        self.children.append(child)
        self._spawn(child)
        return child.group or 0

    def stop(self, tag: str) -> bool:
        """Stops the part with this tag (SIGTERM, SIGKILL after STOP_GRACE_S) and forgets it; the
        others keep running. False when there is none."""
        child = next((c for c in self.children if c.part.tag == tag), None)
        if child is None:
            return False
        self.children.remove(child)
        if child.process is not None and child.process.poll() is None:
            child.process.terminate()
            try:
                child.process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                _kill_group(child.process.pid)
                child.process.wait()
        for relay in child.relays:
            relay.join(timeout=2)
        return True

    def running_tags(self) -> list[str]:
        return [child.part.tag for child in self.children]

    def _spawn(self, child: _Child) -> None:
        module = child.part.module.removesuffix(".__main__")
        # Its own process group: the runner alone decides when a part stops (Ctrl-C reaches only the
        # runner, which stops every part), and a restart can wait until the old run's children exited.
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            env={**self.env, **(child.env or {})},
            stdin=subprocess.DEVNULL,  # a background process group reading the terminal would stop
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,
        )
        assert process.stdout is not None
        child.process, child.group, child.restart_at = process, process.pid, None
        child.started = time.monotonic()
        child.relays = [self.terminal.relay(child.part.tag, process.stdout)]

    def check(self) -> None:
        """Decide about every part that exited; start again those whose delay is over."""
        now = time.monotonic()
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                self._exited(child, child.process.returncode, now)
            if child.restart_at is not None and now >= child.restart_at and self._old_run_gone(child, now):
                self._spawn(child)
                self._say(f"{child.part.name} started again (pid {child.group})")

    def _old_run_gone(self, child: _Child, now: float) -> bool:
        """Whether the crashed run left no process behind (the connector's session process drains
        for up to CONNECTOR_DRAIN_S and holds the session: a new run would stop with SESSION_BUSY).
        What is left STOP_GRACE_S after the restart was due is killed."""
        if child.group is None or not _group_alive(child.group):
            return True
        if child.restart_at is not None and now >= child.restart_at + STOP_GRACE_S:
            _kill_group(child.group)
        return False

    def _exited(self, child: _Child, code: int, now: float) -> None:
        ran = now - child.started
        child.process = None
        for relay in child.relays:  # the last lines before the exit come before the verdict
            relay.join(timeout=2)
        decision = decide(code, ran, child.crashes, child.part.stop_codes, self.policy)
        what = f"{child.part.name} {describe_exit(code)} after {ran:.0f}s"
        if isinstance(decision, Hold):
            self._say(f"{what}; not restarted: {decision.reason}")
            return
        child.crashes, child.restart_at = decision.attempt, now + decision.delay_s
        self._say(f"{what}; restarting in {decision.delay_s:.0f}s (crash {decision.attempt} in a row)")

    def stop_all(self) -> None:
        """SIGTERM every running part at once; each has STOP_GRACE_S to exit before SIGKILL."""
        running = [child.process for child in self.children if child.process and child.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + STOP_GRACE_S
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _kill_group(process.pid)
                process.wait()
        for child in self.children:
            for relay in child.relays:
                relay.join(timeout=2)

    def _say(self, text: str) -> None:
        self.terminal.line("devstack", text)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
