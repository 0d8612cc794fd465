"""Planning the 督办 cycle's reminder lines, beside the due-date rules of planning.py: owners
of an item not acknowledged (签收) in time; owners of an item whose periodic report (定期报送)
is due within days; the city's supervisors the day after a reporting window closed without
a report. Two queries of plain rows, whatever the data size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import and_, select

from ..access import published_directives
from ..clock import office_zone
from ..extensions import db
from ..items.reporting import filled, last_closed, report_days, window_of
from ..items.rules import OPEN, acknowledgement_late, unacknowledged_sql
from ..models import ActionItem, LineReason, User
from ..workdays import count_days
from .policy import ReminderPolicy
from .rules import is_open

REPORT_LOOKBACK_DAYS = 200  # reports older than two quarters fill no window still checked


def cycle_lines(
    items: dict,
    days: dict[int, list[date]],
    route: Callable[[User, date], User | None],
    supervisors: dict[int, list[User]],
    by_id: dict[int, User],
    policy: ReminderPolicy,
    line: Callable,
) -> list:
    """The lines of the cycle's rules for the open `items` (planning's rows by id), in each
    recipient's window of `days`; `route` sends an owner's line to their delegate, `line`
    makes a PlannedLine."""
    lines = []
    wanted = and_(ActionItem.status.in_(OPEN), ActionItem.directive_id.in_(published_directives()))
    zone = office_zone()
    for item_id, assigned_at in db.session.execute(
        select(ActionItem.id, ActionItem.assigned_at).where(wanted, unacknowledged_sql())
    ):
        item = items.get(item_id)
        if item is None:
            continue
        assigned_on = assigned_at.astimezone(zone).date()
        for owner in _owners(item.lead_ids, by_id):
            window = days.get(owner.id)
            if not window or not any(
                is_open(d, policy) and acknowledgement_late(assigned_on, d, policy) for d in window
            ):
                continue
            recipient = route(owner, window[-1])
            if recipient is not None:
                waited = count_days(assigned_on, window[-1], working=True)
                lines.append(
                    line(recipient, item, LineReason.ACKNOWLEDGE, waited, window[-1], owner)
                )

    cycles = {
        item_id: (cycle, since)
        for item_id, cycle, since in db.session.execute(
            select(ActionItem.id, ActionItem.reporting_cycle, ActionItem.reporting_since).where(
                wanted,
                ActionItem.reporting_cycle.is_not(None),
                ActionItem.reporting_since.is_not(None),
            )
        )
    }
    latest = max((w[-1] for w in days.values() if w), default=None)
    if not cycles or latest is None:
        return lines
    reports = report_days(list(cycles), latest - timedelta(days=REPORT_LOOKBACK_DAYS))
    for item_id, (cycle, began) in cycles.items():
        item = items.get(item_id)
        if item is None:
            continue
        reported = reports.get(item_id, [])
        for owner in _owners(item.owner_ids, by_id):
            window_days = days.get(owner.id)
            if not window_days:
                continue
            period = window_of(cycle, window_days[-1], policy.report_by_day)
            left = (period.closes - window_days[-1]).days
            fires = any(
                (period.closes - d).days in (policy.report_warn_days, 0)
                for d in window_days
                if period.start <= d <= period.closes
            )
            if fires and left >= 0 and not filled(period, reported) and began <= period.closes:
                recipient = route(owner, window_days[-1])
                if recipient is not None:
                    lines.append(
                        line(recipient, item, LineReason.REPORT_DUE, left, window_days[-1], owner)
                    )
        for supervisor in supervisors.get(item.city_id, []):
            window_days = days.get(supervisor.id)
            if not window_days:
                continue
            closed = last_closed(cycle, window_days[-1], policy.report_by_day)
            day_after = closed.closes + timedelta(days=1)
            if (
                window_days[0] <= day_after <= window_days[-1]
                and began <= closed.closes
                and not filled(closed, reported)
            ):
                late = (window_days[-1] - closed.closes).days
                lines.append(
                    line(supervisor, item, LineReason.REPORT_MISSED, -late, window_days[-1], None)
                )
    return lines


def _owners(ids, by_id: dict[int, User]) -> list[User]:
    return [by_id[i] for i in ids if i in by_id]
