"""A stand-in part for tests/unit/devstack/test_parts.py (run as `python -m`): prints a line, leaves
a child behind if PART_LINGER_S is set, sleeps PART_SLEEP_S, exits with PART_EXIT_CODE."""

from __future__ import annotations

import os
import subprocess
import sys
import time

if __name__ == "__main__":
    sys.stdout.write(f"part {os.getpid()} up\n")
    sys.stdout.flush()
    if os.environ.get("PART_LINGER_S"):
        linger = f"import time; time.sleep({float(os.environ['PART_LINGER_S'])})"
        subprocess.Popen([sys.executable, "-c", linger], stdout=subprocess.DEVNULL)
    time.sleep(float(os.environ.get("PART_SLEEP_S", "0")))
    sys.exit(int(os.environ.get("PART_EXIT_CODE", "0")))
