"""The connection state machine: pure, no I/O. `ConnectionStates.move` refuses a transition the
design does not allow (a bug, not a WhatsApp condition), so a status never lies about the session.

starting -> connecting -> waiting_for_qr -> paired -> connected <-> reconnecting
connecting -> offline -> connecting (the supervisor's backoff)
connected/reconnecting/... -> logged_out -> connecting (clean re-pair, new QR)
any -> replaced | outdated | failed (terminal for this process; the supervisor exits)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from deeplens.domain.envelope import ConnectionState

TERMINAL: frozenset[ConnectionState] = frozenset({"replaced", "outdated", "failed"})
_EVERYWHERE: frozenset[ConnectionState] = TERMINAL | {"logged_out"}
ALLOWED: dict[ConnectionState, frozenset[ConnectionState]] = {
    "starting": frozenset({"connecting"}),
    "connecting": frozenset({"waiting_for_qr", "connected", "offline", "paired"}),
    "waiting_for_qr": frozenset({"waiting_for_qr", "paired", "connecting", "offline"}),
    "paired": frozenset({"connected", "reconnecting", "offline"}),
    "connected": frozenset({"reconnecting", "connecting", "offline"}),
    "reconnecting": frozenset({"connected", "reconnecting", "offline", "connecting"}),
    "offline": frozenset({"connecting", "offline"}),
    "logged_out": frozenset({"connecting"}),
    "replaced": frozenset(),
    "outdated": frozenset(),
    "failed": frozenset(),
}


class IllegalTransition(Exception):
    """A transition the state machine does not allow."""


def can_move(current: ConnectionState, target: ConnectionState) -> bool:
    if current in TERMINAL:
        return False
    return target in ALLOWED[current] or target in _EVERYWHERE


@dataclass(frozen=True)
class Transition:
    previous: ConnectionState
    state: ConnectionState
    detail: str | None


class ConnectionStates:
    """The current state, moved from any thread; listeners run on the mover's thread."""

    def __init__(self, on_change: Callable[[Transition], None] | None = None) -> None:
        self._state: ConnectionState = "starting"
        self._lock = threading.Lock()
        self._on_change = on_change

    @property
    def current(self) -> ConnectionState:
        return self._state

    @property
    def is_terminal(self) -> bool:
        return self._state in TERMINAL

    def move(self, target: ConnectionState, detail: str | None = None) -> Transition:
        with self._lock:
            if not can_move(self._state, target):
                raise IllegalTransition(f"{self._state} -> {target}")
            transition = Transition(self._state, target, detail)
            self._state = target
        if self._on_change is not None:
            self._on_change(transition)
        return transition

    def try_move(self, target: ConnectionState, detail: str | None = None) -> Transition | None:
        """`move`, or None when not allowed (late events after a terminal state, e.g.)."""
        try:
            return self.move(target, detail)
        except IllegalTransition:
            return None
