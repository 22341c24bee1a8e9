"""The characters of an export: decoding its bytes, the invisible marks WhatsApp adds, and the
normal form two copies of one message are compared in."""

from __future__ import annotations

import codecs
import re
import unicodedata

from deeplens.domain.errors import InvalidExport

# U+200E/U+200F (direction marks) around names and attachments, U+202A-U+202E and U+2066-U+2069
# (embeddings and isolates) around phone numbers, U+FEFF (a BOM left inside the text).
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_MARKS = re.compile(f"[{MARKS}]")
_SPACES = re.compile(r"\s+")


# WORD JOINER (U+2060, invisible): our own text export (domain/export/txt_render.py) puts it before
# a message's further line that a reader could take for a message header of its own (a line that
# starts with a digit, '[', a mark, or this character), so no text can forge another message.
# WhatsApp never writes it there; the importer takes exactly one off again (`unescape_line`).
LINE_ESCAPE = "\u2060"


def _needs_escape(line: str) -> bool:
    return bool(line) and (line[0].isdigit() or line[0] in "[" + MARKS + LINE_ESCAPE)


def escape_line(line: str) -> str:
    """A further line of a message as the text export writes it."""
    return LINE_ESCAPE + line if _needs_escape(line) else line


def unescape_line(line: str) -> str:
    """The inverse of `escape_line` (a continuation line as it was in the message)."""
    if line.startswith(LINE_ESCAPE) and _needs_escape(line[1:]):
        return line[1:]
    return line


def strip_marks(text: str) -> str:
    """The text without direction marks, embeddings, isolates or stray BOMs."""
    return _MARKS.sub("", text)


def normalized(text: str | None) -> str:
    """What two copies of one message agree on: NFC, no marks, whitespace runs as one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", strip_marks(text))).strip()


def decode_export(data: bytes, name: str, encoding: str | None = None) -> str:
    """The export's text. UTF-8 (with or without BOM) or UTF-16 with a BOM, or `encoding` when
    given; anything else is refused naming the line and column of the first undecodable byte."""
    if encoding is not None:
        return _decode_as(data, name, _known_codec(encoding))
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _decode_as(data, name, "utf-16")
    return _decode_as(data, name, "utf-8-sig")


def _known_codec(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InvalidExport(f"unknown encoding {encoding!r}") from None


def _decode_as(data: bytes, name: str, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        raise InvalidExport(
            f"{name} line {line}, column {column}: not {codec} (byte 0x{byte}); WhatsApp writes UTF-8,"
            " so the file was re-saved in another encoding: give it with --encoding (e.g. cp1252)"
        ) from None
