"""Board numbers as aggregates: one GROUP BY query per table, whatever the number of items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import joinedload

from ..clock import office_zone
from ..extensions import db
from ..i18n import local_name
from ..items.rules import (
    ATTENTION,
    OPEN,
    Light,
    area_light,
    attention_sql,
    due_soon_sql,
    last_update_sql,
    light_sql,
    stale_sql,
)
from ..models import (
    ActionItem,
    City,
    Department,
    Directive,
    Milestone,
    Status,
    StatusUpdate,
)
from ..reminders.policy import ReminderPolicy

UPDATED_DAYS = 30


@dataclass
class BoardRow:
    """A board's figures for one group of items (a city, a department, a directive). Sums
    and counts, so that rows add up exactly (`total_row`); averages are derived."""

    key: int | None
    name: str
    note: str = ""  # what the figures include, or belong to: shown after the name
    counts: dict[Status, int] = field(default_factory=dict)
    counted: int = 0  # the items completion counts (all but the cancelled)
    completion_sum: float = 0.0
    existed: int = 0  # of those, the items that existed a week ago
    completion_then_sum: float = 0.0  # their completion a week ago
    # Their completion now: the change compares like with like.
    completion_now_of_then_sum: float = 0.0
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
    def completion(self) -> float:
        return self.completion_sum / self.counted if self.counted else 0.0

    @property
    def completion_week_ago(self) -> float:
        return self.completion_then_sum / self.existed if self.existed else 0.0

    @property
    def change(self) -> float:
        """Percentage points gained since a week ago, by the items that existed then."""
        if not self.existed:
            return 0.0
        return (self.completion_now_of_then_sum - self.completion_then_sum) / self.existed

    @property
    def label(self) -> str:
        """The name with its note, where there is no room to set the note apart."""
        return f"{self.name} ({self.note})" if self.note else self.name

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


def board(
    scope, group_column, today: date, amber_days: int, policy: ReminderPolicy, *more_columns
) -> dict:
    """The board's numbers per value of `group_column` (a city or department id), or per
    tuple of values with `more_columns`, for the items matching `scope`. Cancelled items
    count in the status totals only. Overdue and amber follow the light (`amber_days`), due
    soon and stale the rules beside it (`policy` gives the stale days)."""
    now_shares, then_shares = _milestone_shares(None), _milestone_shares(today - timedelta(7))
    week_ago = start_of(today - timedelta(days=7))
    light = light_sql(today, amber_days)
    is_open = ActionItem.status.in_(OPEN)
    counted = ActionItem.status != Status.CANCELLED
    existed = and_(counted, ActionItem.created_at < week_ago)

    def number(condition):
        return func.sum(case((condition, 1), else_=0))

    def total(condition, value):
        return func.coalesce(func.sum(case((condition, value), else_=0.0)), 0.0)

    completion_now = _completion(now_shares, ActionItem.progress)
    status_columns = [number(ActionItem.status == s).label(f"n_{s}") for s in Status]
    rows = db.session.execute(
        select(
            group_column.label("key"),
            *(column.label(f"key{n}") for n, column in enumerate(more_columns, start=1)),
            *status_columns,
            number(counted).label("counted"),
            total(counted, completion_now).label("completion_sum"),
            number(existed).label("existed"),
            total(
                existed, _completion(then_shares, func.coalesce(_progress_as_of(week_ago), 0))
            ).label("completion_then_sum"),
            total(existed, completion_now).label("completion_now_of_then_sum"),
            number(and_(is_open, light == "red")).label("overdue"),
            number(and_(is_open, light == "amber")).label("amber"),
            number(due_soon_sql(today, amber_days)).label("due_soon"),
            number(stale_sql(today, policy)).label("stale"),
            number(is_open).label("open"),
            number(
                and_(is_open, last_update_sql() >= start_of(today - timedelta(UPDATED_DAYS)))
            ).label("updated"),
        )
        .select_from(ActionItem)
        .outerjoin(now_shares, now_shares.c.item_id == ActionItem.id)
        .outerjoin(then_shares, then_shares.c.item_id == ActionItem.id)
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
            counted=int(row.counted or 0),
            completion_sum=float(row.completion_sum or 0),
            existed=int(row.existed or 0),
            completion_then_sum=float(row.completion_then_sum or 0),
            completion_now_of_then_sum=float(row.completion_now_of_then_sum or 0),
            overdue=int(row.overdue or 0),
            amber=int(row.amber or 0),
            due_soon=int(row.due_soon or 0),
            stale=int(row.stale or 0),
            open=int(row.open or 0),
            updated_recently=int(row.updated or 0),
        )
    return result


SUMMED = (
    "counted",
    "completion_sum",
    "existed",
    "completion_then_sum",
    "completion_now_of_then_sum",
    "overdue",
    "amber",
    "due_soon",
    "stale",
    "open",
    "updated_recently",
)


def total_row(rows: list[BoardRow], name: str, key=None) -> BoardRow:
    """The rows added up: the figures of all their items together."""
    total = BoardRow(key=key, name=name)
    for row in rows:
        for status, n in row.counts.items():
            total.counts[status] = total.counts.get(status, 0) + n
        for attr in SUMMED:
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return total


def city_rows(
    cities: list[City], scope, today: date, amber_days: int, policy: ReminderPolicy
) -> list[BoardRow]:
    """One row per city, in the order given. A city's figures are its own items and those of
    its sub-units among `cities`, the same on both boards and in the API; a sub-unit has its
    own row as well, noted as under its parent."""
    return _city_figures(cities, board(scope, ActionItem.city_id, today, amber_days, policy))


def _city_figures(cities: list[City], own: dict[int, BoardRow]) -> list[BoardRow]:
    """Rows for `cities` from each city's own figures (`own`, by city id): a city's row adds
    its listed sub-units' figures to its own, in the same order on every page."""
    listed = {c.id: c for c in cities}
    rows = []
    for city in cities:
        units = [c for c in cities if c.parent_id == city.id]
        parts = [own[c.id] for c in [city, *units] if c.id in own]
        row = total_row(parts, local_name(city), key=city.id)
        row.extra["city"] = city
        if units:
            names = format_list([local_name(u) for u in units], locale=get_locale() or "en")
            row.note = _("incl. %(units)s", units=names)
            row.extra.update(units=units, unit_names=names)
        parent = listed.get(city.parent_id)
        if parent is not None:
            row.note = _("under %(parent)s", parent=local_name(parent))
            row.extra["parent"] = parent
        rows.append(row)
    return rows


