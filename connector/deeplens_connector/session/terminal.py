"""Pairing from the terminal of `make run` (a headless server has no browser next to it): each new
QR code as text art, a link code in big letters with what to do on the phone, and the web address
where the same can be done. Written to stdout, the user's terminal under `make run` (the JSON logs
go to stderr). A failed write is ignored: the terminal is a convenience, the web UI is the way."""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

import segno

# 5x5 letters for the link code: whatsmeow's alphabet (1-9, A-Z without I, O, U) plus 0, I, O, U, '-'.
_FONT_ROWS = 5
_FONT: dict[str, str] = {
    "0": " ### |#  ##|# # #|##  #| ### ", "1": "  #  | ##  |  #  |  #  | ### ",
    "2": " ### |#   #|  ## | #   |#####", "3": "#### |    #| ### |    #|#### ",
    "4": "#   #|#   #|#####|    #|    #", "5": "#####|#    |#### |    #|#### ",
    "6": " ### |#    |#### |#   #| ### ", "7": "#####|   # |  #  | #   | #   ",
    "8": " ### |#   #| ### |#   #| ### ", "9": " ### |#   #| ####|    #| ### ",
    "A": " ### |#   #|#####|#   #|#   #", "B": "#### |#   #|#### |#   #|#### ",
    "C": " ####|#    |#    |#    | ####", "D": "#### |#   #|#   #|#   #|#### ",
    "E": "#####|#    |#### |#    |#####", "F": "#####|#    |#### |#    |#    ",
    "G": " ####|#    |#  ##|#   #| ### ", "H": "#   #|#   #|#####|#   #|#   #",
    "I": "#####|  #  |  #  |  #  |#####", "J": "#####|   # |   # |#  # | ##  ",
    "K": "#   #|#  # |###  |#  # |#   #", "L": "#    |#    |#    |#    |#####",
    "M": "#   #|## ##|# # #|#   #|#   #", "N": "#   #|##  #|# # #|#  ##|#   #",
    "O": " ### |#   #|#   #|#   #| ### ", "P": "#### |#   #|#### |#    |#    ",
    "Q": " ### |#   #|# # #|#  # | ## #", "R": "#### |#   #|#### |#  # |#   #",
    "S": " ####|#    | ### |    #|#### ", "T": "#####|  #  |  #  |  #  |  #  ",
    "U": "#   #|#   #|#   #|#   #| ### ", "V": "#   #|#   #|#   #| # # |  #  ",
    "W": "#   #|#   #|# # #|## ##|#   #", "X": "#   #| # # |  #  | # # |#   #",
    "Y": "#   #| # # |  #  |  #  |  #  ", "Z": "#####|   # |  #  | #   |#####",
    "-": "     |     |#####|     |     ",
}  # fmt: skip


def render_qr(code: str) -> str:
    """The QR code of `code` in Unicode half blocks (light modules drawn: for a dark terminal)."""
    buffer = io.StringIO()
    segno.make_qr(code).terminal(out=buffer, compact=True)
    return buffer.getvalue()


def big_text(text: str) -> str:
    """`text` in 5-row block letters (characters without a glyph are left out)."""
    glyphs = [_FONT[char].split("|") for char in text.upper() if char in _FONT]
    return "\n".join("  ".join(glyph[row] for glyph in glyphs).rstrip() for row in range(_FONT_ROWS))


def qr_text(code: str, web_url: str | None) -> str:
    where = f"\nor pair in the browser at {web_url} (also by phone number)" if web_url else ""
    return (
        "\nLink WhatsApp: on the phone open WhatsApp → Settings → Linked devices → Link a device"
        f" and scan this code{where}\n\n{render_qr(code)}"
    )


def link_code_text(code: str, phone: str) -> str:
    return (
        f"\nWhatsApp link code for +{phone}:\n\n{_indent(big_text(code))}\n\n    {code}\n\n"
        "On that phone: WhatsApp → Settings → Linked devices → Link a device"
        f" → Link with phone number instead → enter {code}\n"
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


class Terminal:
    """What the connector shows in its terminal while pairing; each QR code once."""

    def __init__(
        self, web_url: str | None, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.web_url = web_url
        self._out = out  # None: sys.stdout at the time of writing
        self._clock = clock
        self._lock = threading.Lock()
        self._last_qr: str | None = None
        self._link: tuple[str, str, float] | None = None  # code, phone, valid until (clock)

    def qr(self, code: str) -> None:
        """A new QR code; the same code again prints nothing. A link code still valid is repeated
        under it (new QR codes keep coming while the phone owner types it)."""
        with self._lock:
            if code == self._last_qr:
                return
            self._last_qr = code
            link = self._link if self._link and self._clock() < self._link[2] else None
        reminder = f"\nLink code for +{link[1]}: {link[0]} (Link with phone number instead)\n" if link else ""
        self._write(qr_text(code, self.web_url) + reminder)

    def link_code(self, code: str, phone: str, lifetime_s: float) -> None:
        with self._lock:
            self._link = (code, phone, self._clock() + lifetime_s)
        self._write(link_code_text(code, phone))

    def linked(self, platform: str | None) -> None:
        """Pairing succeeded: said only when this process showed a QR code."""
        if self._last_qr is not None:
            self._write(f"\nWhatsApp linked{f' ({platform})' if platform else ''}. Archiving starts.\n")

    def _write(self, text: str) -> None:
        out = self._out or sys.stdout
        with self._lock:
            try:
                out.write(text)
                out.flush()
            except (OSError, ValueError):  # closed or gone: the web UI still shows everything
                pass
