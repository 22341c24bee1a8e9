"""`python -m deeplens_connector [run | replay FILE]`.

- no argument: the watcher (restarts the session process when neonize needs a fresh process)
- `run`: one live session (what the watcher starts)
- `replay FILE`: feed a recording through the same path as a live session, publish, exit
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from deeplens.domain.errors import ConfigurationError

from deeplens_connector import exits
from deeplens_connector.logs import configure_logging
from deeplens_connector.settings import ConnectorSettings, load_connector_settings

log = logging.getLogger("deeplens.connector")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deeplens_connector")
    parser.add_argument("command", nargs="?", choices=["watch", "run", "replay"], default="watch")
    parser.add_argument("recording", nargs="?", type=Path, help="replay: the recording file")
    args = parser.parse_args(argv)
    try:
        settings = load_connector_settings()
    except ConfigurationError as error:
        sys.stderr.write(f"deeplens-connector: {error}\n")
        return exits.CONFIG
    configure_logging(settings.log_level)  # before anything imports neonize
    if args.command == "replay":
        if args.recording is None:
            parser.error("replay needs a recording file")
        return _replay(settings, args.recording)
    if args.command == "run":
        from deeplens_connector.session.watcher import die_with_parent

        die_with_parent()
        return _run(settings)
    from deeplens_connector.session.supervisor import Backoff
    from deeplens_connector.session.watcher import watch
    from deeplens_connector.stopping import stop_grace_s

    backoff = Backoff(settings.connector_backoff_min_s, settings.connector_backoff_max_s)
    return watch(backoff, grace_s=stop_grace_s(settings.connector_drain_s))


def _run(settings: ConnectorSettings) -> int:
    from deeplens_connector.archive_db import SessionBusy
    from deeplens_connector.publish.spool import SpoolBusy
    from deeplens_connector.runtime import run_live

    try:
        return run_live(settings)
    except (SessionBusy, SpoolBusy) as busy:
        log.error("another connector runs for this session", extra={"error": str(busy)})
        return exits.SESSION_BUSY


def _replay(settings: ConnectorSettings, recording: Path) -> int:
    from deeplens_connector.runtime import run_replay

    stats, drained = run_replay(settings, recording)
    log.info(
        "replay finished",
        extra={"events": stats.events, "media_files": stats.media_files, "drained": drained},
    )
    return exits.OK if drained else exits.FAILED


if __name__ == "__main__":
    # Always os._exit: neonize's connect thread is not a daemon and may still hang in Go, so a normal
    # interpreter exit (also after an exception, or Ctrl-C before the handlers were in place) could
    # wait for it forever.
    code = exits.FAILED
    try:
        code = main()
    except KeyboardInterrupt:
        code = exits.OK
    except SystemExit as exiting:  # argparse: usage errors, --help
        code = exiting.code if isinstance(exiting.code, int) else exits.FAILED
    except BaseException:
        traceback.print_exc()
    finally:
        logging.shutdown()
        os._exit(code)
