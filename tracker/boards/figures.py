"""Board figures as aggregates: one GROUP BY over the items' kept figures per table, and the
snapshot of a week ago beside it, whatever the number of items; a city's board costs what the
city holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.lists import format_list
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import joinedload

from ..access import visible_items
from ..clock import office_today
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..items.rules import OPEN, Light, area_light, due_soon_sql, light_sql, stale_sql
from ..models import ActionItem, BoardSnapshot, City, Department, Directive, Status, User
from ..reminders.policy import ReminderPolicy, current_policy
from . import history

UPDATED_DAYS = 30
LIST_LENGTH = 20  # rows of a long table, and items of a list, shown on a board


@dataclass(frozen=True)
class Frame:
    """What a board looks at: the items matching `where`, which lie in the cities `city_ids`
    (the snapshots are kept per city), on `today`, lit by `amber_days` and `policy`."""

    where: ColumnElement[bool]
    city_ids: tuple[int, ...]
    today: date
    amber_days: int
    policy: ReminderPolicy

    @property
    def week_ago(self) -> date:
        return self.today - timedelta(days=7)


def frame_for(user: User, city_ids: list[int]) -> Frame:
    """The items of the cities `city_ids` that `user` may see, today, by the office's rules;
    the past days' snapshots a board reads are made first if the scheduler has not."""
    today = office_today()
    history.make_snapshots(history.days_read(today), today)
    return Frame(
        visible_items(user) & ActionItem.city_id.in_(city_ids),
        tuple(city_ids),
        today,
        current_app.config["TRACKER_AMBER_DAYS"],
        current_policy(),
    )


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
    existed: int = 0  # the items counted at the end of the day a week ago, as they are now
    completion_now_of_then_sum: float = 0.0  # their completion now
    counted_then: int = 0  # the items counted at the end of that day (its snapshot)
    completion_then_sum: float = 0.0  # their completion then
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
        return self.completion_then_sum / self.counted_then if self.counted_then else 0.0

    @property
    def change(self) -> float:
        """Percentage points gained since a week ago by the items that existed then: their
        completion now against the day's snapshot."""
        if not self.existed or not self.counted_then:
            return 0.0
        return self.completion_now_of_then_sum / self.existed - self.completion_week_ago

    @property
    def label(self) -> str:
        """The name with its note, where there is no room to set the note apart."""
        return self.name + aside(self.note)

    @property
    def updated_share(self) -> float:
        return 100 * self.updated_recently / self.open if self.open else 0.0

    @property
    def light(self) -> Light:
        return area_light(self.open, self.overdue, self.amber)


SUMMED = (
    "counted",
    "completion_sum",
    "existed",
    "completion_now_of_then_sum",
    "counted_then",
    "completion_then_sum",
    "overdue",
    "amber",
    "due_soon",
    "stale",
    "open",
    "updated_recently",
)


