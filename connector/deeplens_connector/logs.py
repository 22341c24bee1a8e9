"""JSON logging for the connector. Call `configure_logging` BEFORE importing neonize: neonize calls
`logging.basicConfig(INFO)` at import, which is a no-op once the root logger has a handler, and
the Go log level follows the `neonize.utils.log` logger (NOTSET would forward Go's DEBUG)."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, thread, message and every `extra` key."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # neonize passes this logger's level to Go at connect(): NOTSET would forward Go's DEBUG.
    go_level = "WARNING" if level == "INFO" else level
    logging.getLogger("neonize.utils.log").setLevel(go_level)
    logging.getLogger("whatsmeow").setLevel(go_level)
