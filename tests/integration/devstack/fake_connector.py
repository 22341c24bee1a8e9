"""A stand-in for the connector under devstack's AccountConnectors: says what it was started with,
then waits to be stopped (SIGTERM ends it at once)."""

import os
import signal
import sys
import time

NAMES = ("SESSION_ID", "SESSION_STORE_URL", "CONNECTOR_SPOOL_DIR", "DEFAULT_TRACK_GROUPS")

if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.stdout.write(" ".join(f"{name}={os.environ.get(name, '-')}" for name in NAMES) + "\n")
    sys.stdout.flush()
    while True:
        time.sleep(0.1)
