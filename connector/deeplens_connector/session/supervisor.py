"""Keeps one neonize session alive as far as neonize can, and says when the process must restart.

neonize 0.5.2 (docs/neonize.md §3): the first connect() is never retried by whatsmeow, every
connect() leaks one PostgreSQL pool, stop() can block ~60 s, and an expired QR leaves connect()
spinning forever. So: a bounded number of connect() attempts with exponential backoff, then exit
code RESTART (a fresh process, no leaked pools); a QR watchdog; terminal states end the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from deeplens.domain.envelope import ConnectionState

from deeplens_connector import exits
from deeplens_connector.session.state import ConnectionStates

log = logging.getLogger("deeplens.connector.supervisor")
STABLE_SESSION_S = 60.0  # a session that lasted this long resets the attempt count
_VERDICTS: dict[ConnectionState, int] = {
    "logged_out": exits.RESTART,  # whatsmeow deleted the device: a fresh process shows a new QR
    "replaced": exits.REPLACED,
    "outdated": exits.OUTDATED,
    "failed": exits.FAILED,
}


@dataclass(frozen=True)
class Backoff:
    min_s: float = 2.0
    max_s: float = 300.0

    def delay(self, attempt: int) -> float:
        return float(min(self.min_s * 2 ** max(attempt - 1, 0), self.max_s))


class Supervisor:
    def __init__(
        self,
        connect: Callable[[], None],
        stop: Callable[[], None],
        states: ConnectionStates,
        *,
        max_attempts: int,
        backoff: Backoff,
        qr_timeout_s: float = 75.0,
    ) -> None:
        self._connect = connect
        self._stop = stop
        self.states = states
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.qr_timeout_s = qr_timeout_s
        self.stopping = threading.Event()
        self.finished = threading.Event()
        self.exit_code = exits.OK
        self.attempts = 0
        self.delays: list[float] = []
        self._last_qr = time.monotonic()

    # --- the connect loop (its own thread: connect() blocks for the whole session) ---------

    def run(self) -> None:
        self.finish(self._loop())

    def _loop(self) -> int:
        while not self.stopping.is_set():
            self.states.try_move("connecting")
            started = time.monotonic()
            error = self._connect_once()
            verdict = _VERDICTS.get(self.states.current)
            if self.stopping.is_set() or verdict is not None:
                return exits.OK if verdict is None else verdict
            self.attempts = 1 if time.monotonic() - started >= STABLE_SESSION_S else self.attempts + 1
            self.states.try_move("offline", error or "connect() returned without a stop")
            if self.attempts >= self.max_attempts:
                log.error("giving up in this process", extra={"attempts": self.attempts})
                return exits.RESTART
            self.delays.append(self.backoff.delay(self.attempts))
            self.stopping.wait(self.delays[-1])
        return exits.OK

    def _connect_once(self) -> str | None:
        try:
            self._connect()
        except Exception as error:  # NeonizeError: dial, database or Go event-loop failure
            reason = " ".join(str(error).split())[:300]
            log.warning("connect failed", extra={"attempt": self.attempts + 1, "error": reason})
            return reason
        return None

    # --- called from neonize callbacks and the watchdog -----------------------------------

    def end_session(self, state: ConnectionState, detail: str | None) -> None:
        """LoggedOut / StreamReplaced / ClientOutdated / TemporaryBan: no auto-reconnect. stop()
        must not run inside a callback, and may block, so it gets its own thread."""
        self.states.try_move(state, detail)
        threading.Thread(target=self._stop, name="neonize-stop", daemon=True).start()

    def qr_seen(self) -> None:
        self._last_qr = time.monotonic()

    def check_pairing(self) -> None:
        """Past the last QR code's life connect() spins forever (FetchMe): restart the process."""
        if self.states.current == "waiting_for_qr" and time.monotonic() - self._last_qr > self.qr_timeout_s:
            log.warning("QR codes expired without a scan; restarting for a new QR")
            self.finish(exits.RESTART)

    def finish(self, code: int) -> None:
        if not self.finished.is_set():
            self.exit_code = code
            self.finished.set()

    def request_stop(self) -> None:
        """SIGTERM: end the loop; the caller drains and then exits (stop() runs in the background)."""
        self.abort(exits.OK)

    def abort(self, code: int, reason: str | None = None) -> None:
        """End the session and the process with `code` (e.g. RESTART when a part of the process
        broke); the caller drains what it can first, as after SIGTERM."""
        if reason:
            log.error("ending the session process", extra={"exit_code": code, "reason": reason})
        self.finish(code)  # first: once stopped, the connect loop would finish with OK
        self.stopping.set()
        threading.Thread(target=self._stop, name="neonize-stop", daemon=True).start()