def board(frame: Frame, *group_columns) -> dict:
    """The board's numbers per value of the group column (an item column: city, department or
    directive), or per tuple of values of several, for the items in `frame`. Cancelled items
    count in the status totals only. Overdue and amber follow the light, due soon and stale
    the rules beside it."""
    today, amber_days = frame.today, frame.amber_days
    light = light_sql(today, amber_days)
    is_open = ActionItem.status.in_(OPEN)
    counted = ActionItem.status != Status.CANCELLED
    # The items that existed at the end of the week-ago day, not cancelled by then (an item
    # cancelled since counts, with the completion it had): the snapshot's items.
    then = history.end_of(frame.week_ago)
    cancelled_then = and_(ActionItem.status == Status.CANCELLED, ActionItem.last_update_at < then)
    existed = and_(ActionItem.created_at < then, ~cancelled_then)
    recently = history.end_of(today - timedelta(days=UPDATED_DAYS + 1))

    def number(condition):
        return func.sum(case((condition, 1), else_=0))

    def total(condition, value):
        return func.coalesce(func.sum(case((condition, value), else_=0.0)), 0.0)

    keys = [column.label(f"key{n}") for n, column in enumerate(group_columns)]
    rows = db.session.execute(
        select(
            *keys,
            *(number(ActionItem.status == s).label(f"n_{s}") for s in Status),
            number(counted).label("counted"),
            total(counted, ActionItem.completion).label("completion_sum"),
            number(existed).label("existed"),
            total(existed, ActionItem.completion).label("completion_now_of_then_sum"),
            number(and_(is_open, light == "red")).label("overdue"),
            number(and_(is_open, light == "amber")).label("amber"),
            number(due_soon_sql(today, amber_days)).label("due_soon"),
            number(stale_sql(today, frame.policy)).label("stale"),
            number(is_open).label("open"),
            number(and_(is_open, ActionItem.last_update_at >= recently)).label("updated"),
        )
        .where(frame.where)
        .group_by(*group_columns)
    ).all()
    result = {}
    for row in rows:
        key = tuple(getattr(row, f"key{n}") for n in range(len(group_columns)))
        key = key if len(key) > 1 else key[0]
        result[key] = BoardRow(
            key=key,
            name="",
            counts={s: int(getattr(row, f"n_{s}") or 0) for s in Status},
            counted=int(row.counted or 0),
            completion_sum=float(row.completion_sum or 0),
            existed=int(row.existed or 0),
            completion_now_of_then_sum=float(row.completion_now_of_then_sum or 0),
            overdue=int(row.overdue or 0),
            amber=int(row.amber or 0),
            due_soon=int(row.due_soon or 0),
            stale=int(row.stale or 0),
            open=int(row.open or 0),
            updated_recently=int(row.updated or 0),
        )
    for key, (count, completion) in _snapshot(frame, frame.week_ago, group_columns).items():
        # A group with no items left today keeps its week-ago figures (its total is 0), so
        # that rows added up by `by` are those of the coarser grouping.
        row = result.setdefault(key, BoardRow(key=key, name=""))
        row.counted_then, row.completion_then_sum = count, completion
    return result


def by(numbers: dict[tuple, BoardRow], position: int) -> dict:
    """Rows of `board` grouped by several columns, added up by the column at `position`:
    one aggregate query serves the city, department and directive tables."""
    groups: dict = {}
    for key, row in numbers.items():
        groups.setdefault(key[position], []).append(row)
    return {key: total_row(rows, "", key=key) for key, rows in groups.items()}


def _snapshot(frame: Frame, day: date, group_columns) -> dict:
    """The snapshot of `day` (made by `frame_for`) for the cities of `frame`, grouped like
    the items."""
    columns = [getattr(BoardSnapshot, column.key) for column in group_columns]
    rows = db.session.execute(
        select(*columns, func.sum(BoardSnapshot.items), func.sum(BoardSnapshot.completion_sum))
        .where(BoardSnapshot.day == day, BoardSnapshot.city_id.in_(frame.city_ids))
        .group_by(*columns)
    )
    result = {}
    for *key, count, completion in rows:
        result[tuple(key) if len(key) > 1 else key[0]] = (int(count), float(completion))
    return result


def total_row(rows: list[BoardRow], name: str, key=None) -> BoardRow:
    """The rows added up: the figures of all their items together."""
    total = BoardRow(key=key, name=name)
    for row in rows:
        for status, n in row.counts.items():
            total.counts[status] = total.counts.get(status, 0) + n
        for attr in SUMMED:
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
    return total


def city_rows(frame: Frame, cities: list[City], numbers: dict | None = None) -> list[BoardRow]:
    """One row per city, in the order given. A city's figures are its own items and those of
    its sub-units among `cities`, the same on both boards and in the API; a sub-unit has its
    own row as well, noted as under its parent. `numbers`: `board` by city, if at hand."""
    return _city_figures(cities, numbers or board(frame, ActionItem.city_id))


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


