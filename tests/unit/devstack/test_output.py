"""Every line a part writes reaches the terminal whole, after the part's name in one column."""

from __future__ import annotations

import io
import os

from devstack.output import Terminal

QR = "█▀▀▀▀▀█ ▄▀▄ █▀▀▀▀▀█\n█ ███ █ ▀█▀ █ ███ █\n▀▀▀▀▀▀▀ ▀ ▀ ▀▀▀▀▀▀▀\n"


def test_lines_of_a_stream_are_prefixed_and_text_art_kept_as_drawn() -> None:
    out = io.BytesIO()
    read, write = os.pipe()
    relay = Terminal(out).relay("connector", os.fdopen(read, "rb"))
    with os.fdopen(write, "wb") as stream:
        stream.write(b"scan this code\r\n" + QR.encode() + b"\xff not utf-8\nlast line without newline")
    relay.join(timeout=5)
    lines = out.getvalue().split(b"\n")
    assert lines[0] == b"[connector] scan this code"
    assert [line.decode() for line in lines[1:4]] == [f"[connector] {row}" for row in QR.splitlines()]
    assert lines[4:] == [b"[connector] \xff not utf-8", b"[connector] last line without newline", b""]


def test_short_names_are_padded_to_one_column() -> None:
    out = io.BytesIO()
    terminal = Terminal(out)
    terminal.line("api", "up")
    terminal.line("reconcile", b"enqueued=2\n")
    assert out.getvalue().decode().splitlines() == ["[api]       up", "[reconcile] enqueued=2"]
