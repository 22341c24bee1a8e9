from __future__ import annotations

import pytest
from deeplens_connector.session.state import (
    ALLOWED,
    TERMINAL,
    ConnectionStates,
    IllegalTransition,
    Transition,
    can_move,
)


def test_session_walks_from_start_to_connected_when_paired_by_qr() -> None:
    seen: list[Transition] = []
    states = ConnectionStates(on_change=seen.append)
    for state in ("connecting", "waiting_for_qr", "waiting_for_qr", "paired", "connected"):
        states.move(state)  # type: ignore[arg-type]
    assert [t.state for t in seen] == [
        "connecting",
        "waiting_for_qr",
        "waiting_for_qr",
        "paired",
        "connected",
    ]
    assert seen[0].previous == "starting"


def test_connector_retries_when_offline() -> None:
    states = ConnectionStates()
    states.move("connecting")
    states.move("offline", "dial failed")
    states.move("connecting")
    assert states.current == "connecting"


def test_reconnecting_returns_to_connected_when_whatsmeow_reconnects() -> None:
    states = ConnectionStates()
    for state in ("connecting", "connected", "reconnecting", "connected"):
        states.move(state)  # type: ignore[arg-type]
    assert states.current == "connected"


def test_logged_out_leads_only_to_a_new_connect_when_session_ends() -> None:
    states = ConnectionStates()
    states.move("connecting")
    states.move("connected")
    states.move("logged_out", "logged out from the phone")
    assert not can_move("logged_out", "connected")
    states.move("connecting")


@pytest.mark.parametrize("terminal", sorted(TERMINAL))
def test_nothing_follows_when_state_is_terminal(terminal: str) -> None:
    states = ConnectionStates()
    states.move("connecting")
    states.move(terminal)  # type: ignore[arg-type]
    assert states.is_terminal
    for target in ALLOWED:
        assert states.try_move(target) is None
    with pytest.raises(IllegalTransition):
        states.move("connecting")


def test_transition_is_refused_when_design_forbids_it() -> None:
    states = ConnectionStates()
    with pytest.raises(IllegalTransition, match="starting -> connected"):
        states.move("connected")
    assert states.current == "starting"


def test_every_state_can_end_when_session_is_replaced_outdated_or_failed() -> None:
    for state in ALLOWED:
        if state not in TERMINAL:
            assert all(can_move(state, end) for end in TERMINAL | {"logged_out"})
