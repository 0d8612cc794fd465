"""Planning: who must be told what today, written as outbox lines with unique keys.

Runs over all active users and open items in a fixed number of queries. Each user's
"today" and send hour are taken in their own time zone; each user's cursor
(`reminders_planned_on`) makes a missed day be caught up rather than lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update

from ..access import published_directives
from ..channels import outbox as channel_outbox
from ..clock import office_zone
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..items.rules import OPEN
from ..models import (
    ActionItem,
    City,
    ItemSupporter,
    LineReason,
    Milestone,
    Reminder,
    ReminderKind,
    ReminderLine,
    ReminderState,
    Role,
    User,
    item_co_owners,
    utcnow,
)
from .cycle_planning import cycle_lines
from .outbox import outbox_entry, plan_messages
from .policy import ReminderPolicy, current_policy
from .rules import due_reason, escalates, stale, window


class Item(NamedTuple):
    """What planning needs of an open item, read as plain rows (no ORM objects)."""

    id: int
    city_id: int
    department_id: int | None
    due_on: date | None
    responsible_id: int | None
    last_update_on: date  # the office day of its last update, as boards count it
    owner_ids: tuple[int, ...]  # the responsible person, the co-owners, the supporters' people
    lead_ids: tuple[int, ...]  # the responsible person first, then the co-owners
    support_department_ids: tuple[int, ...]  # its supporting departments (协办)
    milestones: tuple[tuple[int, date], ...]  # its open milestones with a due date


@dataclass(frozen=True)
class PlannedLine:
    recipient: User
    item: Item
    reason: LineReason
    days: int
    planned_on: date
    milestone_id: int | None = None
    owner: User | None = None

    @property
    def key(self) -> str:
        milestone = self.milestone_id or "-"
        return f"{self.reason}:{self.item.id}:{milestone}:{self.recipient.id}:{self.planned_on}"


@dataclass
class Plan:
    lines: list[PlannedLine]
    digests: list[tuple[User, date]]


def user_day(user: User, now: datetime, policy: ReminderPolicy) -> date:
    """The last day whose reminders are due for `user` at `now`: today in their time zone
    once their send hour has come, else yesterday."""
    local = now.astimezone(ZoneInfo(user.timezone) if user.timezone else office_zone())
    return local.date() if local.hour >= policy.send_hour else local.date() - timedelta(days=1)


def plan_due(now: datetime, *, dry_run: bool = False) -> Plan:
    """Work out every reminder due up to `now` and, unless `dry_run`, insert it into the
    outbox (ignoring what is already there) and advance the users' cursors. Flushes."""
    policy = current_policy()
    everyone = {u.id: u for u in db.session.scalars(select(User))}  # escalations name leavers
    users = [u for u in everyone.values() if u.is_active]
    days = {
        u.id: window(u.reminders_planned_on, user_day(u, now, policy), policy.catch_up_days)
        for u in users
    }
    by_id = {u.id: u for u in users}
    items = _open_items()
    supervisors = _supervisors_by_city(users)
    reminded = _items_whose_owners_were_reminded()
    rules = _Rules(policy)

    lines: list[PlannedLine] = []
    for item in items:
        owners = [by_id[o] for o in item.owner_ids if o in by_id]  # the active ones
        for owner in owners:
            window_days = days.get(owner.id)
            if not window_days:
                continue
            recipient = _route(owner, window_days[-1], by_id, required=False)
            if recipient is None:
                continue
            lines += _owner_lines(item, owner, recipient, window_days, rules)
        if item.due_on is None or (owners and item.id not in reminded):
            continue  # supervisors hear of an item once its owners have been reminded of it
        for supervisor in supervisors.get(item.city_id, []):
            window_days = days.get(supervisor.id)
            if window_days and rules.escalates(item.due_on, window_days):
                recipient = _route(supervisor, window_days[-1], by_id, required=True)
                late = (window_days[-1] - item.due_on).days
                lines.append(
                    PlannedLine(
                        recipient,
                        item,
                        LineReason.ESCALATION,
                        -late,
                        window_days[-1],
                        owner=everyone.get(item.responsible_id),
                    )
                )
    lines += cycle_lines(
        {item.id: item for item in items},
        days,
        lambda owner, day: _route(owner, day, by_id, required=False),
        supervisors,
        by_id,
        policy,
        lambda recipient, item, reason, n, day, owner: PlannedLine(
            recipient, item, reason, n, day, owner=owner if owner and owner != recipient else None
        ),
    )
    digests = []
    for user in users:
        week = _digest_week(days.get(user.id, []), policy)
        if user.role != Role.STAFF and user.receives_digest and week is not None:
            digests.append((user, week))
    plan = Plan(lines, digests)
    if not dry_run:
        _write(plan, days, now)
    return plan


