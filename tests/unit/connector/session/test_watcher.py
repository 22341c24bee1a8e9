from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from deeplens_connector import exits
from deeplens_connector.session.supervisor import Backoff
from deeplens_connector.session.watcher import _wait, watch

# A child that asks for a restart twice, then ends cleanly (counting its runs in a file).
CHILD = """
import pathlib, sys
runs = pathlib.Path(sys.argv[1]); n = int(runs.read_text() or 0) + 1 if runs.exists() else 1
runs.write_text(str(n)); sys.exit(75 if n < 3 else {code})
"""


def test_child_is_restarted_when_it_asks_for_a_fresh_process(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    code = watch(Backoff(0.01, 0.02), [sys.executable, "-c", CHILD.format(code=0), str(runs)])
    assert code == exits.OK
    assert runs.read_text() == "3"


def test_watcher_stops_with_child_code_when_session_was_replaced(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.write_text("2")
    code = watch(Backoff(0.01, 0.02), [sys.executable, "-c", CHILD.format(code=exits.REPLACED), str(runs)])
    assert code == exits.REPLACED
    assert runs.read_text() == "3"


STUBBORN = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    " print('ready', flush=True); time.sleep(60)"
)


def test_a_child_that_ignores_the_stop_is_killed_after_the_grace_period() -> None:
    child = subprocess.Popen([sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"ready\n"
    stopping = threading.Event()
    stopping.set()
    child.terminate()  # ignored
    started = time.monotonic()
    assert _wait(child, stopping, grace_s=0.3) == -signal.SIGKILL
    assert time.monotonic() - started < 5
    child.stdout.close()  # warnings are errors: an open pipe is a ResourceWarning


def test_the_child_stops_when_the_watcher_is_killed() -> None:
    # watcher stand-in -> session stand-in (die_with_parent, then sleeps); SIGKILL the stand-in.
    grandchild = (
        "from deeplens_connector.session.watcher import die_with_parent; import time; die_with_parent();"
        " print('ready', flush=True); time.sleep(60)"
    )
    parent_code = (
        "import subprocess, sys;"
        " p = subprocess.Popen([sys.executable, '-c', sys.argv[1]], stdout=subprocess.PIPE);"
        " print(p.pid, flush=True); print(p.stdout.readline().decode().strip(), flush=True); p.wait()"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code, grandchild], stdout=subprocess.PIPE)
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    assert parent.stdout.readline() == b"ready\n"
    parent.kill()
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for init is gone for our purpose
        return stat.read().split()[2] != "Z"
