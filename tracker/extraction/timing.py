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


# Chinese: 年底前 / 年内, 一季度末前, 三年内 / 六个月内 / 两周内, 2025年底前, 每月 / 每季度.
_ZH_DIGITS = "零一二两三四五六七八九十"
_ZH_YEAR_END = re.compile(r"(?P<next>明年)?(今年)?(年底前|年内|年底之前)")
_ZH_QUARTER = re.compile(r"第?(?P<q>[一二三四1-4])季度末?(前|之前)")
_ZH_WITHIN = re.compile(rf"(?P<n>[{_ZH_DIGITS}\d]{{1,3}})(?P<unit>年|个月|周|天)(内|之内)")
_ZH_BY_YEAR = re.compile(r"(?P<year>20\d\d)年底?(前|之前)")
_ZH_EVERY = re.compile(r"每(?P<period>天|周|月|季度|年)")
_ZH_CADENCES = {"天": "daily", "周": "weekly", "月": "monthly", "季度": "quarterly", "年": "yearly"}


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 两 → 2, digits as they are."""
    if text.isdigit():
        return int(text)
    values = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2}
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (values.get(tens, 1) if tens else 1) * 10 + (values.get(ones, 0) if ones else 0)
    return values.get(text, 0)


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
    for pattern in (_ZH_WITHIN, _ZH_QUARTER, _ZH_BY_YEAR, _ZH_YEAR_END, _ZH_EVERY):
        match = pattern.search(text, start, end)
        if match:
            found.append(_chinese_time_limit(match))
    return min(found, key=lambda limit: limit.start, default=None)


def _chinese_time_limit(match: re.Match) -> TimeLimit:
    groups = match.groupdict()
    common = {"phrase": match.group(0), "start": match.start(), "end": match.end()}
    if "period" in groups:
        return TimeLimit(**common, cadence=_ZH_CADENCES[groups["period"]])
    if "unit" in groups:
        n = chinese_number(groups["n"])
        rule = {
            "年": ("months", 12 * n),
            "个月": ("months", n),
            "周": ("days", 7 * n),
            "天": ("days", n),
        }[groups["unit"]]
        return TimeLimit(**common, _rule=rule)
    if "q" in groups:
        q = groups["q"]
        return TimeLimit(**common, _rule=("quarter", int(q) if q.isdigit() else chinese_number(q)))
    if "year" in groups:
        return TimeLimit(**common, _rule=("year", int(groups["year"])))
    return TimeLimit(**common, _rule=("year_end", 1 if groups.get("next") else 0))


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