def _digest_week(days: list[date], policy: ReminderPolicy) -> date | None:
    """The Monday of the latest digest day in the window: one digest per recipient and run,
    also after a pause of several weeks."""
    digest_days = [day for day in days if day.weekday() == policy.digest_weekday]
    return digest_days[-1] - timedelta(days=digest_days[-1].weekday()) if digest_days else None


def _owner_lines(item: Item, owner, recipient, days, rules: _Rules) -> list[PlannedLine]:
    on_behalf = owner if recipient.id != owner.id else None
    planned_on = days[-1]
    lines = []
    if item.due_on is not None:
        fired = rules.due_reason(item.due_on, days)
        if fired:
            lines.append(PlannedLine(recipient, item, *fired, planned_on, owner=on_behalf))
    for milestone_id, due_on in item.milestones:
        fired = rules.due_reason(due_on, days)
        if fired:
            lines.append(PlannedLine(recipient, item, *fired, planned_on, milestone_id, on_behalf))
    if rules.stale(item.last_update_on, days):
        quiet = (planned_on - item.last_update_on).days
        lines.append(
            PlannedLine(recipient, item, LineReason.STALE, quiet, planned_on, owner=on_behalf)
        )
    return lines


class _Rules:
    """The rules of rules.py for one run, each answer kept: items share a few hundred due
    dates and windows, so 100,000 items cost a few thousand evaluations."""

    def __init__(self, policy: ReminderPolicy) -> None:
        self.policy = policy
        self._answers: dict = {}

    def _ask(self, rule, day: date, days: list[date]):
        key = (rule, day, days[0], days[-1])
        if key not in self._answers:
            self._answers[key] = rule(day, days, self.policy)
        return self._answers[key]

    def due_reason(self, due: date, days: list[date]):
        return self._ask(due_reason, due, days)

    def escalates(self, due: date, days: list[date]) -> bool:
        return self._ask(escalates, due, days)

    def stale(self, last_update: date, days: list[date]) -> bool:
        return self._ask(stale, last_update, days)


def _open_items() -> list[Item]:
    """The open items of published speeches, their owners and open milestones: three
    queries of plain rows."""
    wanted = and_(ActionItem.status.in_(OPEN), ActionItem.directive_id.in_(published_directives()))
    co_owners: dict[int, list[int]] = defaultdict(list)
    for item_id, user_id in db.session.execute(
        select(item_co_owners.c.item_id, item_co_owners.c.user_id)
        .join(ActionItem, ActionItem.id == item_co_owners.c.item_id)
        .where(wanted)
        .order_by(item_co_owners.c.item_id, item_co_owners.c.user_id)
    ):
        co_owners[item_id].append(user_id)
    supporters: dict[int, list[int]] = defaultdict(list)
    support_departments: dict[int, list[int]] = defaultdict(list)
    for item_id, user_id, department_id in db.session.execute(
        select(ItemSupporter.item_id, ItemSupporter.responsible_id, ItemSupporter.department_id)
        .join(ActionItem, ActionItem.id == ItemSupporter.item_id)
        .where(wanted)
        .order_by(ItemSupporter.item_id, ItemSupporter.id)
    ):
        support_departments[item_id].append(department_id)
        if user_id is not None:
            supporters[item_id].append(user_id)
    milestones: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for milestone_id, item_id, due_on in db.session.execute(
        select(Milestone.id, Milestone.item_id, Milestone.due_on)
        .join(ActionItem, ActionItem.id == Milestone.item_id)
        .where(wanted, Milestone.done_on.is_(None), Milestone.due_on.is_not(None))
        .order_by(Milestone.item_id, Milestone.position, Milestone.id)
    ):
        milestones[item_id].append((milestone_id, due_on))
    zone = office_zone()
    items = []
    for id_, city_id, department_id, due_on, responsible_id, last_update_at in db.session.execute(
        select(
            ActionItem.id,
            ActionItem.city_id,
            ActionItem.department_id,
            ActionItem.due_on,
            ActionItem.responsible_id,
            ActionItem.last_update_at,
        )
        .where(wanted)
        .order_by(ActionItem.id)
    ):
        leads = [responsible_id] if responsible_id is not None else []
        leads += [o for o in co_owners.get(id_, []) if o != responsible_id]
        owners = leads + [o for o in supporters.get(id_, []) if o not in leads]
        items.append(
            Item(
                id_,
                city_id,
                department_id,
                due_on,
                responsible_id,
                last_update_at.astimezone(zone).date(),
                tuple(owners),
                tuple(leads),
                tuple(support_departments.get(id_, [])),
                tuple(milestones.get(id_, [])),
            )
        )
    return items