def department_rows(
    scope, today: date, amber_days: int, policy: ReminderPolicy, home: City
) -> list[BoardRow]:
    numbers = board(scope, ActionItem.department_id, today, amber_days, policy)
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
        else:
            row.name = local_name(department)
            if department.city_id != home.id:
                row.note = local_name(department.city)
        row.extra["department"] = department
        rows.append(row)
    return sorted(rows, key=lambda r: (r.name, r.note))


def directive_rows(
    scope, today: date, amber_days: int, policy: ReminderPolicy
) -> tuple[list[BoardRow], int]:
    """The directives that most need attention (most overdue, then least complete), at most
    LIST_LENGTH in the order of their speeches, and how many directives there are."""
    numbers = board(scope, ActionItem.directive_id, today, amber_days, policy)
    count = len(numbers)
    worst = sorted(numbers.items(), key=lambda kv: (-kv[1].overdue, kv[1].completion, kv[0]))
    numbers = dict(worst[:LIST_LENGTH])
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
    rows.sort(key=lambda r: (r.extra["directive"].speech_id, r.extra["directive"].position))
    return rows, count


def shared_directives(
    cities: list[City], scope, today: date, amber_days: int, policy: ReminderPolicy
) -> list[tuple[Directive, list[BoardRow]]]:
    """Directives tracked in more than one city, with each city's numbers side by side,
    figured as in `city_rows`."""
    shared = (
        db.session.execute(
            select(ActionItem.directive_id)
            .where(scope)
            .group_by(ActionItem.directive_id)
            .having(func.count(func.distinct(ActionItem.city_id)) > 1)
        )
        .scalars()
        .all()
    )
    if not shared:
        return []
    numbers = board(
        and_(scope, ActionItem.directive_id.in_(shared)),
        ActionItem.directive_id,
        today,
        amber_days,
        policy,
        ActionItem.city_id,
    )
    directives = {
        d.id: d for d in db.session.scalars(select(Directive).where(Directive.id.in_(shared)))
    }
    result = []
    for directive_id in shared:
        own = {city_id: row for (d, city_id), row in numbers.items() if d == directive_id}
        rows = [row for row in _city_figures(cities, own) if row.total]
        result.append((directives[directive_id], rows))
    return result


@dataclass
class ItemList:
    total: int
    first: list[ActionItem]  # the first LIST_LENGTH by due date; the item list has the rest


LIST_LENGTH = 20


def item_lists(scope, today: date, amber_days: int, policy: ReminderPolicy) -> dict[str, ItemList]:
    """The overdue, due-soon and stale items: how many, and the first few with their owners."""
    result = {}
    for key in ATTENTION:
        wanted = and_(scope, attention_sql(key, today, amber_days, policy))
        total = db.session.scalar(select(func.count(ActionItem.id)).where(wanted))
        first = db.session.scalars(
            select(ActionItem)
            .options(joinedload(ActionItem.responsible), joinedload(ActionItem.department))
            .where(wanted)
            .order_by(ActionItem.due_on, ActionItem.id)
            .limit(LIST_LENGTH)
        ).all()
        result[key] = ItemList(total, list(first))
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


def timeline(scope, today: date, days: int = 90) -> Timeline:
    """Due dates of open items and their open milestones within the next `days` days: how
    many on each day, and the first few."""
    end = today + timedelta(days=days)
    items = and_(
        scope, ActionItem.status.in_(OPEN), ActionItem.due_on >= today, ActionItem.due_on <= end
    )
    milestones = and_(
        scope,
        ActionItem.status.in_(OPEN),
        Milestone.done_on.is_(None),
        Milestone.due_on >= today,
        Milestone.due_on <= end,
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
