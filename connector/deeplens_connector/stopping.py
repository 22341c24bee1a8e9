"""How long a stop may take, from one setting: CONNECTOR_DRAIN_S (pure; devstack reads it too).

On SIGTERM the session process has CONNECTOR_DRAIN_S to drain: the pipeline translates what waits,
media not downloaded yet is published as `pending` (fetched after the restart), the last batches are
written to the durable spool and uploaded while there is time. The watcher then waits EXIT_MARGIN_S
more for neonize's stop and the process exit before it kills the child; whoever stops the watcher
(devstack's `make run`, a service manager) waits another EXIT_MARGIN_S on top of that.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

DEFAULT_DRAIN_S = 15.0
EXIT_MARGIN_S = 5.0
PUBLISH_SHARE = 0.25  # of the drain, kept for the publisher (spool write + uploads)
MIN_PUBLISH_S = 2.0


def stop_grace_s(drain_s: float) -> float:
    """What the watcher gives its child after SIGTERM before killing it."""
    return drain_s + EXIT_MARGIN_S


def watcher_stop_wait_s(environ: Mapping[str, str | None]) -> float:
    """What a supervisor of the watcher waits after SIGTERM: the child's grace, then the margin."""
    raw = environ.get("CONNECTOR_DRAIN_S")
    try:
        drain_s = float(raw) if raw else DEFAULT_DRAIN_S
    except ValueError:  # the connector refuses to start with it anyway
        drain_s = DEFAULT_DRAIN_S
    return stop_grace_s(drain_s) + EXIT_MARGIN_S


def publish_reserve_s(drain_s: float) -> float:
    """The part of the drain kept for the publisher (spool write, uploads) after translating and
    downloading have had theirs."""
    return max(drain_s * PUBLISH_SHARE, MIN_PUBLISH_S)


class Deadline:
    """One budget shared by the steps of a stop."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds

    def left(self, keep_s: float = 0.0) -> float:
        """Seconds until the deadline, less `keep_s` kept for later steps (never negative)."""
        return max(self._ends - time.monotonic() - keep_s, 0.0)
