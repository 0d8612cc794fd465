"""Board numbers as aggregates: one GROUP BY query per table, whatever the number of items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import joinedload

from ..clock import office_zone
from ..extensions import db
from ..items.rules import OPEN, Light, area_light, light_sql
from ..models import (
    ActionItem,
    City,
    Department,
    Directive,
    Milestone,
    Status,
    StatusUpdate,
)

STALE_DAYS = 14
UPDATED_DAYS = 30


@dataclass
class BoardRow:
    key: int | None
    name: str
    counts: dict[Status, int] = field(default_factory=dict)
    completion: float = 0.0
    completion_week_ago: float = 0.0
    # The completion now of the items that existed a week ago: the change compares like with like.
    completion_now_of_then: float = 0.0
    overdue: int = 0
    amber: int = 0
    due_soon: int = 0
    stale: int = 0
    open: int = 0
    updated_recently: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def change(self) -> float:
        """Percentage points gained since a week ago, by the items that existed then."""
        return self.completion_now_of_then - self.completion_week_ago

    @property
    def updated_share(self) -> float:
        return 100 * self.updated_recently / self.open if self.open else 0.0

    @property
    def light(self) -> Light:
        return area_light(self.open, self.overdue, self.amber)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), office_zone())


def _milestone_shares(cutoff: date | None):
    """Per item: total milestone weight, and the weight done (by `cutoff`, if given)."""
    done = Milestone.done_on.is_not(None)
    if cutoff is not None:
        done = and_(done, Milestone.done_on < cutoff)
    return (
        select(
            Milestone.item_id.label("item_id"),
            func.sum(Milestone.weight).label("total"),
            func.sum(case((done, Milestone.weight), else_=0)).label("done"),
        )
        .group_by(Milestone.item_id)
        .subquery()
    )


def _completion(shares, progress, *, as_of: bool = False):
    """An item's completion: its milestones' done weight where it has milestones, else its
    reported progress; 100 when done (now; `as_of` a past moment, the history decides)."""
    whens = [] if as_of else [(ActionItem.status == Status.DONE, 100.0)]
    return case(
        *whens,
        (func.coalesce(shares.c.total, 0) > 0, 100.0 * shares.c.done / shares.c.total),
        else_=cast(progress, Float),
    )


def _progress_as_of(moment: datetime):
    """The progress an item had reported before `moment` (a correlated subquery)."""
    return (
        select(StatusUpdate.to_progress)
        .where(StatusUpdate.item_id == ActionItem.id, StatusUpdate.created_at < moment)
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def board(scope, group_column, today: date, amber_days: int, *more_columns) -> dict:
    """The board's numbers per value of `group_column` (a city or department id), or per
    tuple of values with `more_columns`, for the items matching `scope`. Cancelled items
    count in the status totals only."""
    now_shares, then_shares = _milestone_shares(None), _milestone_shares(today - timedelta(7))
    week_ago = start_of(today - timedelta(days=7))
    last_update = (
        select(StatusUpdate.item_id, func.max(StatusUpdate.created_at).label("at"))
        .group_by(StatusUpdate.item_id)
        .subquery()
    )
    light = light_sql(today, amber_days)
    is_open = ActionItem.status.in_(OPEN)
    counted = ActionItem.status != Status.CANCELLED
    existed = ActionItem.created_at < week_ago
    quiet_since = func.coalesce(last_update.c.at, ActionItem.created_at)
    status_columns = [
        func.sum(case((ActionItem.status == s, 1), else_=0)).label(f"n_{s}") for s in Status
    ]
    rows = db.session.execute(
        select(
            group_column.label("key"),
            *(column.label(f"key{n}") for n, column in enumerate(more_columns, start=1)),
            *status_columns,
            func.avg(case((counted, _completion(now_shares, ActionItem.progress)))).label(
                "completion"
            ),
            func.avg(
                case(
                    (
                        and_(counted, existed),
                        _completion(then_shares, func.coalesce(_progress_as_of(week_ago), 0)),
                    )
                )
            ).label("completion_then"),
            func.avg(
                case((and_(counted, existed), _completion(now_shares, ActionItem.progress)))
            ).label("completion_now_of_then"),
            func.sum(case((and_(is_open, light == "red"), 1), else_=0)).label("overdue"),
            func.sum(case((and_(is_open, light == "amber"), 1), else_=0)).label("amber"),
            func.sum(
                case(
                    (
                        and_(
                            is_open,
                            ActionItem.due_on >= today,
                            ActionItem.due_on <= today + timedelta(days=7),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("due_soon"),
            func.sum(
                case(
                    (and_(is_open, quiet_since < start_of(today - timedelta(STALE_DAYS))), 1),
                    else_=0,
                )
            ).label("stale"),
            func.sum(case((is_open, 1), else_=0)).label("open"),
            func.sum(
                case(
                    (and_(is_open, quiet_since >= start_of(today - timedelta(UPDATED_DAYS))), 1),
                    else_=0,
                )
            ).label("updated"),
        )
        .select_from(ActionItem)
        .outerjoin(now_shares, now_shares.c.item_id == ActionItem.id)
        .outerjoin(then_shares, then_shares.c.item_id == ActionItem.id)
        .outerjoin(last_update, last_update.c.item_id == ActionItem.id)
        .where(scope)
        .group_by(group_column, *more_columns)
    ).all()
    result = {}
    for row in rows:
        key = (row.key, *(getattr(row, f"key{n}") for n in range(1, len(more_columns) + 1)))
        key = key if more_columns else row.key
        result[key] = BoardRow(
            key=key,
            name="",
            counts={s: int(getattr(row, f"n_{s}") or 0) for s in Status},
            completion=float(row.completion or 0),
            completion_week_ago=float(row.completion_then or 0),
            completion_now_of_then=float(row.completion_now_of_then or 0),
            overdue=int(row.overdue or 0),
            amber=int(row.amber or 0),
            due_soon=int(row.due_soon or 0),
            stale=int(row.stale or 0),
            open=int(row.open or 0),
            updated_recently=int(row.updated or 0),
        )
    return result


def total_row(rows: list[BoardRow], name: str) -> BoardRow:
    """Sums of the rows; completion weighted by the items counted in each row."""
    total = BoardRow(key=None, name=name)
    weights = 0
    weights_then = 0
    for row in rows:
        counted = row.total - row.counts.get(Status.CANCELLED, 0)
        for status, n in row.counts.items():
            total.counts[status] = total.counts.get(status, 0) + n
        total.completion += row.completion * counted
        total.completion_week_ago += row.completion_week_ago * counted
        total.completion_now_of_then += row.completion_now_of_then * counted
        weights += counted
        weights_then += counted
        for attr in ("overdue", "amber", "due_soon", "stale", "open", "updated_recently"):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    if weights:
        total.completion /= weights
        total.completion_week_ago /= weights_then
        total.completion_now_of_then /= weights_then
    return total


def city_rows(cities: list[City], scope, today: date, amber_days: int) -> list[BoardRow]:
    numbers = board(scope, ActionItem.city_id, today, amber_days)
    rows = []
    for city in cities:
        row = numbers.get(city.id) or BoardRow(key=city.id, name=city.name)
        row.name = city.name
        row.extra["city"] = city
        rows.append(row)
    return rows


def department_rows(scope, today: date, amber_days: int, home: City) -> list[BoardRow]:
    numbers = board(scope, ActionItem.department_id, today, amber_days)
    departments = {
        d.id: d
        for d in db.session.scalars(
            select(Department)
            .options(joinedload(Department.city))
            .where(Department.id.in_([k for k in numbers if k is not None]))
        )
    }
    rows = []
    for key, row in numbers.items():
        department = departments.get(key)
        if department is None:
            row.name = str(_("Not assigned yet"))
        elif department.city_id == home.id:
            row.name = department.name
        else:
            row.name = f"{department.name} ({department.city.name})"
        row.extra["department"] = department
        rows.append(row)
    return sorted(rows, key=lambda r: r.name)


def directive_rows(scope, today: date, amber_days: int) -> list[BoardRow]:
    numbers = board(scope, ActionItem.directive_id, today, amber_days)
    directives = {
        d.id: d
        for d in db.session.scalars(
            select(Directive).options(joinedload(Directive.speech)).where(Directive.id.in_(numbers))
        )
    }
    rows = []
    for key, row in numbers.items():
        row.extra["directive"] = directives[key]
        row.name = directives[key].title
        rows.append(row)
    return sorted(
        rows, key=lambda r: (r.extra["directive"].speech_id, r.extra["directive"].position)
    )


def shared_directives(
    scope, today: date, amber_days: int
) -> list[tuple[Directive, list[BoardRow]]]:
    """Directives tracked in more than one city, with each city's numbers side by side."""
    pairs = (
        db.session.execute(
            select(ActionItem.directive_id)
            .where(scope)
            .group_by(ActionItem.directive_id)
            .having(func.count(func.distinct(ActionItem.city_id)) > 1)
        )
        .scalars()
        .all()
    )
    if not pairs:
        return []
    numbers = board(
        and_(scope, ActionItem.directive_id.in_(pairs)),
        ActionItem.directive_id,
        today,
        amber_days,
        ActionItem.city_id,
    )
    directives = {
        d.id: d for d in db.session.scalars(select(Directive).where(Directive.id.in_(pairs)))
    }
    cities = {c.id: c for c in db.session.scalars(select(City))}
    result = []
    for directive_id in pairs:
        rows = []
        for (row_directive, city_id), row in sorted(numbers.items()):
            if row_directive == directive_id:
                city = cities[city_id]
                row.name = city.name
                row.extra["city"] = city
                rows.append(row)
        result.append((directives[directive_id], rows))
    return result


