"""The pairing controls of the web UI, carried out: a thread pops the session's command list in
Redis (`connector_commands:{session}`, pushed by the API; rules in deeplens.domain.connector_commands)
and acts on each command.

- `pair_phone`: once the client waits for a QR scan (neonize's PairPhone needs that connection),
  ask WhatsApp for a link code; it goes into the status (Redis + connector_status) and the terminal.
  The code dies with the connection, which whatsmeow closes when its QR codes run out (160 s after
  the first): late in that cycle the command is put back and the process restarts, so the fresh
  process asks right after its first QR code and the code lives as long as it can.
- `logout`: unlink the device, then end the process with RESTART (the next one shows a new QR).
- `restart`, `new_code`: end the process with RESTART (`new_code` only while not linked).

A command older than two minutes is dropped, and so is a restart asked for before this process
started (this process is that restart). A failing command is logged; the thread goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from deeplens.domain import connector_commands as rules
from deeplens.domain.connector_commands import ConnectorCommand, InvalidCommand

from deeplens_connector import exits
from deeplens_connector.session.state import ConnectionStates
from deeplens_connector.session.status_store import StatusStore
from deeplens_connector.session.supervisor import Supervisor
from deeplens_connector.session.terminal import Terminal

log = logging.getLogger("deeplens.connector.commands")
# WhatsApp accepts a link code only on the connection that asked for it, which whatsmeow closes
# when its QR codes run out: 60 s + 5 x 20 s after the first (whatsmeow's PairPhone documentation).
QR_CYCLE_S = 160.0
MIN_CODE_LIFE_S = 60.0  # less time left in the cycle: ask again in a fresh process
WAIT_FOR_QR_S = 30.0  # a pair_phone right after a (re)start waits this long for the first QR
POLL_S = 0.25


@dataclass(frozen=True)
class Controls:
    """The neonize calls a command may make (client.request_link_code / client.log_out)."""

    request_link_code: Callable[[str], str]
    log_out: Callable[[], None]


class CommandListener:
    def __init__(
        self,
        session: str,
        redis: Any,
        states: ConnectionStates,
        status: StatusStore,
        supervisor: Supervisor,
        *,
        controls: Controls,
        terminal: Terminal | None = None,
        block_s: int = 1,
        wait_for_qr_s: float = WAIT_FOR_QR_S,
        pairing_since: Callable[[], float | None] = lambda: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.key = rules.commands_key(session)
        self._redis = redis
        self._states = states
        self._status = status
        self._supervisor = supervisor
        self._controls = controls
        self._terminal = terminal
        self._block_s = block_s
        self._wait_for_qr_s = wait_for_qr_s
        self._pairing_since = pairing_since  # epoch s of this process's first QR code (Lifecycle)
        self._clock = clock
        self.started_at = clock()
        self.handled: list[str] = []  # the commands acted on, in order (for the logs and tests)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="connector-commands", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        """Until the process ends: BLPOP with a short timeout, so an ending process is noticed."""
        while not self._supervisor.finished.is_set():
            raw = self._pop()
            if raw is not None and not self._supervisor.finished.is_set():
                self.handle(raw)

    def _pop(self) -> str | None:
        try:
            item = self._redis.blpop([self.key], timeout=self._block_s)
        except Exception as error:  # Redis down or closed at the end: try again, never spin
            if not self._supervisor.finished.is_set():
                log.warning("command list not readable", extra={"error": type(error).__name__})
                self._supervisor.finished.wait(self._block_s)
            return None
        return None if item is None else str(item[1])

    def handle(self, raw: str) -> None:
        try:
            command = rules.parse(raw)
        except InvalidCommand as error:
            log.warning("connector command dropped", extra={"reason": str(error)})
            return
        if rules.stale(command, self._clock()) or rules.superseded(command, self.started_at):
            log.info("connector command skipped (stale or already done)", extra=_described(command))
            return
        log.info("connector command", extra=_described(command))
        try:
            self._act(command)
        except Exception:
            log.exception("connector command failed", extra=_described(command))

    def _act(self, command: ConnectorCommand) -> None:
        self.handled.append(command.command)
        if command.command == "pair_phone" and command.phone is not None:
            self._pair_phone(command)
        elif command.command == "logout":
            self._logout()
        elif rules.refusal(command.command, self._states.current) is None:
            self._supervisor.abort(exits.RESTART)  # restart, new_code: the watcher starts a fresh one
        else:
            log.info("new code not needed: the account is linked", extra={"state": self._states.current})

    def _pair_phone(self, command: ConnectorCommand) -> None:
        phone = command.phone or ""
        if not self._wait_until_pairing():
            state = self._states.current
            log.warning("no link code requested: not waiting for a QR scan", extra={"state": state})
            return
        lifetime_s = code_lifetime_s(self._pairing_since(), self._clock().timestamp())
        if lifetime_s < MIN_CODE_LIFE_S:
            log.info("asking for the link code in a fresh QR cycle", extra={"left_s": round(lifetime_s)})
            self._redis.lpush(self.key, rules.encode(command))  # first in line for the next process
            self._supervisor.abort(exits.RESTART)
            return
        try:
            code = rules.format_link_code(self._controls.request_link_code(phone))
        except Exception as error:  # PairPhoneError (e.g. a number WhatsApp does not know)
            reason = " ".join(str(error).split())[:200] or type(error).__name__
            log.warning("no link code from WhatsApp", extra={"error": reason})
            self._status.note(f"no link code for +{phone}: {reason}")
            return
        self._status.pair_code(code, int(lifetime_s))
        if self._terminal is not None:
            self._terminal.link_code(code, phone, lifetime_s)
        log.info("link code issued; waiting for it on the phone", extra={"valid_s": int(lifetime_s)})

    def _wait_until_pairing(self) -> bool:
        """True once the client waits for a QR scan; False when it is linked, ends, or never gets there."""
        deadline = time.monotonic() + self._wait_for_qr_s
        while not self._supervisor.finished.is_set():
            state = self._states.current
            if state == "waiting_for_qr":
                return True
            if state in rules.PAIRED_STATES or self._states.is_terminal or time.monotonic() >= deadline:
                return False
            self._supervisor.finished.wait(POLL_S)
        return False

    def _logout(self) -> None:
        try:
            self._controls.log_out()
        except Exception as error:  # LogoutError, e.g. never linked: the restart still gives a new QR
            log.warning("logout failed", extra={"error": " ".join(str(error).split())[:200]})
        self._states.try_move("logged_out", "logged out from DeepLens")
        self._supervisor.abort(exits.RESTART)


def code_lifetime_s(first_qr_at: float | None, now: float) -> float:
    """How long a link code asked for `now` can be entered: until the QR cycle that began with the
    first QR code ends (a whole cycle when that time is unknown)."""
    return QR_CYCLE_S if first_qr_at is None else max(0.0, first_qr_at + QR_CYCLE_S - now)


def _described(command: ConnectorCommand) -> dict[str, str]:
    return {"command": command.command, "issued_at": command.issued_at.isoformat()}
