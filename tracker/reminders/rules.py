"""When a rule fires, for a window of days: pure functions, tested as tables.

A window is the days since planning last ran for a recipient, up to and including today,
so a day the scheduler was down is caught up: a threshold that fell in the gap still fires.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from ..items.rules import is_stale
from ..models import LineReason
from ..workdays import count_days, is_workday
from .policy import ReminderPolicy


def is_open(day: date, policy: ReminderPolicy) -> bool:
    """May reminders go out on `day`?"""
    return not policy.working_days or is_workday(day)


def count(start: date, end: date, policy: ReminderPolicy) -> int:
    """Days from `start` to `end` (negative if `end` is earlier), as the policy counts them."""
    return count_days(start, end, working=policy.working_days)


def window(last_planned: date | None, today: date, longest: int) -> list[date]:
    """The days to evaluate: after `last_planned` up to `today` (just today the first time)."""
    if last_planned is None or last_planned >= today:
        return [today] if last_planned is None else []
    start = max(last_planned + timedelta(days=1), today - timedelta(days=longest - 1))
    return [start + timedelta(days=n) for n in range((today - start).days + 1)]


def due_reason(
    due: date, days: Sequence[date], policy: ReminderPolicy
) -> tuple[LineReason, int] | None:
    """For the owners of something due on `due`: a reminder if any day in the window hits a
    threshold (7/3/1 days before, the day itself, every other day while overdue). The line
    says how things stand on the last day of the window."""

    def hits(left: int) -> bool:
        if left > 0:
            return left in policy.before_days
        if left == 0:
            return policy.on_the_day
        return (-left - 1) % policy.overdue_every == 0

    open_days = [day for day in days if is_open(day, policy)]
    if not any(hits(count(day, due, policy)) for day in open_days):
        return None
    left = count(open_days[-1], due, policy)
    if left > 0:
        return LineReason.DUE_SOON, left
    return (LineReason.DUE_TODAY, 0) if left == 0 else (LineReason.OVERDUE, left)


def escalates(due: date, days: Sequence[date], policy: ReminderPolicy) -> bool:
    """For supervisors: overdue by more than `escalate_after` days, on its own cadence."""
    for day in days:
        if not is_open(day, policy):
            continue
        late = count(due, day, policy) - policy.escalate_after
        if late > 0 and (late - 1) % policy.escalate_every == 0:
            return True
    return False


def stale(last_update: date, days: Sequence[date], policy: ReminderPolicy) -> bool:
    """For owners: the day their item turns stale (`is_stale`, the boards' rule too), and
    again every `stale_every` days while it stays so."""
    for day in days:
        if not is_open(day, policy) or not is_stale(last_update, day, policy):
            continue
        if (count(last_update, day, policy) - policy.stale_after) % policy.stale_every == 0:
            return True
    return False