def item_lists(scope, today: date, amber_days: int) -> dict[str, list[ActionItem]]:
    """The overdue, due-soon and stale items with their owners; deadlines and milestones of
    the next 90 days."""
    light = light_sql(today, amber_days)
    last_update = (
        select(StatusUpdate.item_id, func.max(StatusUpdate.created_at).label("at"))
        .group_by(StatusUpdate.item_id)
        .subquery()
    )
    base = (
        select(ActionItem)
        .options(joinedload(ActionItem.responsible), joinedload(ActionItem.department))
        .where(scope, ActionItem.status.in_(OPEN))
    )
    soon = today + timedelta(days=7)
    return {
        "overdue": db.session.scalars(
            base.where(light == "red").order_by(ActionItem.due_on, ActionItem.id)
        )
        .unique()
        .all(),
        "due_soon": db.session.scalars(
            base.where(ActionItem.due_on >= today, ActionItem.due_on <= soon).order_by(
                ActionItem.due_on, ActionItem.id
            )
        )
        .unique()
        .all(),
        "stale": db.session.scalars(
            base.outerjoin(last_update, last_update.c.item_id == ActionItem.id)
            .where(
                func.coalesce(last_update.c.at, ActionItem.created_at)
                < start_of(today - timedelta(STALE_DAYS))
            )
            .order_by(ActionItem.due_on, ActionItem.id)
        )
        .unique()
        .all(),
    }


