"""One terminal for every part: each line a part writes is passed on whole, prefixed with the part's
name (`[worker] ...`). Lines are bytes end to end, so a QR code's text art stays as drawn."""

from __future__ import annotations

import sys
import threading
from typing import IO, BinaryIO

TAG_WIDTH = len("[connector]")


def tag(name: str) -> bytes:
    """`[name]` padded to one width, so the parts' lines (and the QR code) start in one column."""
    return f"[{name}]".ljust(TAG_WIDTH).encode() + b" "


class Terminal:
    """Writes whole lines to a binary stream, one writer at a time."""

    def __init__(self, out: BinaryIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout.buffer
        self._lock = threading.Lock()

    def line(self, name: str, text: bytes | str) -> None:
        data = text.encode() if isinstance(text, str) else text
        with self._lock:
            self.out.write(tag(name) + data.rstrip(b"\r\n") + b"\n")
            self.out.flush()

    def relay(self, name: str, stream: IO[bytes]) -> threading.Thread:
        """Pass every line of `stream` on, prefixed, until it closes (the process and any children
        holding it exited); returns the running thread."""
        thread = threading.Thread(target=self._pump, args=(name, stream), name=f"relay-{name}", daemon=True)
        thread.start()
        return thread

    def _pump(self, name: str, stream: IO[bytes]) -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                try:
                    self.line(name, raw)
                except OSError:  # our own output is gone (a closed pipe): keep draining the part's
                    continue