def _route(user: User, day: date, by_id: dict[int, User], *, required: bool) -> User | None:
    """Who receives `user`'s reminders on `day`: their delegate while they are on leave.
    On leave with no delegate, reminders pause, unless `required` (escalations)."""
    if user.reminders_paused_until is None or user.reminders_paused_until < day:
        return user
    delegate = by_id.get(user.delegate_id) if user.delegate_id else None
    if delegate is not None:
        return delegate
    return user if required else None


def _items_whose_owners_were_reminded() -> set[int]:
    """Open items of which an owner (or their delegate) has had a reminder sent."""
    return set(
        db.session.scalars(
            select(ReminderLine.item_id)
            .join(ReminderLine.reminder)
            .join(ActionItem, ActionItem.id == ReminderLine.item_id)
            .where(
                ActionItem.status.in_(OPEN),
                ReminderLine.reason != LineReason.ESCALATION,
                ReminderLine.dropped.is_(False),
                Reminder.state == ReminderState.SENT,
            )
            .distinct()
        )
    )


def _supervisors_by_city(users: list[User]) -> dict[int, list[User]]:
    """Supervisors of each city: those of the city itself and of the city it belongs to."""
    parents = dict(db.session.execute(select(City.id, City.parent_id)).all())
    result: dict[int, list[User]] = defaultdict(list)
    for user in users:
        if user.role != Role.SUPERVISOR or user.city_id is None:
            continue
        for city_id, parent_id in parents.items():
            if user.city_id in (city_id, parent_id):
                result[city_id].append(user)
    return result


def _escalations_elsewhere(lines: list[PlannedLine], now: datetime) -> list[dict]:
    """The day's escalations also to the robots of the items' departments (lead and
    supporting), and by SMS to the supervisors who take urgent messages so
    (tracker/channels/)."""
    by_day: dict[date, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for line in lines:
        if line.reason == LineReason.ESCALATION:
            departments, supervisors = by_day[line.planned_on]
            if line.item.department_id is not None:
                departments.add(line.item.department_id)
            departments.update(line.item.support_department_ids)  # 协办: for their part
            supervisors.add(line.recipient.id)
    return [
        entry
        for day, (departments, supervisors) in sorted(by_day.items())
        for entry in channel_outbox.escalations(departments, supervisors, day, now)
    ]


def _write(plan: Plan, days: dict[int, list[date]], now: datetime) -> None:
    insert_ignoring_duplicates(
        ReminderLine,
        [
            {
                "key": line.key,
                "recipient_id": line.recipient.id,
                "item_id": line.item.id,
                "milestone_id": line.milestone_id,
                "reason": line.reason,
                "days": line.days,
                "owner_id": line.owner.id if line.owner else None,
                "planned_on": line.planned_on,
                "dropped": False,
                "created_at": now,
            }
            for line in plan.lines
        ],
        ["key"],
    )
    plan_messages(
        [
            outbox_entry(ReminderKind.DIGEST, f"{user.id}:{week}", user.id, week, utcnow())
            for user, week in plan.digests
        ]
        + _escalations_elsewhere(plan.lines, now)
    )
    # Each user's cursor moves to the last day planned: one statement per such day.
    by_last_day: dict[date, list[int]] = defaultdict(list)
    for user_id, window_days in days.items():
        if window_days:
            by_last_day[window_days[-1]].append(user_id)
    for last, user_ids in by_last_day.items():
        db.session.execute(
            update(User)
            .where(
                User.id.in_(user_ids),
                or_(User.reminders_planned_on.is_(None), User.reminders_planned_on < last),
            )
            .values(reminders_planned_on=last)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
