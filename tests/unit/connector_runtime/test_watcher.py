from __future__ import annotations

import sys
from pathlib import Path

from deeplens_connector import exits
from deeplens_connector.supervisor import Backoff
from deeplens_connector.watcher import watch

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
