"""督查通报: a city's month on paper (with its sub-units): the figures, the departments
ranked (tracker/boards/ranking.py), the overdue items by name, and what was closed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access import within
from ..boards import ranking
from ..clock import office_zone
from ..extensions import db
from ..i18n import local_name
from ..items.rules import OPEN
from ..models import ActionItem, City, Status
from ..reminders.policy import ReminderPolicy
from .pdf import render_pdf

NAMED = 30  # overdue and closed items named at most; the rest are counted


@dataclass
class Figures:
    by_status: dict
    total: int
    new: int
    closed: int
    overdue: int


def bulletin_pdf(city: City, first: date, today: date, policy: ReminderPolicy) -> bytes:
    """The bulletin of `city` for the month starting `first`: as things stood at the month's
    end (read from the history, like the ranking), or today for the month under way."""
    last = min(ranking.last_day(first), today)
    zone = office_zone()
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    rows = db.session.execute(
        select(ActionItem.id, ActionItem.status, ActionItem.due_on, ActionItem.created_at).where(
            ActionItem.city_id.in_(within(city)), ActionItem.created_at < end
        )
    ).all()
    then = ranking.as_of(rows, end)
    by_status = Counter(then[r.id].status for r in rows)
    counted = [r for r in rows if then[r.id].status != Status.CANCELLED]
    late_ids = [
        r.id
        for r in counted
        if then[r.id].status in OPEN and r.due_on is not None and r.due_on < last
    ]
    closed_ids = [
        r.id
        for r in counted
        if then[r.id].status == Status.DONE and first <= then[r.id].done_on <= last
    ]
    figures = Figures(
        by_status={status: by_status.get(status, 0) for status in Status},
        total=len(rows),
        new=sum(1 for r in counted if r.created_at >= start),
        closed=len(closed_ids),
        overdue=len(late_ids),
    )
    named = (
        joinedload(ActionItem.department),
        joinedload(ActionItem.responsible),
        joinedload(ActionItem.city),
    )
    late = db.session.scalars(
        select(ActionItem)
        .options(*named)
        .where(ActionItem.id.in_(late_ids))
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(NAMED)
    ).all()
    closed = db.session.scalars(
        select(ActionItem)
        .options(*named)
        .where(ActionItem.id.in_(closed_ids))
        .order_by(ActionItem.id)
        .limit(NAMED)
    ).all()
    return render_pdf(
        "bulletin.html",
        city=city,
        office=local_name(city),
        first=first,
        last=last,
        figures=figures,
        standings=ranking.ranking([city, *city.sub_units], first, today, policy),
        policy=policy,
        late=late,
        closed=closed,
        done_on={i: then[i].done_on for i in closed_ids},
        today=today,
    )
