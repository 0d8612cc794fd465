"""The reminder rules as tables: which day fires what, and how a missed day is caught up."""

from datetime import date, timedelta

import pytest

from tracker.models import LineReason
from tracker.reminders.policy import ReminderPolicy
from tracker.reminders.rules import due_reason, escalates, stale, window

P = ReminderPolicy()
DUE = date(2026, 3, 10)


def day(n: int) -> date:
    """`n` days after the due date (negative: before)."""
    return DUE + timedelta(days=n)


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-8, None),
        (-7, (LineReason.DUE_SOON, 7)),
        (-6, None),
        (-3, (LineReason.DUE_SOON, 3)),
        (-2, None),
        (-1, (LineReason.DUE_SOON, 1)),
        (0, (LineReason.DUE_TODAY, 0)),
        (1, (LineReason.OVERDUE, -1)),
        (2, None),
        (3, (LineReason.OVERDUE, -3)),
        (4, None),
        (5, (LineReason.OVERDUE, -5)),
    ],
)
def test_due_rule_on_each_day(offset, expected):
    assert due_reason(DUE, [day(offset)], P) == expected


@pytest.mark.parametrize(
    ("offset", "fires"), [(3, False), (4, True), (5, False), (7, True), (10, True)]
)
def test_escalation_after_three_days_then_every_three(offset, fires):
    assert escalates(DUE, [day(offset)], P) is fires


@pytest.mark.parametrize(
    ("quiet", "fires"), [(13, False), (14, True), (15, False), (21, True), (28, True)]
)
def test_request_to_report_after_fourteen_quiet_days_then_weekly(quiet, fires):
    last_update = date(2026, 3, 1)
    assert stale(last_update, [last_update + timedelta(days=quiet)], P) is fires


def test_window_is_today_the_first_time_then_every_day_since_the_last_run():
    today = date(2026, 3, 12)
    assert window(None, today, 31) == [today]
    assert window(today, today, 31) == []
    assert window(date(2026, 3, 9), today, 31) == [date(2026, 3, 10), date(2026, 3, 11), today]
    assert len(window(date(2025, 1, 1), today, 31)) == 31


def test_a_missed_threshold_is_caught_up_and_reported_as_things_stand_today():
    # The scheduler was down on the 3-days-before day; the next run still reminds.
    days = window(day(-4), day(-2), 31)  # covers day -3
    assert due_reason(DUE, days, P) == (LineReason.DUE_SOON, 2)
    assert due_reason(DUE, [day(-2)], P) is None
