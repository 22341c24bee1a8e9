"""Exports written by the tests themselves, line by line, in the shapes WhatsApp writes them."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

LRM = "\u200e"
NNBSP = "\u202f"


def android_header(at: datetime, *, style: str = "dmy4") -> str:
    """The date-time part of an Android line (`31/12/2020, 23:59`) in one of a few locales."""
    hour12 = at.hour % 12 or 12
    pm = at.hour >= 12
    shapes = {
        "dmy4": f"{at:%d/%m/%Y}, {at:%H:%M}",
        "dmy2-dot": f"{at:%d.%m.%y}, {at:%H:%M}",
        "mdy2-ampm": f"{at.month}/{at.day}/{at:%y}, {hour12}:{at:%M}{NNBSP}{'PM' if pm else 'AM'}",
        "mdy2-pm-dots": f"{at.month}/{at.day}/{at:%y}, {hour12}:{at:%M} {'p.m.' if pm else 'a.m.'}",
        "dmy4-es": f"{at:%d/%m/%Y}, {hour12}:{at:%M}{NNBSP}{'p. m.' if pm else 'a. m.'}",
        "iso": f"{at:%Y-%m-%d} {at:%H:%M}",
        "dmy4-dash-word": f"{at:%d-%m-%Y} um {at:%H:%M}",
        "fi": f"{at:%d.%m.%Y} klo {at:%H.%M}",
        "dmy2-lower-pm": f"{at:%d/%m/%y}, {hour12}:{at:%M} {'pm' if pm else 'am'}",
    }
    return shapes[style]


def android_line(at: datetime, sender: str | None, text: str, *, style: str = "dmy4") -> str:
    who = f"{sender}: " if sender is not None else ""
    return f"{android_header(at, style=style)} - {who}{text}"


def ios_line(at: datetime, sender: str, text: str, *, style: str = "dmy2", mark: bool = False) -> str:
    hour12 = at.hour % 12 or 12
    meridiem = "PM" if at.hour >= 12 else "AM"
    shapes = {
        "dmy2": f"{at:%d/%m/%y}, {at:%H:%M:%S}",
        "mdy2-ampm": f"{at.month}/{at.day}/{at:%y}, {hour12}:{at:%M:%S}{NNBSP}{meridiem}",
        "dmy4-dot": f"{at:%d.%m.%Y}, {at:%H:%M:%S}",
    }
    return f"{LRM if mark else ''}[{shapes[style]}] {sender}: {text}"


def export_text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()
