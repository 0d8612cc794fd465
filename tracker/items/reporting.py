"""定期报送: an item with a reporting cycle expects a report in each period's window, from the
period's first day to the policy's `report_by_day` of its last month (default the 25th). The
rule is written once here, for the item page, the boards, the item list and reminders.

A window counts only when the cycle began (`reporting_since`: the day the item was assigned
with it, or the day a supervisor set it) before the window closed; any report by the lead or
a supporting department (a history entry with an author) inside the window fills it.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, exists, false, or_, select

from ..clock import office_zone
from ..extensions import db
from ..models import ActionItem, StatusUpdate
from .rules import OPEN, REPORTING_CYCLES

MONTHS = {"monthly": 1, "quarterly": 3}


class Window(NamedTuple):
    start: date  # the period's first day
    closes: date  # the last day a report counts for the period


def window_of(cycle: str, day: date, by_day: int) -> Window:
    """The window of the period `day` falls in."""
    months = MONTHS[cycle]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    last = calendar.monthrange(day.year, last_month)[1]
    return Window(date(day.year, first_month, 1), date(day.year, last_month, min(by_day, last)))


def last_closed(cycle: str, today: date, by_day: int) -> Window:
    """The latest window that closed before `today`."""
    window = window_of(cycle, today, by_day)
    if window.closes < today:
        return window
    return window_of(cycle, window.start - timedelta(days=1), by_day)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(0), office_zone())


def reported_in(item_id, window: Window):
    """SQL: a report by a person on the item inside the window (office days)."""
    return exists().where(
        StatusUpdate.item_id == item_id,
        StatusUpdate.author_id.is_not(None),
        StatusUpdate.created_at >= _moment(window.start),
        StatusUpdate.created_at < _moment(window.closes + timedelta(days=1)),
    )


def missed_sql(today: date, by_day: int):
    """Open items with a cycle whose last closed window has no report (and that were
    assigned before it closed)."""
    conditions = []
    for cycle in REPORTING_CYCLES:
        window = last_closed(cycle, today, by_day)
        # A CASE, so that the history is read only for the items with this cycle (in an
        # AND, PostgreSQL may probe it for every open item: 15 ms a city board at 100k).
        conditions.append(
            case(
                (
                    ActionItem.reporting_cycle == cycle,
                    and_(
                        ActionItem.reporting_since <= window.closes,
                        ~reported_in(ActionItem.id, window),
                    ),
                ),
                else_=false(),
            )
        )
    return and_(ActionItem.status.in_(OPEN), or_(false(), *conditions))


class Cycle(NamedTuple):
    """What the item page says of an item's reporting cycle."""

    cycle: str
    current: Window
    reported_now: bool  # a report in the current window already
    missed: Window | None  # the last closed window, if it had no report


def cycle_of(item: ActionItem, report_days: list[date], today: date, by_day: int) -> Cycle | None:
    """The cycle's state from the office days of the item's reports."""
    if item.reporting_cycle not in REPORTING_CYCLES:
        return None
    current = window_of(item.reporting_cycle, today, by_day)
    closed = last_closed(item.reporting_cycle, today, by_day)
    since = item.reporting_since

    missed = (
        closed
        if item.status in OPEN
        and since
        and since <= closed.closes
        and not filled(closed, report_days)
        else None
    )
    return Cycle(item.reporting_cycle, current, filled(current, report_days), missed)


def filled(window: Window, report_days) -> bool:
    """Whether a report falls in the window."""
    return any(window.start <= day <= window.closes for day in report_days)


def report_days(item_ids: list[int], since: date) -> dict[int, list[date]]:
    """The office days of the reports by people on the items, from `since` on."""
    zone = office_zone()
    result: dict[int, list[date]] = defaultdict(list)
    for item_id, at in db.session.execute(
        select(StatusUpdate.item_id, StatusUpdate.created_at).where(
            StatusUpdate.item_id.in_(item_ids),
            StatusUpdate.author_id.is_not(None),
            StatusUpdate.created_at >= _moment(since),
        )
    ):
        result[item_id].append(at.astimezone(zone).date())
    return result
