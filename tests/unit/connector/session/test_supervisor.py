from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from deeplens_connector import exits
from deeplens_connector.session.state import ConnectionStates
from deeplens_connector.session.supervisor import Backoff, Supervisor


def _dial_fails() -> None:
    raise RuntimeError("failed to dial whatsapp web websocket: network is unreachable")


def test_backoff_doubles_until_its_cap_when_attempts_fail() -> None:
    backoff = Backoff(min_s=2, max_s=30)
    assert [backoff.delay(n) for n in range(1, 7)] == [2, 4, 8, 16, 30, 30]


def test_process_asks_for_restart_when_connect_attempts_are_used_up() -> None:
    states = ConnectionStates()
    supervisor = Supervisor(_dial_fails, lambda: None, states, max_attempts=3, backoff=Backoff(0.001, 0.004))
    supervisor.run()
    assert supervisor.exit_code == exits.RESTART
    assert supervisor.attempts == 3
    assert supervisor.delays == [0.001, 0.002]
    assert states.current == "offline"


def test_process_ends_with_verdict_when_session_is_replaced() -> None:
    states = ConnectionStates()
    supervisor = Supervisor(lambda: None, lambda: None, states, max_attempts=3, backoff=Backoff(0.001, 0.001))
    states.move("connecting")
    states.move("connected")

    def connect_then_replaced() -> None:
        supervisor.end_session("replaced", "another client took over this session")

    supervisor._connect = connect_then_replaced
    supervisor.run()
    assert supervisor.exit_code == exits.REPLACED


def test_logged_out_session_restarts_for_new_qr_when_phone_unlinks() -> None:
    states = ConnectionStates()
    supervisor = Supervisor(lambda: None, lambda: None, states, max_attempts=3, backoff=Backoff(0.001, 0.001))
    supervisor._connect = lambda: supervisor.end_session("logged_out", "unlinked")
    supervisor.run()
    assert supervisor.exit_code == exits.RESTART
    assert states.current == "logged_out"


def test_loop_ends_cleanly_when_stop_is_requested() -> None:
    states = ConnectionStates()
    stopped = threading.Event()
    supervisor = Supervisor(_dial_fails, stopped.set, states, max_attempts=100, backoff=Backoff(5, 5))
    thread = threading.Thread(target=supervisor.run)
    thread.start()
    supervisor.request_stop()
    thread.join(2)
    assert not thread.is_alive()
    assert stopped.wait(1)
    assert supervisor.exit_code == exits.OK


def test_pairing_restarts_when_qr_codes_expire_unscanned() -> None:
    states = ConnectionStates()
    supervisor = Supervisor(
        lambda: None, lambda: None, states, max_attempts=1, backoff=Backoff(), qr_timeout_s=0
    )
    states.move("connecting")
    states.move("waiting_for_qr")
    supervisor.check_pairing()
    assert supervisor.finished.is_set()
    assert supervisor.exit_code == exits.RESTART


def test_abort_ends_the_session_with_the_given_code_and_stops_the_client() -> None:
    stopped = threading.Event()
    supervisor = Supervisor(
        lambda: None, stopped.set, ConnectionStates(), max_attempts=3, backoff=Backoff(1, 1)
    )
    supervisor.abort(exits.RESTART, "publisher failed")
    assert supervisor.finished.is_set() and supervisor.stopping.is_set()
    assert supervisor.exit_code == exits.RESTART
    assert stopped.wait(2)


def _blocks_until(released: threading.Event) -> Callable[[], None]:
    def connect() -> None:
        released.wait(5)

    return connect


def test_abort_keeps_its_code_when_connect_returns_at_once_on_stop() -> None:
    """A restart asked for while connect() runs: the loop ends with OK once stopped, and must not
    win the race (the watcher would stop instead of starting a fresh process)."""
    for _ in range(20):
        released = threading.Event()
        supervisor = Supervisor(
            _blocks_until(released), released.set, ConnectionStates(), max_attempts=3, backoff=Backoff(1, 1)
        )
        thread = threading.Thread(target=supervisor.run)
        thread.start()
        supervisor.abort(exits.RESTART)
        thread.join(2)
        assert supervisor.exit_code == exits.RESTART


def test_dead_publisher_ends_the_process_for_a_restart() -> None:
    from deeplens_connector.runtime import keep_running

    publisher = SimpleNamespace(failed=threading.Event(), failure="publisher-batcher: RuntimeError()")
    publisher.failed.set()
    connector: Any = SimpleNamespace(publisher=publisher)
    supervisor = Supervisor(
        lambda: None, lambda: None, ConnectionStates(), max_attempts=3, backoff=Backoff(1, 1)
    )
    assert not keep_running(connector, supervisor)
    assert supervisor.exit_code == exits.RESTART and supervisor.exit_code in exits.RESTARTABLE
