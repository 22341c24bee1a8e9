"""When `make run` restarts a part: exit code, time it ran and earlier crashes decide."""

from __future__ import annotations

import signal

from devstack.parts import CONNECTOR_STOP_CODES
from devstack.restart import Hold, Restart, RestartPolicy, decide, describe_exit

POLICY = RestartPolicy(base_s=1, max_s=30, healthy_s=120)
KILLED = -signal.SIGKILL


def test_crash_is_restarted_after_the_base_delay_when_it_is_the_first() -> None:
    assert decide(1, ran_s=5, crashes_before=0, policy=POLICY) == Restart(delay_s=1, attempt=1)


def test_delay_doubles_per_crash_in_a_row_up_to_the_cap() -> None:
    delays = [decide(KILLED, 2, before, policy=POLICY).delay_s for before in range(7)]  # type: ignore[union-attr]
    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_starts_afresh_when_the_part_ran_healthy_before_crashing() -> None:
    assert decide(KILLED, ran_s=121, crashes_before=6, policy=POLICY) == Restart(1, 1)


def test_connector_deliberate_stops_are_held_with_their_reason() -> None:
    for code in (3, 4, 5, 78):
        decision = decide(code, 500, 0, CONNECTOR_STOP_CODES, POLICY)
        assert isinstance(decision, Hold) and decision.reason == CONNECTOR_STOP_CODES[code]


def test_connector_failed_and_restart_codes_are_restarted_like_any_crash() -> None:
    assert isinstance(decide(1, 10, 0, CONNECTOR_STOP_CODES, POLICY), Restart)
    assert isinstance(decide(75, 10, 0, CONNECTOR_STOP_CODES, POLICY), Restart)


def test_configuration_error_and_clean_exit_hold_any_part() -> None:
    assert "configuration error" in decide(78, 1, 0, policy=POLICY).reason  # type: ignore[union-attr]
    assert decide(0, 1, 0, policy=POLICY) == Hold("it stopped on its own")


def test_other_parts_are_restarted_on_codes_the_connector_uses_deliberately() -> None:
    assert decide(3, 1, 0, policy=POLICY) == Restart(1, 1)


def test_exit_is_described_by_code_or_signal_name() -> None:
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(KILLED) == "was killed by SIGKILL"
    assert describe_exit(-200) == "was killed by signal 200"
