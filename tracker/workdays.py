"""Days as the office counts them: calendar days, or working days of the mainland China
calendar (holidays off, 调休 make-up days on), as the reminder policy chooses."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """A working day of mainland China: official holidays are off, make-up days (调休) on.
    Beyond the years the calendar package knows, Monday to Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def count_days(start: date, end: date, *, working: bool) -> int:
    """Days from `start` to `end` (negative if `end` is earlier): calendar days, or the
    working days after the earlier date up to and including the later one."""
    if not working:
        return (end - start).days
    low, high = min(start, end), max(start, end)
    days = sum(1 for n in range(1, (high - low).days + 1) if is_workday(low + timedelta(n)))
    return days if end >= start else -days
