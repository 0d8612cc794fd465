"""Time limits stated in a directive ("within one year", "by 30 November", 年底前, 6月底前,
每月25日前) and the due dates they suggest for a speech given on a known day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "thirty": 30,
}  # fmt: skip
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4}  # fmt: skip
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTHS_ANY = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(_NUMBERS) + r")"
_UNIT = r"(?P<unit>year|month|week|(?:working\s+)?day)s?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>20\d\d))?"
_BY = r"(?:by|before|no\s+later\s+than|prior\s+to)"
_PERIOD = r"(?P<period>day|week|month|quarter|year)"
_CADENCES = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly",
             "year": "yearly", "half": "half-yearly"}  # fmt: skip

# English, each pattern with the kind of rule it gives.
_ENGLISH = [
    (
        rf"\b{_BY}\s+the\s+{_DAY}(?:\s+day)?\s+of\s+(?:the\s+first\s+month\s+of\s+)?"
        rf"(?:each|every)\s+{_PERIOD}\b",
        "cadence",
    ),
    (rf"\b(?:at\s+least\s+)?once\s+(?:a|every|each)\s+{_PERIOD}\b", "cadence"),
    (rf"\bat\s+the\s+end\s+of\s+(?:each|every)\s+{_PERIOD}\b", "cadence"),
    (rf"\b(?:every|each)\s+{_PERIOD}\b", "cadence"),
    (rf"\b(?:every|each)\s+(?:{_MONTHS_ANY})\b", "yearly_cadence"),
    (r"\b(?P<adverb>daily|weekly|monthly|quarterly|annually|yearly|semi-annually)\b", "cadence"),
    (r"\b(?:every\s+six\s+months|twice\s+a\s+year|every\s+half\s+year)\b", "half_cadence"),
    (
        rf"\bwithin\s+(?:the\s+next\s+)?{_NUMBER}\s+{_UNIT}(?:\s+of\s+(?:its\s+|their\s+|the\s+)?\w+)?",
        "within",
    ),
    (r"\bwithin\s+(?P<half>half\s+a\s+year)\b", "within"),
    (
        r"\b(?:before|by)\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?P<q>first|second|third|fourth"
        r"|1st|2nd|3rd|4th)\s+quarter\b",
        "quarter",
    ),
    (rf"\b{_BY}\s+the\s+end\s+of\s+(?:the\s+|this\s+)?(?P<next>next\s+)?year\b", "year_end"),
    (rf"\b{_BY}\s+(?:the\s+end\s+of\s+)?(?P<year>20\d\d)\b(?!\s+(?:yuan|people|units))", "year"),
    (
        rf"\b{_BY}\s+(?:the\s+end\s+of\s+)?{_MONTH}(?:\s+(?P<rel>next\s+year)|{_YEAR})\b",
        "month_end",
    ),
    (rf"\b{_BY}\s+(?:the\s+end\s+of\s+)?{_MONTH}{_YEAR}\b", "month_end"),
    (r"\b(?:by|before)\s+the\s+end\s+of\s+(?P<which>this|next)\s+month\b", "this_month_end"),
    (rf"\b(?:in|during)\s+{_MONTH}{_YEAR}\b", "month_end"),
    (rf"\bfrom\s+\w+\s+to\s+{_MONTH}{_YEAR}\b", "month_end"),
    (rf"\b{_BY}\s+{_DAY}\s+{_MONTH}{_YEAR}\b", "date"),
    (rf"\b{_BY}\s+{_MONTH}\s+{_DAY}{_YEAR}\b", "date"),
    (
        r"\b(?:in|during|by\s+the\s+end\s+of|before\s+the\s+end\s+of)\s+the\s+(?P<half>first|second)"
        r"\s+half\s+of\s+(?:the|this)\s+year\b",
        "half",
    ),
    (r"\b(?:this\s+year|within\s+the\s+year|within\s+this\s+year)\b", "this_year"),
    (rf"\b(?:in|by|before)\s+(?:early|mid|late)-?\s*{_MONTH}{_YEAR}\b", "month_end"),
    (
        r"\b(?:in|during|by\s+the\s+end\s+of|before\s+the\s+end\s+of)\s+the\s+(?P<half>first|second)"
        r"\s+half\s+of\s+(?P<year>20\d\d)\b",
        "half",
    ),
    (
        r"\bwithin\s+(?:\d{1,3}|"
        + "|".join(_NUMBERS)
        + r")\s+(?:minutes?|hours?)(?:\s+of\s+\w+(?:\s+\w+)?)?",
        "phrase",
    ),
    (
        r"\bbefore\s+the\s+(?:main\s+)?flood\s+season\b|\bbefore\s+the\s+(?:start\s+of\s+the\s+)?"
        r"(?:autumn|spring)\s+semester(?:\s+begins)?\b|\bbefore\s+the\s+spring\s+festival\b",
        "phrase",
    ),
    (rf"(?:\bon\s+)?\b{_DAY}\s+{_MONTH}{_YEAR}\b", "date"),
    (
        r"\b(?:in|by\s+the\s+end\s+of|before\s+the\s+end\s+of)\s+the\s+(?P<q>first|second|third|fourth)"
        r"\s+quarter\s+of\s+(?:(?P<rel>next\s+year)|(?P<year>20\d\d))\b",
        "quarter",
    ),
    (r"\bin\s+the\s+(?P<q>first|second|third|fourth)\s+quarter\b", "quarter"),
    (
        r"\b(?:before\s+the\s+start\s+of\s+)?(?:each|every)\s+(?:school\s+)?(?:semester|term)\b",
        "half_cadence",
    ),
    (
        r"\bby\s+\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.)\s+(?:every|each)\s+(?P<period>day)\b",
        "cadence",
    ),
    (
        r"\b(?:on\s+the\s+same\s+day|within\s+the\s+same\s+day|before\s+the\s+spring\s+festival"
        r"(?:\s+holiday)?|until\s+the\s+spring\s+festival)\b",
        "phrase",
    ),
]
_ZH_DIGITS = "零一二两三四五六七八九十"
_ZN = rf"[{_ZH_DIGITS}\d]{{1,3}}"
# Chinese: 年底前 / 年内, 一季度末前, 三年内, 2025年底前, 6月底前, 11月30日前, 每月25日前 ...
_CHINESE = [
    (
        r"每(?P<period>年)(?:第?[一二三四1-4]季度末?|\d{1,2}月(?:底|末|\d{1,2}日)?)(?:前|之前)",
        "cadence",
    ),
    (rf"每(?P<period>天|日|周|月|季度|半年|年)(?:{_ZN}[日时])?(?:前|之前)?", "cadence"),
    (r"(?:主?汛期?|春节|开学|国庆)前", "phrase"),
    (r"(?:春节|清明节?|国庆|五一|汛期|节日|假期|节假日|防火期|防火紧要期)(?:期间|前后)", "phrase"),
    (rf"(?P<month>{_ZN})月(?P<day>{_ZN})日(?:\d{{1,2}}时)?起", "date"),
    (
        r"(?:(?![在于须要应并将])[\u4e00-\u9fff]){0,3}(?:接诉|接报|发现|收到|受理|结束|发生|接到"
        r"|办结|到达|报告|下达)后\d{1,3}(?:小时|天|日|个工作日)内",
        "phrase",
    ),
    (r"\d{1,3}小时内", "phrase"),
    (
        rf"(?P<year>20\d\d)年(?P<month>{_ZN})月(?P<day>{_ZN})日(?:\d{{1,2}}时)?(?:前|之前|以前)",
        "date",
    ),
    (rf"(?P<month>{_ZN})月(?P<day>{_ZN})日(?:\d{{1,2}}时)?(?:前|之前|以前)", "date"),
    (
        rf"(?:(?P<year>20\d\d)年|(?P<rel>今年|明年|次年))?(?P<month>{_ZN})月(?:底|末)(?:前|之前|以前)?",
        "month_end",
    ),
    (r"本月(?:底|末)(?:前|之前)?", "this_month_end"),
    (r"(?P<year>20[2-9]\d)年(?P<month>\d{1,2})月(?:前|之前|以前)", "month_before"),
    (rf"(?P<month>{_ZN})月(?:前|之前|以前)", "month_before"),
    (r"(?P<next>明年)底(?:前|之前)?|今年底(?:前|之前)?", "year_end"),
    (r"下个?月(?:底|末)(?:前|之前)?", "next_month_end"),
    (r"(?P<rel>今年|明年|次年)?第?(?P<q>[一二三四1-4])季度(?:末|内)?(?:前|之前)", "quarter"),
    (r"(?P<rel>今年|明年|次年)?第?(?P<q>[一二三四1-4])季度(?:末|内)(?:前|之前)?", "quarter"),
    (r"(?P<year>20[2-9]\d)年底?(?:前|之前|以前)", "year"),
    (r"到(?P<year>20[2-9]\d)年底?", "year"),
    (r"(?P<next>明年)?(?:今年)?(?:年底前|年内|年底之前|年底)", "year_end"),
    (r"第?(?P<q>[一二三四1-4])季度末?(?:前|之前)", "quarter"),
    (rf"(?P<n>{_ZN})(?P<unit>年|个月|周|天|个工作日)(?:内|之内)", "within"),
    (rf"提前(?P<n>{_ZN})(?P<unit>个工作日|天)", "phrase"),
    (r"(?P<rel>今年|明年|次年)?(?P<half>上|下)半年", "half"),
    (r"今年|全年", "this_year"),
]
_PATTERNS = [(re.compile(p, re.I), kind) for p, kind in _ENGLISH] + [
    (re.compile(p), kind) for p, kind in _CHINESE
]
_ZH_CADENCES = {"天": "day", "日": "day", "周": "week", "月": "month", "季度": "quarter",
                "半年": "half", "年": "year"}  # fmt: skip
_ADVERB_CADENCES = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                    "annually": "year", "yearly": "year", "semi-annually": "half"}  # fmt: skip


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

    def due_on(self, spoken_on: date, is_workday=None) -> date | None:
        """The deadline this phrase suggests for a speech given on `spoken_on`; working days
        count by `is_workday(day)` (the office's calendar), else Monday to Friday. None for
        a day more than 30 years on (999年内): no deadline anyone sets."""
        try:
            due = self._due_on(spoken_on, is_workday)
        except (ValueError, OverflowError):
            return None
        return due if due is None or due.year <= spoken_on.year + 30 else None

    def _due_on(self, spoken_on: date, is_workday) -> date | None:
        if not self._rule:
            return None
        kind, value = self._rule
        if kind == "month_offset_end":
            month = add_months(spoken_on.replace(day=1), value)
            return month.replace(day=_days_in(month.year, month.month))
        if kind == "workdays":
            workday = is_workday or (lambda day: day.weekday() < 5)
            day, left = spoken_on, value
            while left > 0:
                day += timedelta(days=1)
                left -= workday(day)
            return day
        if kind == "next_month_end":
            following = add_months(spoken_on.replace(day=1), 1)
            return following.replace(day=_days_in(following.year, following.month))
        if kind == "month_before":  # 10月前: by the end of September
            year, month = value
            end = lambda y: date(y, month, 1) - timedelta(days=1)  # noqa: E731
            return end(year) if year else _next(spoken_on, end)
        if kind == "months":
            return add_months(spoken_on, value)
        if kind == "days":
            return spoken_on + timedelta(days=value)
        if kind == "quarter":
            quarter, year = value if isinstance(value, tuple) else (value, None)
            year = _resolve(year, spoken_on)
            if year:
                return _quarter_end(year, quarter)
            return _next(spoken_on, lambda y: _quarter_end(y, quarter))
        if kind == "year_end":
            return date(spoken_on.year + value, 12, 31)
        if kind == "year":
            return date(value, 12, 31)
        if kind == "month_end":
            year, month = value
            year = _resolve(year, spoken_on)
            if year:
                return date(year, month, calendar.monthrange(year, month)[1])
            return _next(spoken_on, lambda y: date(y, month, calendar.monthrange(y, month)[1]))
        if kind == "date":
            year, month, day = value
            if year:
                return date(year, month, day)
            return _next(spoken_on, lambda y: date(y, month, min(day, _days_in(y, month))))
        raise AssertionError(kind)


# One search finds where the first time phrase starts (English and Chinese apart: a text is
# one or the other); each pattern then tries that place.
def _any(patterns, flags=""):
    return re.compile(
        "|".join(f"(?{flags}:{re.sub(r'[(][?]P<[a-z]+>', '(?:', p)})" for p, _kind in patterns)
    )


_ANY_ENGLISH = _any(_ENGLISH, "i")
_CHINESE_MARKS = re.compile("[年月季周天日前内起间后]")
# The words an English time phrase starts with: only where one stands is _ANY_ENGLISH tried.
_ENGLISH_WORDS = re.compile(
    r"\b(?:by|before|no\s+later|prior|at\s+least|at\s+the\s+end|once|every|each|daily|weekly|monthly|quarterly"
    r"|annually|yearly|semi|twice|within|until|on\s+the\s+same|(?:in|during)\s+(?:early|mid|late"
    r"|the\s+(?:first|second|third|fourth)"
    rf"|{_MONTHS_ANY})|from\s+\w+\s+to|this\s+year|on\s+\d|\d{{1,2}}\s+{_MONTHS_ANY})",
    re.I,
)
_ANY_CHINESE = _any(_CHINESE, "")
_PATTERNS_ENGLISH = _PATTERNS[: len(_ENGLISH)]
_PATTERNS_CHINESE = _PATTERNS[len(_ENGLISH) :]


def _first(text: str, position: int, end: int):
    """The earliest start of a time phrase and the patterns that may match there."""
    found = []
    for word in _ENGLISH_WORDS.finditer(text, position, end):
        if _ANY_ENGLISH.match(text, word.start(), end):
            found.append((word.start(), _PATTERNS_ENGLISH))
            break
    if _CHINESE_MARKS.search(text, position, end):
        match = _ANY_CHINESE.search(text, position, end)
        if match:
            found.append((match.start(), _PATTERNS_CHINESE))
    return min(found, key=lambda pair: pair[0], default=None)


def find_time_limits(text: str, start: int = 0, end: int | None = None) -> list[TimeLimit]:
    """Every time limit in text[start:end], in order, none overlapping (where two start
    together, the longest), with offsets into the whole text."""
    end = len(text) if end is None else end
    limits = []
    position = start
    while position < end:
        first = _first(text, position, end)
        if first is None:
            break
        at, patterns = first
        best = None
        for pattern, kind in patterns:
            match = pattern.match(text, at, end)
            if match and (best is None or match.end() > best[0].end()):
                best = (match, kind)
        match, kind = best
        try:
            limits.append(_limit(match, kind))
        except ValueError:  # 13月, 2月30日: words that name no day
            limits.append(TimeLimit(match.group(0), match.start(), match.end()))
        position = max(match.end(), at + 1)
    return limits


def time_phrase_end(text: str, pos: int, end: int) -> int | None:
    """Where a Chinese time phrase that starts at text[pos] (after 到, 在 or 于) ends: the
    longest of the phrases `find_time_limits` reads, or None."""
    start = pos + (text[pos : pos + 1] in ("到", "在", "于"))
    if not _ANY_CHINESE.match(text, start, end):  # one pass rules out every pattern
        return None
    ends = [
        m.end() for pattern, _kind in _PATTERNS_CHINESE if (m := pattern.match(text, start, end))
    ]
    return max(ends, default=None)


def find_time_limit(text: str, start: int = 0, end: int | None = None) -> TimeLimit | None:
    """The first time limit in text[start:end], with offsets into the whole text."""
    end = len(text) if end is None else end
    first = _first(text, start, end)
    return find_time_limits(text, first[0], end)[0] if first else None


def _limit(match: re.Match, kind: str) -> TimeLimit:
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    common = {"phrase": match.group(0), "start": match.start(), "end": match.end()}
    if kind == "cadence":
        period = groups.get("period") or _ADVERB_CADENCES[groups["adverb"].lower()]
        period = _ZH_CADENCES.get(period, period.lower())
        return TimeLimit(**common, cadence=_CADENCES[period])
    if kind == "yearly_cadence":
        return TimeLimit(**common, cadence=_CADENCES["year"])
    if kind == "half_cadence":
        return TimeLimit(**common, cadence=_CADENCES["half"])
    if kind == "within":
        if "half" in groups:
            return TimeLimit(**common, _rule=("months", 6))
        n = _number(groups["n"])
        unit = re.sub(r"\s+", " ", groups["unit"].lower())
        rule = {
            "year": ("months", 12 * n), "年": ("months", 12 * n),
            "month": ("months", n), "个月": ("months", n),
            "week": ("days", 7 * n), "周": ("days", 7 * n),
            "day": ("days", n), "天": ("days", n),
            "working day": ("workdays", n), "个工作日": ("workdays", n),
        }[unit]  # fmt: skip
        return TimeLimit(**common, _rule=rule)
    if kind == "quarter":
        q = groups["q"].lower()
        quarter = _ORDINALS.get(q) or _number(q)
        year = int(groups["year"]) if "year" in groups else None
        if "rel" in groups:
            year = ("rel", 0 if groups["rel"] == "今年" else 1)
        return TimeLimit(**common, _rule=("quarter", (quarter, year) if year else quarter))
    if kind == "year_end":
        return TimeLimit(**common, _rule=("year_end", 1 if groups.get("next") else 0))
    if kind == "this_year":
        return TimeLimit(**common, _rule=("year_end", 0))
    if kind == "year":
        return TimeLimit(**common, _rule=("year", int(groups["year"])))
    year = int(groups["year"]) if "year" in groups else None
    if "rel" in groups:  # 明年6月底前, "by the end of June next year": the speech's year on
        year = ("rel", 0 if groups["rel"] == "今年" else 1)
    if kind == "this_month_end":
        return TimeLimit(**common, _rule=("month_offset_end", int(groups.get("which") == "next")))
    if kind == "next_month_end":
        return TimeLimit(**common, _rule=("next_month_end", None))
    if kind == "month_before":
        month = _month(groups["month"])
        date(2000, month, 1)
        return TimeLimit(**common, _rule=("month_before", (year, month)))
    if kind == "half":
        month = 6 if groups["half"].lower() in ("first", "上") else 12
        return TimeLimit(**common, _rule=("month_end", (year, month)))
    if kind == "month_end":
        month = _month(groups["month"])
        date(2000, month, 1)  # refuses a month that does not exist
        return TimeLimit(**common, _rule=("month_end", (year, month)))
    if kind == "date":
        month, day = _month(groups["month"]), _number(groups["day"])
        date(year if isinstance(year, int) else 2000, month, day)
        return TimeLimit(**common, _rule=("date", (year, month, day)))
    return TimeLimit(**common)  # a phrase with no day of its own (提前5个工作日)


def _resolve(year, spoken_on: date) -> int | None:
    """A year the text named (2027), one it named relative to the speech (明年: next), or None."""
    if isinstance(year, tuple):
        return spoken_on.year + year[1]
    return year


def _number(raw: str) -> int:
    raw = raw.lower()
    return int(raw) if raw.isdigit() else _NUMBERS.get(raw) or chinese_number(raw)


def _month(raw: str) -> int:
    return _MONTHS.get(raw.lower().rstrip(".")) or _number(raw)


def _next(spoken_on: date, in_year) -> date:
    """The first day on or after `spoken_on` that `in_year(year)` gives."""
    day = in_year(spoken_on.year)
    return day if day >= spoken_on else in_year(spoken_on.year + 1)


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of a shorter month (31 Jan + 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])
