"""考核: the departments of a city ranked per month on how they deliver.

For each department, over the month (up to today if the month is not over), counting its
items that were open at some time in it, as they stood in the month: their status and the
day they were done are read from the history, so a month that is over keeps its figures
(an item cancelled by the month's end does not count; one cancelled later does):

- on time: of its items due in the month, the share done (submitted or verified) on or
  before their due date;
- overdue item-days: for each item, the days of the month on which it was past due and
  not yet done, added up, per item;
- reports: the share of its items with at least one report by its owners (a status update
  by staff) in the month.

score = on-time share × W₁ + report share × W₂ − overdue item-days per item × W₃, with the
weights W₁, W₂, W₃ from the policy (/admin/policy; 60, 40 and 1 by default). A share with
nothing to measure (no item due in the month) counts as full. Equal scores share a rank.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..clock import office_zone
from ..extensions import db
from ..i18n import local_name
from ..models import ActionItem, City, Department, Role, Status, StatusUpdate, User
from ..reminders.policy import ReminderPolicy

DONE = (Status.AWAITING_VERIFICATION, Status.DONE)
PERIOD = re.compile(r"[0-9]{4}-[0-9]{2}")


@dataclass
class Standing:
    department: Department
    name: str
    items: int = 0
    due: int = 0
    on_time: int = 0
    overdue_days: int = 0
    reported: int = 0
    score: float = 0.0
    rank: int = 0
    previous_rank: int | None = None
    item_ids: list[int] = field(default_factory=list, repr=False)

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.due if self.due else 1.0

    @property
    def report_share(self) -> float:
        return self.reported / self.items if self.items else 1.0

    @property
    def overdue_days_per_item(self) -> float:
        return self.overdue_days / self.items if self.items else 0.0

    @property
    def change(self) -> int | None:
        """Places gained since the month before (negative: lost)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def month_of(period: str | None, today: date) -> tuple[date, date] | None:
    """The first and last day of "YYYY-MM" (this month when not given); None when it is not
    such a month, or one that has not begun."""
    if not period:
        return today.replace(day=1), last_day(today.replace(day=1))
    if not PERIOD.fullmatch(period):
        return None
    year, month = int(period[:4]), int(period[5:])
    if year < 2000 or not 1 <= month <= 12:
        return None
    first = date(year, month, 1)
    return None if first > today else (first, last_day(first))


def last_day(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def ranking(cities: list[City], first: date, today: date, policy: ReminderPolicy):
    """The standings of the departments of `cities` for the month starting `first`, with
    their rank the month before; departments with no item open in the month are left out."""
    known: dict = {}  # the items' status changes, read once for both months
    standings = _standings(cities, first, today, policy, known)
    earlier = _standings(cities, previous_month(first), today, policy, known)
    before = {s.department.id: s.rank for s in earlier}
    for standing in standings:
        standing.previous_rank = before.get(standing.department.id)
    return standings


@dataclass(frozen=True)
class AsOf:
    """An item as it stood at the end of a day, from its history: its status then, and the
    day it was last marked done (submitted or verified) without being reopened since."""

    status: Status
    done_on: date | None


def as_of(items, end: datetime, known: dict | None = None) -> dict[int, AsOf]:
    """Each of `items` (rows with id and status) as it stood at `end`, read from the history:
    a month that is over keeps its figures whatever happens to its items later. `known`:
    the status changes already read, kept across calls (the ranking reads two months)."""
    zone = office_zone()
    changes = known if known is not None else {}
    missing = [i.id for i in items if i.id not in changes]
    for item_id in missing:
        changes[item_id] = []
    if missing:
        # Only the changes of status: a report that keeps the status changes nothing here.
        for item_id, from_status, to_status, created_at in db.session.execute(
            select(
                StatusUpdate.item_id,
                StatusUpdate.from_status,
                StatusUpdate.to_status,
                StatusUpdate.created_at,
            )
            .where(
                StatusUpdate.item_id.in_(missing),
                or_(
                    StatusUpdate.from_status.is_(None),
                    StatusUpdate.from_status != StatusUpdate.to_status,
                ),
            )
            .order_by(StatusUpdate.item_id, StatusUpdate.created_at, StatusUpdate.id)
        ):
            changes[item_id].append((from_status, to_status, created_at))
    result = {}
    for item in items:
        status, done_on = None, None
        for from_status, to_status, created_at in changes[item.id]:
            if created_at >= end:
                if status is None:
                    status = from_status or Status.NOT_STARTED
                break
            status = to_status
            # The first day of the latest run of "done": a return or a reopening ends a run.
            if to_status not in DONE:
                done_on = None
            elif done_on is None:
                done_on = created_at.astimezone(zone).date()
        status = Status(status if status is not None else item.status)
        result[item.id] = AsOf(status, done_on if status in DONE else None)
    return result


def _standings(cities, first: date, today: date, policy: ReminderPolicy, known=None):
    last = min(last_day(first), today)
    if last < first:
        return []
    zone = office_zone()
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    departments = db.session.scalars(
        select(Department).where(Department.city_id.in_([c.id for c in cities]))
    ).all()
    city_names = {c.id: local_name(c) for c in cities}
    several = len(cities) > 1
    standings = {
        d.id: Standing(
            d,
            _("%(department)s (%(city)s)", department=local_name(d), city=city_names[d.city_id])
            if several
            else local_name(d),
        )
        for d in departments
    }
    items = db.session.execute(
        select(
            ActionItem.id,
            ActionItem.department_id,
            ActionItem.status,
            ActionItem.due_on,
        ).where(ActionItem.department_id.in_(list(standings)), ActionItem.created_at < end)
    ).all()
    then = as_of(items, end, known)
    # Reports are what the owners send: a supervisor's return or verification is not one.
    reported = set(
        db.session.scalars(
            select(StatusUpdate.item_id)
            .join(User, User.id == StatusUpdate.author_id)
            .where(
                StatusUpdate.item_id.in_([i.id for i in items]),
                StatusUpdate.created_at >= start,
                StatusUpdate.created_at < end,
                User.role == Role.STAFF,
            )
        )
    )
    for item in items:
        state = then[item.id]
        if state.status == Status.CANCELLED:
            continue  # cancelled by the month's end
        done_on = state.done_on
        if done_on is not None and done_on < first:
            continue  # done before the month: not the month's work
        standing = standings[item.department_id]
        standing.items += 1
        standing.reported += item.id in reported
        if item.due_on is None:
            continue
        if first <= item.due_on <= last:
            standing.due += 1
            standing.on_time += done_on is not None and done_on <= item.due_on
        late_from = max(item.due_on + timedelta(days=1), first)
        late_to = min(last, done_on - timedelta(days=1)) if done_on else last
        standing.overdue_days += max(0, (late_to - late_from).days + 1)
    ranked = [s for s in standings.values() if s.items]
    for s in ranked:
        s.score = round(
            s.on_time_share * policy.rank_on_time
            + s.report_share * policy.rank_reports
            - s.overdue_days_per_item * policy.rank_overdue_day,
            1,
        )
    ranked.sort(key=lambda s: (-s.score, s.name))
    for position, s in enumerate(ranked, start=1):
        same = position > 1 and s.score == ranked[position - 2].score
        s.rank = ranked[position - 2].rank if same else position
    return ranked
