"""When `make run` restarts a part that exited: a pure decision from the exit code, how long the part
ran and how many times in a row it had crashed before. No I/O, so every rule is unit-tested."""

from __future__ import annotations

import signal
from collections.abc import Mapping
from dataclasses import dataclass

EX_CONFIG = 78  # sysexits: a bad setting; the part's log names it. Restarting cannot fix it.
# Exit codes after which no part is restarted: it stopped on purpose or cannot run as configured.
ANY_PART_STOP_CODES: Mapping[int, str] = {
    0: "it stopped on its own",
    EX_CONFIG: "configuration error (the line above names the setting); fix it, then restart",
}


@dataclass(frozen=True)
class RestartPolicy:
    """Exponential backoff from `base_s`, capped at `max_s`; a part that ran `healthy_s` counts as
    healthy, so its next crash starts the backoff afresh."""

    base_s: float = 1.0
    max_s: float = 300.0
    healthy_s: float = 300.0

    def delay(self, attempt: int) -> float:
        return float(min(self.base_s * 2 ** max(attempt - 1, 0), self.max_s))


@dataclass(frozen=True)
class Restart:
    delay_s: float
    attempt: int  # crashes in a row, this one included


@dataclass(frozen=True)
class Hold:
    """Not restarted, and why."""

    reason: str


Decision = Restart | Hold


def decide(
    code: int,
    ran_s: float,
    crashes_before: int,
    stop_codes: Mapping[int, str] | None = None,
    policy: RestartPolicy | None = None,
) -> Decision:
    """What to do about a part that exited with `code` after running `ran_s` seconds.

    `stop_codes` are the part's own deliberate exits (the connector's), on top of the ones every part
    shares; any other code (a crash, a signal) is restarted after the backoff delay."""
    policy = policy or RestartPolicy()
    deliberate = {**ANY_PART_STOP_CODES, **(stop_codes or {})}
    if code in deliberate:
        return Hold(deliberate[code])
    attempt = 1 if ran_s >= policy.healthy_s else crashes_before + 1
    return Restart(policy.delay(attempt), attempt)


def describe_exit(code: int) -> str:
    """'exited with code 1' or 'was killed by SIGKILL' (Popen reports a signal as -signum)."""
    if code >= 0:
        return f"exited with code {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"
