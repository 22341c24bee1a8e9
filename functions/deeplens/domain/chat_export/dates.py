"""Dates and times as an export writes them, in the phone's locale.

The day/month order is decided once per file from all its dates: a first number above 12 proves
day-first, a second above 12 month-first; when no date proves either, the order under which the
chat runs forward in time wins (a chat is chronological), then the locale's habit (12-hour clocks
go with month-first). An explicit order overrides all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

from deeplens.domain.errors import InvalidExport

DateOrder = Literal["day-first", "month-first"]
DATE_ORDERS: tuple[DateOrder, ...] = ("day-first", "month-first")
_PM_WORDS = frozenset({"pm", "p.m.", "p. m.", "p.m", "pm.", "nachm.", "下午", "午後", "오후"})
_AM_WORDS = frozenset({"am", "a.m.", "a. m.", "a.m", "am.", "vorm.", "上午", "午前", "오전"})


@dataclass(frozen=True)
class RawDate:
    """One header's date and time as written; `line` for error messages."""

    line: int
    first: str
    second: str
    third: str
    hour: int
    minute: int
    second_of_minute: int | None
    meridiem: str | None  # the AM/PM word as written, None on a 24-hour clock

    @property
    def year_first(self) -> bool:
        return len(self.first) == 4

    @property
    def text(self) -> str:
        return f"{self.first}/{self.second}/{self.third}"


@dataclass(frozen=True)
class OrderDecision:
    order: DateOrder
    reason: str  # for the summary: how the order was decided


def decide_order(dates: list[RawDate], override: DateOrder | None) -> OrderDecision:
    """The day/month order of one file (see the module's docstring)."""
    if override is not None:
        return OrderDecision(override, "given")
    ambiguous = [d for d in dates if not d.year_first]
    if not ambiguous:
        return OrderDecision("day-first", "every date is year-first (ISO)")
    day_proof = next((d for d in ambiguous if int(d.first) > 12), None)
    month_proof = next((d for d in ambiguous if int(d.second) > 12), None)
    if day_proof and month_proof:
        raise InvalidExport(
            f"line {day_proof.line} ({day_proof.text}) is day-first but line {month_proof.line}"
            f" ({month_proof.text}) is month-first: give the order with --date-order"
        )
    if day_proof:
        return OrderDecision("day-first", f"line {day_proof.line} ({day_proof.text})")
    if month_proof:
        return OrderDecision("month-first", f"line {month_proof.line} ({month_proof.text})")
    return _by_chronology(ambiguous)


def _by_chronology(dates: list[RawDate]) -> OrderDecision:
    backwards = {order: _steps_back(dates, order) for order in DATE_ORDERS}
    if backwards["day-first"] != backwards["month-first"]:
        order = min(DATE_ORDERS, key=lambda o: backwards[o])
        return OrderDecision(order, "the order under which the chat runs forward in time")
    twelve_hour = any(d.meridiem for d in dates)
    order = "month-first" if twelve_hour else "day-first"
    return OrderDecision(order, "assumed (no date decides it; give --date-order if wrong)")


def _steps_back(dates: list[RawDate], order: DateOrder) -> int:
    keys = [_sort_key(d, order) for d in dates]
    return sum(1 for before, after in pairwise(keys) if after < before)


def _sort_key(date: RawDate, order: DateOrder) -> tuple[int, int, int]:
    day, month = (date.first, date.second) if order == "day-first" else (date.second, date.first)
    return (_year(date.third), int(month), int(day))


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) <= 2 else int(text)


def local_datetime(date: RawDate, order: DateOrder) -> datetime:
    """The naive local date and time a header names; InvalidExport naming its line otherwise."""
    if date.year_first:
        year, month, day = int(date.first), int(date.second), int(date.third)
    else:
        first, second = int(date.first), int(date.second)
        day, month = (first, second) if order == "day-first" else (second, first)
        year = _year(date.third)
    hour = _hour_24(date)
    try:
        return datetime(year, month, day, hour, date.minute, date.second_of_minute or 0)
    except ValueError as error:
        raise InvalidExport(f"line {date.line}: {date.text} is not a date read {order} ({error})") from None


def _hour_24(date: RawDate) -> int:
    if date.meridiem is None:
        if date.hour > 23:
            raise InvalidExport(f"line {date.line}: hour {date.hour} does not exist")
        return date.hour
    word = " ".join(date.meridiem.lower().replace("\u202f", " ").replace("\u00a0", " ").split())
    if not 1 <= date.hour <= 12:
        raise InvalidExport(f"line {date.line}: hour {date.hour} on a 12-hour clock")
    if word in _PM_WORDS:
        return date.hour % 12 + 12
    if word in _AM_WORDS:
        return date.hour % 12
    raise InvalidExport(f"line {date.line}: {date.meridiem!r} is neither AM nor PM")


def epoch_ms(local: datetime, zone: ZoneInfo) -> int:
    """Milliseconds since the epoch of a wall-clock time in `zone` (the earlier of a repeated hour;
    a time skipped by a DST change is read with the offset before the change)."""
    return int(local.replace(tzinfo=zone).astimezone(UTC).timestamp() * 1000)