def department_rows(frame: Frame, home: City, numbers: dict | None = None) -> list[BoardRow]:
    """The departments with items, by name. `numbers`: `board` by department, if at hand."""
    numbers = _with_items(numbers or board(frame, ActionItem.department_id))
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


def directive_rows(frame: Frame, numbers: dict | None = None) -> tuple[list[BoardRow], int]:
    """The directives that most need attention (most overdue, then least complete), at most
    LIST_LENGTH in the order of their speeches, and how many directives have items.
    `numbers`: `board` by directive, if at hand."""
    numbers = _with_items(numbers or board(frame, ActionItem.directive_id))
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


def _with_items(numbers: dict) -> dict:
    return {key: row for key, row in numbers.items() if row.total}


def shared_directives(
    cities: list[City], numbers: dict[tuple[int, int], BoardRow]
) -> tuple[list[BoardRow], int]:
    """The directives tracked in more than one city, from `board` by city and directive
    (`numbers`): each directive's figures over its cities (a row, noting how many cities and
    the one least complete), at most LIST_LENGTH of them (those that most need attention, in
    the order of their speeches), and how many there are. Each one's cities side by side:
    `directive_cities`."""
    by_directive: dict[int, dict[int, BoardRow]] = {}
    for (city_id, directive_id), row in numbers.items():
        if row.total:
            by_directive.setdefault(directive_id, {})[city_id] = row
    shared = {d: own for d, own in by_directive.items() if len(own) > 1}
    totals = {d: total_row(list(own.values()), "", key=d) for d, own in shared.items()}
    worst = sorted(totals.items(), key=lambda kv: (-kv[1].overdue, kv[1].completion, kv[0]))
    totals = dict(worst[:LIST_LENGTH])
    directives = {
        d.id: d for d in db.session.scalars(select(Directive).where(Directive.id.in_(totals)))
    }
    rows = []
    for directive_id, row in totals.items():
        # The cities as the directive's own page shows them (a city with its sub-units);
        # the least complete among those with items that count (not only cancelled ones).
        places = directive_cities(cities, numbers, directive_id)
        lowest = min((r for r in places if r.counted), key=lambda r: r.completion, default=None)
        row.name = directives[directive_id].title
        row.note = (
            _(
                "%(count)d cities; least complete: %(city)s, %(completion).0f%%",
                count=len(places),
                city=lowest.name,
                completion=lowest.completion,
            )
            if lowest
            else _("%(count)d cities", count=len(places))
        )
        row.extra["directive"] = directives[directive_id]
        rows.append(row)
    rows.sort(key=lambda r: (r.extra["directive"].speech_id, r.extra["directive"].position))
    return rows, len(shared)


def directive_cities(
    cities: list[City], numbers: dict[tuple[int, int], BoardRow], directive_id: int
) -> list[BoardRow]:
    """One directive's figures in each city (with its sub-units, as on `/boards`) that has
    items of it, from `board` by city and directive."""
    own = {city: row for (city, d), row in numbers.items() if d == directive_id}
    return [row for row in _city_figures(cities, own) if row.total]


def completion_history(frame: Frame, now: BoardRow) -> list[tuple[date, float]]:
    """Average completion at the end of the same weekday in each of the last weeks (their
    snapshots), and now (`now`: the figures of all the frame's items)."""
    days = history.days_read(frame.today)
    sums = {
        day: (count, total)
        for day, count, total in db.session.execute(
            select(
                BoardSnapshot.day,
                func.sum(BoardSnapshot.items),
                func.sum(BoardSnapshot.completion_sum),
            )
            .where(BoardSnapshot.day.in_(days), BoardSnapshot.city_id.in_(frame.city_ids))
            .group_by(BoardSnapshot.day)
        )
    }
    points = [(day, _average(*sums.get(day, (0, 0.0)))) for day in days]
    return [*points, (frame.today, now.completion)]


def _average(count: int, total: float) -> float:
    return total / count if count else 0.0
