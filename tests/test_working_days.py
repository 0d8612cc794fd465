"""Reminders counted in working days of the mainland China calendar: the National Day week
is off, the make-up Saturday (调休) is a working day, and nothing goes out on a holiday."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Reminder, ReminderLine, ReminderState
from tracker.reminders.cli import end_of
from tracker.reminders.planning import plan_due
from tracker.reminders.policy import ReminderPolicy
from tracker.reminders.rules import count, due_reason, is_workday
from tracker.reminders.sending import send_due

WORKING = replace(ReminderPolicy(), working_days=True)
D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 26), True),  # Friday
        (D(2025, 9, 27), False),  # Saturday
        (D(2025, 9, 28), True),  # Sunday, made a working day (调休)
        (D(2025, 10, 1), False),  # National Day
        (D(2025, 10, 6), False),  # Mid-Autumn, in the same week off
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, made a working day (调休)
        (D(2025, 10, 12), False),
    ],
)
def test_the_calendar_knows_holidays_and_make_up_days(day, working):
    assert is_workday(day) is working


def test_counting_skips_the_holiday_week():
    assert count(D(2025, 9, 29), D(2025, 10, 10), WORKING) == 3  # 30 Sep, 9 and 10 Oct
    assert count(D(2025, 10, 10), D(2025, 9, 29), WORKING) == -3
    assert count(D(2025, 9, 29), D(2025, 10, 10), ReminderPolicy()) == 11


def test_three_working_days_before_falls_before_the_holiday_week():
    due = D(2025, 10, 10)
    firing = [
        due - timedelta(n) for n in range(20) if due_reason(due, [due - timedelta(n)], WORKING)
    ]
    assert D(2025, 9, 29) in firing and D(2025, 10, 7) not in firing  # calendar mode's day 3
    assert not any(D(2025, 10, 1) <= day <= D(2025, 10, 8) for day in firing)


def test_no_reminder_is_planned_or_sent_on_a_holiday(app, make_item, smtp_sink):
    from tracker.models import City, Department, Role, User

    app.config["REMINDER_POLICY"] = {"working_days": True}
    city = City(slug="jx", name="Jiaxing")
    owner = User(
        email="o@example.com",
        name="Owner",
        role=Role.STAFF,
        city=city,
        department=Department(city=city, slug="d", name="D"),
    )
    make_item(
        city=city,
        responsible=owner,
        status="in_progress",
        due_on=D(2025, 10, 10),
        start_on=D(2025, 9, 1),
        created_at=end_of(D(2025, 9, 20)),
    )
    db.session.commit()
    day = D(2025, 9, 26)
    while day <= D(2025, 10, 14):
        plan_due(end_of(day))
        db.session.commit()
        send_due(end_of(day), "s")
        day += timedelta(days=1)
    planned = sorted(db.session.scalars(select(ReminderLine.planned_on)))
    assert all(is_workday(d) for d in planned)
    sent_days = sorted(
        r.period_on
        for r in db.session.scalars(select(Reminder).where(Reminder.state == ReminderState.SENT))
    )
    assert sent_days and all(is_workday(d) for d in sent_days)
    # Counting working days back from Friday 10 October: 9 Oct (1), 30 Sep (2), 29 Sep (3),
    # Sunday 28 Sep, a make-up day (4), 26 Sep (5), 25 (6), 24 (7: before the replay). Late:
    # the make-up Saturday 11 Oct is day 1, Monday 13 day 2, Tuesday 14 day 3.
    assert sent_days == [
        D(2025, 9, 29),
        D(2025, 10, 9),
        D(2025, 10, 10),
        D(2025, 10, 11),
        D(2025, 10, 14),
    ]
    assert len(smtp_sink.messages) == 5
