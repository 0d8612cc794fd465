"""What a board lists: the items needing attention, the coming deadlines and the latest
updates; each list its first LIST_LENGTH entries with how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import joinedload

from ..database import unindexed
from ..extensions import db
from ..items.rules import ATTENTION, OPEN, attention_sql
from ..models import ActionItem, Milestone, StatusUpdate
from .figures import LIST_LENGTH, BoardRow, Frame

LONG_AGO = datetime(1900, 1, 1, tzinfo=UTC)  # before any update


@dataclass
class ItemList:
    total: int
    first: list[ActionItem]  # the first ITEMS_SHOWN by due date; the item list has the rest


# Items of each of the board's seven lists shown on it, the most pressing first: a glance at
# the top of each list; the link under it opens the item list filtered by the same rule.
ITEMS_SHOWN = 10


def item_lists(frame: Frame, counted: BoardRow) -> dict[str, ItemList]:
    """The overdue, due-soon and stale items: how many (the board's figures for the same
    items, `counted`, by the same rules), and the first few with their owners; so too the
    items awaiting acknowledgement, those that missed a report and those extended."""
    rules = {
        key: attention_sql(key, frame.today, frame.amber_days, frame.policy) for key in ATTENTION
    }
    totals = {key: getattr(counted, key) for key in ATTENTION if hasattr(counted, key)}
    cycle = [key for key in ATTENTION if key not in totals]  # the 督办 cycle's: one query
    sums = db.session.execute(
        select(*(func.coalesce(func.sum(case((rules[key], 1), else_=0)), 0) for key in cycle))
        .select_from(ActionItem)
        .where(frame.where)
    ).one()
    totals.update(zip(cycle, sums, strict=True))
    result = {}
    for key in ATTENTION:
        first = db.session.scalars(
            select(ActionItem)
            .options(joinedload(ActionItem.responsible), joinedload(ActionItem.department))
            .where(frame.where, rules[key])
            .order_by(ActionItem.due_on, ActionItem.id)
            .limit(ITEMS_SHOWN)
        ).all()
        result[key] = ItemList(totals[key], list(first))
    return result


@dataclass
class Deadline:
    on: date
    title: str
    item: ActionItem
    milestone: Milestone | None = None


@dataclass
class Timeline:
    days: int
    per_day: dict[date, tuple[int, int]]  # item deadlines and milestones on each day
    first: list[Deadline]  # the first LIST_LENGTH of them
    start: date
    end: date

    @property
    def total(self) -> int:
        return sum(items + milestones for items, milestones in self.per_day.values())


def timeline(frame: Frame, days: int = 90) -> Timeline:
    """Due dates of open items and their open milestones within the next `days` days: how
    many on each day, and the first few."""
    scope, today = frame.where, frame.today
    end = today + timedelta(days=days)
    items = and_(
        scope, ActionItem.status.in_(OPEN), ActionItem.due_on >= today, ActionItem.due_on <= end
    )
    milestones = and_(
        scope,
        ActionItem.status.in_(OPEN),
        Milestone.done_on.is_(None),
        # From the city's items to their milestones: SQLite would read every city's
        # milestones of the next days by date (20 ms against 1 ms at 20,000 items).
        unindexed(Milestone.due_on) >= today,
        unindexed(Milestone.due_on) <= end,
    )
    per_day: dict[date, tuple[int, int]] = {}
    for day, count in db.session.execute(
        select(ActionItem.due_on, func.count()).where(items).group_by(ActionItem.due_on)
    ):
        per_day[day] = (count, 0)
    for day, count in db.session.execute(
        select(Milestone.due_on, func.count())
        .join(Milestone.item)
        .where(milestones)
        .group_by(Milestone.due_on)
    ):
        per_day[day] = (per_day.get(day, (0, 0))[0], count)
    first = [
        Deadline(i.due_on, i.title, i)
        for i in db.session.scalars(
            select(ActionItem)
            .where(items)
            .order_by(ActionItem.due_on, ActionItem.id)
            .limit(LIST_LENGTH)
        )
    ]
    first += [
        Deadline(m.due_on, m.title, i, m)
        for m, i in db.session.execute(
            select(Milestone, ActionItem)
            .join(Milestone.item)
            .where(milestones)
            .order_by(Milestone.due_on, Milestone.id)
            .limit(LIST_LENGTH)
        )
    ]
    first.sort(key=lambda e: (e.on, e.title))
    return Timeline(days, per_day, first[:LIST_LENGTH], today, end)


def recent_updates(frame: Frame, limit: int = 10) -> list[StatusUpdate]:
    """The latest `limit` updates: they belong to the items whose kept last update is among
    the `limit` latest (ties included), so only those items' history is read."""
    updated = and_(frame.where, ActionItem.last_update_at > ActionItem.created_at)
    threshold = (
        select(ActionItem.last_update_at)
        .where(updated)
        .order_by(ActionItem.last_update_at.desc())
        .offset(limit - 1)
        .limit(1)
        .scalar_subquery()
    )
    # One comparison (not "no threshold, or at least it"), so that the city's index on its
    # last updates reads only the latest items: the OR made PostgreSQL filter every item.
    since = func.coalesce(threshold, literal(LONG_AGO, ActionItem.last_update_at.type))
    latest = select(ActionItem.id).where(updated, ActionItem.last_update_at >= since)
    return db.session.scalars(
        select(StatusUpdate)
        .options(joinedload(StatusUpdate.author), joinedload(StatusUpdate.item))
        .where(StatusUpdate.item_id.in_(latest))
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(limit)
    ).all()
