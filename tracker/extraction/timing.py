"""Time limits stated in a directive ("within one year", "every month") and the due dates
they suggest for a speech given on a known day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(_NUMBERS) + r")"
_UNIT = r"(?P<unit>year|month|week|day)s?"

_WITHIN = re.compile(
    rf"\bwithin\s+(?:the\s+next\s+)?(?:{_NUMBER}\s+{_UNIT}|(?P<half>half\s+a\s+year))\b", re.I
)
_QUARTER_END = re.compile(
    r"\b(?:before|by)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?P<q>"
    + "|".join(_ORDINALS)
    + r")\s+quarter\b",
    re.I,
)
_YEAR_END = re.compile(
    r"\b(?:before|by)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?year\b", re.I
)
_BY_YEAR = re.compile(r"\b(?:before|by)\s+(?:the\s+end\s+of\s+)?(?P<year>20\d\d)\b", re.I)
_EVERY = re.compile(r"\b(?:every|each)\s+(?P<period>day|week|month|quarter|year)\b", re.I)
_CADENCES = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}


@dataclass(frozen=True)
class TimeLimit:
    """A time phrase found in a directive: `phrase` is text[start:end] exactly."""

    phrase: str
    start: int
    end: int
    cadence: str | None = None  # "monthly", ... for recurring duties; None for a deadline
    _rule: tuple = ()

    def due_on(self, spoken_on: date) -> date | None:
        """The deadline this phrase suggests for a speech given on `spoken_on`."""
        if not self._rule:
            return None
        kind, value = self._rule
        if kind == "months":
            return add_months(spoken_on, value)
        if kind == "days":
            return spoken_on + timedelta(days=value)
        if kind == "quarter":
            year = spoken_on.year
            end = _quarter_end(year, value)
            return end if end >= spoken_on else _quarter_end(year + 1, value)
        if kind == "year_end":
            return date(spoken_on.year + value, 12, 31)
        if kind == "year":
            return date(value, 12, 31)
        raise AssertionError(kind)


def find_time_limit(text: str, start: int = 0, end: int | None = None) -> TimeLimit | None:
    """The first time limit in text[start:end], with offsets into the whole text."""
    end = len(text) if end is None else end
    found = []
    for pattern in (_WITHIN, _QUARTER_END, _YEAR_END, _BY_YEAR, _EVERY):
        match = pattern.search(text, start, end)
        if match:
            found.append(_time_limit(match))
    return min(found, key=lambda limit: limit.start, default=None)


def _time_limit(match: re.Match) -> TimeLimit:
    groups = match.groupdict()
    common = {"phrase": match.group(0), "start": match.start(), "end": match.end()}
    if "period" in groups:
        return TimeLimit(**common, cadence=_CADENCES[groups["period"].lower()])
    if groups.get("half"):
        return TimeLimit(**common, _rule=("months", 6))
    if "unit" in groups:
        raw = groups["n"].lower()
        n = int(raw) if raw.isdigit() else _NUMBERS[raw]
        unit = groups["unit"].lower()
        rule = {
            "year": ("months", 12 * n),
            "month": ("months", n),
            "week": ("days", 7 * n),
            "day": ("days", n),
        }[unit]
        return TimeLimit(**common, _rule=rule)
    if "q" in groups:
        return TimeLimit(**common, _rule=("quarter", _ORDINALS[groups["q"].lower()]))
    if "next" in groups:
        return TimeLimit(**common, _rule=("year_end", 1 if groups["next"] else 0))
    return TimeLimit(**common, _rule=("year", int(groups["year"])))


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])