@dataclass
class Deadline:
    on: date
    title: str
    item: ActionItem
    milestone: Milestone | None = None


def timeline(scope, today: date, days: int = 90) -> list[Deadline]:
    """Due dates of open items and their open milestones within the next `days` days."""
    end = today + timedelta(days=days)
    items = db.session.scalars(
        select(ActionItem).where(
            scope, ActionItem.status.in_(OPEN), ActionItem.due_on >= today, ActionItem.due_on <= end
        )
    ).all()
    milestones = db.session.execute(
        select(Milestone, ActionItem)
        .join(Milestone.item)
        .where(
            scope,
            ActionItem.status.in_(OPEN),
            Milestone.done_on.is_(None),
            Milestone.due_on >= today,
            Milestone.due_on <= end,
        )
    ).all()
    events = [Deadline(i.due_on, i.title, i) for i in items]
    events += [Deadline(m.due_on, m.title, i, m) for m, i in milestones]
    return sorted(events, key=lambda e: (e.on, e.title))


def recent_updates(scope, limit: int = 10) -> list[StatusUpdate]:
    return db.session.scalars(
        select(StatusUpdate)
        .join(StatusUpdate.item)
        .options(joinedload(StatusUpdate.author), joinedload(StatusUpdate.item))
        .where(scope)
        .order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
        .limit(limit)
    ).all()


def completion_history(scope, today: date, weeks: int = 8) -> list[tuple[date, float]]:
    """Average completion at the start of each of the last `weeks` weeks and today: one
    query per point, a fixed number."""
    points = []
    for n in range(weeks, -1, -1):
        day = today - timedelta(weeks=n)
        moment = start_of(day + timedelta(days=1))
        shares = _milestone_shares(day + timedelta(days=1))
        value = db.session.scalar(
            select(func.avg(_completion(shares, func.coalesce(_progress_as_of(moment), 0))))
            .select_from(ActionItem)
            .outerjoin(shares, shares.c.item_id == ActionItem.id)
            .where(scope, ActionItem.status != Status.CANCELLED, ActionItem.created_at < moment)
        )
        points.append((day, float(value or 0)))
    return points
