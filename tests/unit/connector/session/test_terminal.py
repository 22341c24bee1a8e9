"""What `make run`'s terminal shows while pairing: each QR once, the link code in big letters."""

from __future__ import annotations

import io

import segno
from deeplens_connector.session.terminal import Terminal, big_text, render_qr

QR = "2@abcdefghijklmnop,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,BBBBBBBBBBBBBBBBBBBB=,CCCCCCCC="


def test_qr_is_segno_text_art_of_the_code_when_rendered() -> None:
    expected = io.StringIO()
    segno.make_qr(QR).terminal(out=expected, compact=True)
    assert render_qr(QR) == expected.getvalue()
    assert set(render_qr(QR)) <= {" ", "\u2580", "\u2584", "\u2588", "\n"}


def test_each_qr_is_printed_once_with_the_web_address_when_codes_repeat() -> None:
    out = io.StringIO()
    terminal = Terminal("http://127.0.0.1:3000", out)
    terminal.qr(QR)
    terminal.qr(QR)  # a refresh of the same code
    terminal.qr(QR + "x")  # the next code
    text = out.getvalue()
    assert text.count(render_qr(QR)) == 1
    assert render_qr(QR + "x") in text
    assert text.count("pair in the browser at http://127.0.0.1:3000") == 2
    assert "Linked devices → Link a device" in text


def test_link_code_is_printed_big_with_instructions_when_issued() -> None:
    out = io.StringIO()
    Terminal(None, out).link_code("ABCD-EFGH", "4915112345678", 180)
    text = out.getvalue()
    assert "+4915112345678" in text
    assert "\n".join(f"    {row}" for row in big_text("ABCD-EFGH").splitlines()) in text
    assert "Link with phone number instead → enter ABCD-EFGH" in text


def test_link_code_is_repeated_under_new_qr_codes_while_valid() -> None:
    now = [0.0]
    out = io.StringIO()
    terminal = Terminal(None, out, clock=lambda: now[0])
    terminal.link_code("ABCD-EFGH", "4915112345678", 180)
    terminal.qr(QR)
    now[0] = 181.0
    terminal.qr(QR + "x")
    reminders = out.getvalue().split(render_qr(QR))
    assert "Link code for +4915112345678: ABCD-EFGH" in reminders[1].split(render_qr(QR + "x"))[0]
    assert "Link code" not in reminders[1].split(render_qr(QR + "x"))[1]


def test_big_text_has_five_rows_of_block_letters() -> None:
    rows = big_text("A-1").splitlines()
    assert len(rows) == 5
    assert rows[0] == " ###" + " " * 12 + "#"  # A, the dash's empty row, 1; glyphs 2 apart
    assert rows[2] == "#####  #####    #"
    assert big_text("a?") == big_text("A")  # lower case drawn as upper, unknown characters left out


def test_linked_is_said_only_when_this_process_showed_a_qr() -> None:
    out = io.StringIO()
    terminal = Terminal(None, out)
    terminal.linked("android")
    assert out.getvalue() == ""
    terminal.qr(QR)
    terminal.linked("android")
    assert out.getvalue().endswith("WhatsApp linked (android). Archiving starts.\n")


def test_nothing_breaks_when_the_terminal_is_gone() -> None:
    out = io.StringIO()
    out.close()
    Terminal(None, out).qr(QR)  # no exception: the web UI still shows the code
