"""Read models for item pages: each a fixed number of queries, whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, not_, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from ..access import visible_items
from ..extensions import db
from ..formatting import aside
from ..i18n import local_name
from ..models import (
    ActionItem,
    City,
    Department,
    Directive,
    Milestone,
    Role,
    Speech,
    Status,
    StatusUpdate,
    User,
    item_co_owners,
)
from ..paging import Page, one_page
from ..reminders.policy import current_policy
from .cycle_queries import CYCLE_GROUPS, cycle_groups
from .rules import (
    ATTENTION,
    OPEN,
    Light,
    attention_sql,
    light_sql,
    traffic_light,
    unacknowledged_sql,
)

RECENTLY_CLOSED_DAYS = 30


@dataclass
class ItemRow:
    item: ActionItem
    light: Light
    next_milestone: Milestone | None


@dataclass
class Group:
    key: str
    title: str
    rows: list[ItemRow]
    total: int = 0
    rest: dict = field(default_factory=dict)  # the item list's filter for all of them


def _row(item: ActionItem, today: date, amber_days: int) -> ItemRow:
    upcoming = [m for m in item.milestones if m.done_on is None]
    upcoming.sort(key=lambda m: (m.due_on is None, m.due_on))
    return ItemRow(item, traffic_light(item, today, amber_days), upcoming[0] if upcoming else None)


def _list_options(unbounded: bool = False):
    """Eager loads for item lists. selectinload batches 500 ids a query, so a list without a
    LIMIT joins the milestones instead, keeping the number of queries fixed."""
    return (
        joinedload(ActionItem.milestones) if unbounded else selectinload(ActionItem.milestones),
        joinedload(ActionItem.department),
        joinedload(ActionItem.responsible),
        joinedload(ActionItem.city),
    )


GROUP_LENGTH = 20


def my_work(user: User, today: date, amber_days: int, titles: dict[str, str]) -> list[Group]:
    """Staff: the items I own or co-own. Supervisors and admins: what waits for them. Each
    group holds its first GROUP_LENGTH items with the total, and the item list's filter for
    the rest (a page whose size does not grow with the data)."""
    week_end = today + timedelta(days=7)
    closed_since = today - timedelta(days=RECENTLY_CLOSED_DAYS)
    staff = user.role == Role.STAFF
    mine = visible_items(user)
    if staff:
        # The items I own or co-own, as one id list: the database starts from my few items
        # (an OR with the co-owners would make it read every item of each group's rule).
        owned = union(
            select(ActionItem.id).where(ActionItem.responsible_id == user.id),
            select(item_co_owners.c.item_id).where(item_co_owners.c.user_id == user.id),
        )
        mine = and_(mine, ActionItem.id.in_(owned))
    still_open = ActionItem.status.in_(OPEN)
    by_due = (ActionItem.due_on, ActionItem.id)
    own = {"responsible": user.id} if staff else {}
    groups = {
        "overdue": (and_(still_open, ActionItem.due_on < today), by_due, {"attention": "overdue"}),
        "week": (
            and_(still_open, ActionItem.due_on >= today, ActionItem.due_on <= week_end),
            by_due,
            {"due_from": today.isoformat(), "due_to": week_end.isoformat(), "status": list(OPEN)},
        ),
        "later": (
            and_(still_open, or_(ActionItem.due_on > week_end, ActionItem.due_on.is_(None))),
            by_due,
            {"due_from": (week_end + timedelta(days=1)).isoformat()},
        ),
        "awaiting": (
            ActionItem.status == Status.AWAITING_VERIFICATION,
            (ActionItem.completed_on, ActionItem.id),
            {"status": Status.AWAITING_VERIFICATION.value},
        ),
        "closed": (
            and_(
                ActionItem.status.in_([s for s in Status if s.is_closed]),
                or_(
                    ActionItem.verified_on >= closed_since,
                    and_(
                        ActionItem.verified_on.is_(None),
                        ActionItem.updated_at >= datetime.combine(closed_since, time(0), UTC),
                    ),
                ),
            ),
            by_due,
            {"status": [s.value for s in Status if s.is_closed], "sort": "updated"},
        ),
    }
    if not staff:  # supervisors: what waits for them, not everything in their scope
        del groups["later"], groups["closed"]
    groups = {**cycle_groups(user, today, amber_days), **groups}
    if user.role == Role.LEADER:  # leaders verify nothing
        del groups["awaiting"]
    result = []
    for key, (rule, order, link) in groups.items():
        if key in CYCLE_GROUPS:
            wanted = and_(visible_items(user), rule)
        elif "unacknowledged" in groups:  # listed once: under what waits for acknowledgement
            wanted = and_(mine, rule, not_(unacknowledged_sql()))
        else:
            wanted = and_(mine, rule)
        total = db.session.scalar(select(func.count(ActionItem.id)).where(wanted))
        items = db.session.scalars(
            select(ActionItem)
            .options(*_list_options(unbounded=True))  # a fixed count
            .where(wanted)
            .order_by(*order)
            .limit(GROUP_LENGTH)
        ).unique()
        rows = [_row(item, today, amber_days) for item in items]
        result.append(Group(key, titles[key], rows, total, {**link, **own}))
    return result


SORT_COLUMNS = {
    "due": (ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id),
    "-due": (ActionItem.due_on.is_(None), ActionItem.due_on.desc(), ActionItem.id),
    "title": (ActionItem.title, ActionItem.id),
    "progress": (ActionItem.progress, ActionItem.id),
    "-progress": (ActionItem.progress.desc(), ActionItem.id),
    "updated": (ActionItem.updated_at.desc(), ActionItem.id),
    "status": (ActionItem.status, ActionItem.due_on, ActionItem.id),
}
PAGE_SIZE = 25


@dataclass
class ItemFilter:
    q: str | None = None
    city: str | None = None
    department: int | None = None
    responsible: int | None = None
    statuses: tuple[str, ...] = ()
    lights: tuple[str, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    attention: str | None = None  # one of rules.ATTENTION: what a board links to
    directive: int | None = None
    sort: str = "due"


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filtered_items(user: User, wanted: ItemFilter, today: date, amber_days: int):
    """The SELECT of the items `user` may see that match `wanted`, sorted."""
    query = select(ActionItem).where(visible_items(user))
    if wanted.city:
        city_ids = select(City.id).where(
            or_(
                City.slug == wanted.city,
                City.parent_id.in_(select(City.id).where(City.slug == wanted.city)),
            )
        )
        query = query.where(ActionItem.city_id.in_(city_ids))
    if wanted.department:
        query = query.where(ActionItem.department_id == wanted.department)
    if wanted.directive:
        query = query.where(ActionItem.directive_id == wanted.directive)
    if wanted.responsible:
        query = query.where(ActionItem.responsible_id == wanted.responsible)
    if wanted.statuses:
        query = query.where(ActionItem.status.in_(wanted.statuses))
    if wanted.lights:
        query = query.where(light_sql(today, amber_days).in_(wanted.lights))
    if wanted.attention in ATTENTION:
        query = query.where(attention_sql(wanted.attention, today, amber_days, current_policy()))
    if wanted.due_from:
        query = query.where(ActionItem.due_on >= wanted.due_from)
    if wanted.due_to:
        query = query.where(ActionItem.due_on <= wanted.due_to)
    if wanted.q:
        pattern = like_pattern(wanted.q.strip())
        sentence = func.substr(
            Speech.text,
            Directive.sentence_start + 1,
            Directive.sentence_end - Directive.sentence_start,
        )
        in_sentence = (
            select(Directive.id)
            .join(Directive.speech)
            .where(Directive.id == ActionItem.directive_id, sentence.ilike(pattern, escape="\\"))
            .exists()
        )
        in_notes = (
            select(StatusUpdate.id)
            .where(
                StatusUpdate.item_id == ActionItem.id,
                StatusUpdate.note.ilike(pattern, escape="\\"),
            )
            .exists()
        )
        query = query.where(
            or_(ActionItem.title.ilike(pattern, escape="\\"), in_sentence, in_notes)
        )
    return query.order_by(*SORT_COLUMNS.get(wanted.sort, SORT_COLUMNS["due"]))


def item_list(
    user: User,
    wanted: ItemFilter,
    page: int,
    today: date,
    amber_days: int,
    *,
    size: int = PAGE_SIZE,
    clamp: bool = True,
) -> Page:
    """One page of the filtered list as `ItemRow`s, with the total (the page and the API)."""
    query = filtered_items(user, wanted, today, amber_days)
    found = one_page(query, page, size, options=_list_options(), clamp=clamp)
    found.rows = [_row(item, today, amber_days) for item in found.rows]
    return found


def assignable(city_ids: list[int], form) -> tuple[dict[int, Department], dict[int, User]]:
    """The departments of these cities and their active staff, by id, set as the choices of
    a form's `department`, `responsible` and `co_owners` fields (assigning items)."""
    departments = {
        d.id: d
        for d in db.session.scalars(
            select(Department).where(Department.city_id.in_(city_ids)).order_by(Department.name)
        )
    }
    staff = {
        u.id: u
        for u in db.session.scalars(
            select(User)
            .where(User.department_id.in_(departments), User.is_active, User.role == Role.STAFF)
            .order_by(User.name)
        )
    }
    form.department.choices = [(d.id, local_name(d)) for d in departments.values()]
    form.responsible.choices = [
        (u.id, u.name + aside(local_name(departments[u.department_id]))) for u in staff.values()
    ]
    form.co_owners.choices = form.responsible.choices
    return departments, staff
