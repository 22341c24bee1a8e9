"""Parts under `make run` are real child processes: relayed with their name, restarted after a crash
once the old run left nothing behind, held after a deliberate exit, and the output says which."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator

import pytest
from devstack.output import Terminal
from devstack.parts import CONNECTOR_STOP_CODES, Part, Parts
from devstack.restart import RestartPolicy

PROGRAM = "tests.unit.devstack.part_program"
FAST = RestartPolicy(base_s=0.2, max_s=1, healthy_s=60)


@pytest.fixture
def out() -> io.BytesIO:
    return io.BytesIO()


@pytest.fixture
def make_parts(out: io.BytesIO) -> Iterator[Callable[..., Parts]]:
    made: list[Parts] = []

    def build(**env: str) -> Parts:
        parts = Parts({**os.environ, **env}, Terminal(out), FAST)
        made.append(parts)
        return parts

    yield build
    for parts in made:
        parts.stop_all()


def _until(parts: Parts, out: io.BytesIO, text: str, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while text not in out.getvalue().decode():
        assert time.monotonic() < deadline, out.getvalue().decode()
        parts.check()
        time.sleep(0.05)
    return out.getvalue().decode().splitlines()


def test_deliberate_connector_exit_is_held_and_said(
    make_parts: Callable[..., Parts], out: io.BytesIO
) -> None:
    parts = make_parts(PART_EXIT_CODE="3")
    parts.start(Part("connector", "connector", PROGRAM, "-", CONNECTOR_STOP_CODES))
    lines = _until(parts, out, "not restarted")
    assert lines[0].startswith("[connector] part ") and lines[0].endswith(" up")
    assert lines[-1] == (
        "[devstack]  connector exited with code 3 after 0s; not restarted: " + CONNECTOR_STOP_CODES[3]
    )
    time.sleep(0.5)
    parts.check()
    assert out.getvalue().decode().count(" up\n") == 1


def test_crash_is_restarted_with_backoff_and_said(make_parts: Callable[..., Parts], out: io.BytesIO) -> None:
    parts = make_parts(PART_EXIT_CODE="1")
    parts.start(Part("ingest worker", "worker", PROGRAM, "-"))
    lines = _until(parts, out, "crash 2 in a row")
    said = [line for line in lines if line.startswith("[devstack]")]
    assert (
        said[0]
        == "[devstack]  ingest worker exited with code 1 after 0s; restarting in 0s (crash 1 in a row)"
    )
    assert said[1].startswith("[devstack]  ingest worker started again (pid ")
    assert [line[:12] for line in lines if "part" in line] == ["[worker]    "] * 2


def test_restart_waits_until_the_crashed_run_left_no_process(
    make_parts: Callable[..., Parts], out: io.BytesIO
) -> None:
    parts = make_parts(PART_EXIT_CODE="1", PART_LINGER_S="1.5", PART_SLEEP_S="0")
    parts.start(Part("connector", "connector", PROGRAM, "-", CONNECTOR_STOP_CODES))
    _until(parts, out, "restarting in")
    crashed = time.monotonic()
    _until(parts, out, "started again")
    assert time.monotonic() - crashed >= 1.0  # the leftover child lived 1.5 s, the delay was 0.2 s
