"""督查通报: a city's month on paper (with its sub-units): the figures, the departments
ranked (tracker/boards/ranking.py), the overdue items by name, and what was closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
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
    last = min(ranking.last_day(first), today)
    cities = within(city)
    zone = office_zone()
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    mine = select(ActionItem).where(
        ActionItem.city_id.in_(cities), ActionItem.status != Status.CANCELLED
    )
    by_status = dict(
        db.session.execute(
            select(ActionItem.status, func.count())
            .where(ActionItem.city_id.in_(cities), ActionItem.created_at < end)
            .group_by(ActionItem.status)
        ).all()
    )
    closed_in_month = mine.where(
        ActionItem.status == Status.DONE,
        ActionItem.verified_on >= first,
        ActionItem.verified_on <= last,
    )
    overdue = mine.where(ActionItem.status.in_(OPEN), ActionItem.due_on < last)
    figures = Figures(
        by_status={status: by_status.get(status, 0) for status in Status},
        total=sum(by_status.values()),
        new=_count(mine.where(ActionItem.created_at >= start, ActionItem.created_at < end)),
        closed=_count(closed_in_month),
        overdue=_count(overdue),
    )
    named = (
        joinedload(ActionItem.department),
        joinedload(ActionItem.responsible),
        joinedload(ActionItem.city),
    )
    late = db.session.scalars(
        overdue.options(*named).order_by(ActionItem.due_on, ActionItem.id).limit(NAMED)
    ).all()
    closed = db.session.scalars(
        closed_in_month.options(*named).order_by(ActionItem.verified_on, ActionItem.id).limit(NAMED)
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
        today=today,
    )


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))
