"""A WhatsApp chat export (`Export chat`'s .txt) read into messages and skipped lines.

Android: `31/12/2020, 23:59 - Name: text`; iOS: `[31/12/20, 23:59:59] Name: text`. Every locale's
date (`/ . -`, day- or month-first, 2- or 4-digit years, ISO), an optional word between date and
time (`um`, `à`, `klo`), 24-hour clocks with or without seconds and `:` or `.`, 12-hour clocks in
every spelling (`PM`, `p.m.`, `p. m.`, with U+202F before it, 上午/下午 before the time). A line
that does not start a message continues the one before (multi-line messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from deeplens.domain.chat_export.dates import (
    DateOrder,
    OrderDecision,
    RawDate,
    decide_order,
    local_datetime,
)
from deeplens.domain.chat_export.system import Body, ios_system_reason, read_body, system_reason
from deeplens.domain.chat_export.text import MARKS, strip_marks, unescape_line
from deeplens.domain.errors import InvalidExport

_SP = "[ \u00a0\u202f]"
_MERIDIEM = r"(?:[aApP]\.?" + _SP + r"?[mM]\.?|vorm\.|nachm\.)"
_MERIDIEM_BEFORE = "(?:上午|下午|午前|午後|오전|오후)"
_DATE = r"(?P<d1>\d{1,4})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<d3>\d{1,4})\.?"
_GAP = rf"(?:,{_SP}*|{_SP}+)(?:[^\W\d_]{{1,8}}\.?{_SP}+)?"
_TIME = (
    rf"(?:(?P<before>{_MERIDIEM_BEFORE}){_SP}?)?(?P<h>\d{{1,2}})[:.](?P<m>\d{{2}})(?:[:.](?P<s>\d{{2}}))?"
    rf"(?:{_SP}?(?P<after>{_MERIDIEM}))?"
)
_ANDROID = re.compile(rf"{_DATE}{_GAP}{_TIME}{_SP}+-{_SP}(?P<rest>.*)", re.DOTALL)
_IOS = re.compile(rf"\[{_DATE}{_GAP}{_TIME}\]{_SP}(?P<rest>.*)", re.DOTALL)
_LEADING_MARKS = re.compile(f"^[{MARKS}]+")
SNIFF_LINES = 20  # the first message header must come within this many non-empty lines


@dataclass(frozen=True)
class ExportMessage:
    """One message of the file, as written (times local, sender a display name)."""

    line: int
    local_time: datetime
    has_seconds: bool
    sender: str
    body: Body


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str


@dataclass
class ParsedExport:
    messages: list[ExportMessage]
    skipped: list[SkippedLine]
    order: OrderDecision
    lines: int
    style: str  # android | ios
    twelve_hour: bool = False
    senders: list[str] = field(default_factory=list)  # in order of first appearance


@dataclass
class _Entry:
    line: int
    date: RawDate
    rest: str
    continuation: list[str] = field(default_factory=list)


def parse_export(text: str, name: str = "chat", order: DateOrder | None = None) -> ParsedExport:
    """Messages and skipped lines of an export; InvalidExport naming the line when it is not one."""
    lines = text.split("\n")
    entries = list(_entries(lines, name))
    decision = decide_order([entry.date for entry in entries], order)
    parsed = ParsedExport([], [], decision, len(lines), _style(lines, entries))
    parsed.twelve_hour = any(entry.date.meridiem for entry in entries)
    for entry in entries:
        _add(parsed, entry, decision.order)
    parsed.senders = list(dict.fromkeys(message.sender for message in parsed.messages))
    return parsed


def _style(lines: list[str], entries: list[_Entry]) -> str:
    first = _LEADING_MARKS.sub("", lines[entries[0].line - 1]) if entries else ""
    return "ios" if first.startswith("[") else "android"


def _entries(lines: list[str], name: str) -> Iterator[_Entry]:
    current: _Entry | None = None
    seen = 0
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        header = _header(line, number)
        if header is not None:
            if current is not None:
                yield current
            current = header
        elif current is not None:
            current.continuation.append(unescape_line(line))
        elif line.strip(MARKS + " \t"):
            seen += 1
            if seen >= SNIFF_LINES or number >= SNIFF_LINES * 5:
                break
    if current is None:
        raise InvalidExport(
            f"{name} line 1: not a WhatsApp chat export (no line starts with a date and time"
            " like '31/12/20, 23:59 - Name: text' or '[31/12/20, 23:59:59] Name: text')"
        )
    yield current


def _header(line: str, number: int) -> _Entry | None:
    if not line or not (line[0].isdigit() or line[0] == "[" or line[0] in MARKS):
        return None  # the common continuation line costs one character test
    clean = _LEADING_MARKS.sub("", line)
    match = _ANDROID.fullmatch(clean) or _IOS.fullmatch(clean)
    if match is None:
        return None
    meridiem = match["after"] or match["before"]
    date = RawDate(number, match["d1"], match["d2"], match["d3"], int(match["h"]), int(match["m"]),
                   int(match["s"]) if match["s"] else None, meridiem)  # fmt: skip
    if not date.year_first and len(date.third) not in (2, 4):
        return None
    return _Entry(number, date, match["rest"])


def _add(parsed: ParsedExport, entry: _Entry, order: DateOrder) -> None:
    local = local_datetime(entry.date, order)
    rest = _LEADING_MARKS.sub("", entry.rest)
    sender, separator, first_line = rest.partition(": ")
    if not separator or _is_system_with_colon(rest):
        parsed.skipped.append(SkippedLine(entry.line, system_reason(rest)))
        return
    raw_body = "\n".join([first_line, *entry.continuation])
    if reason := ios_system_reason(first_line):
        parsed.skipped.append(SkippedLine(entry.line, reason))
        return
    body = read_body(raw_body)
    if body.kind in ("deleted", "call", "empty"):
        parsed.skipped.append(SkippedLine(entry.line, _SKIP_REASONS[body.kind]))
        return
    message = ExportMessage(entry.line, local, entry.date.second_of_minute is not None,
                            strip_marks(sender).strip(), body)  # fmt: skip
    parsed.messages.append(message)


_SKIP_REASONS = {"deleted": "deleted message", "call": "call", "empty": "empty message"}
_COLON_SYSTEM = re.compile(
    r'^.{1,200}? (?:changed the subject (?:from ".*" )?to ".*"|changed the group description'
    r'|created group ".*"|hat den Betreff .* geändert|hat die Gruppe „.*“ erstellt)$',
    re.DOTALL,
)


def _is_system_with_colon(rest: str) -> bool:
    """A subject or group name may hold `: `; such a system line is not `Name: text`."""
    return _COLON_SYSTEM.match(strip_marks(rest)) is not None
