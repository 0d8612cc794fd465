"""Changing many items at once from the item list (supervisors): reassign them, move their
dates, or ask their owners for an update (催办). All or nothing: one item that was changed
meanwhile or that cannot take the change stops the whole batch, and says which it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from .. import audit
from ..access import visible_items
from ..channels import outbox as channel_outbox
from ..database import insert_ignoring_duplicates
from ..extensions import db
from ..i18n import local_name
from ..models import (
    ActionItem,
    LineReason,
    Reminder,
    ReminderKind,
    ReminderLine,
    Status,
    User,
    utcnow,
)
from ..reminders.outbox import outbox_entry, plan_messages
from . import services
from .rules import OPEN

MAX_ITEMS = 200


@dataclass
class Refused(Exception):
    """The batch was not applied: why, per item (title and message)."""

    problems: list[tuple[ActionItem, str]]
    conflict: bool = False


def chosen_items(user: User, versions: dict[int, int]) -> list[ActionItem]:
    """The chosen items the user may see, each checked against the version its row showed.
    Items that were changed since, closed, or are not the user's to see refuse the batch."""
    items = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.id.in_(versions), visible_items(user))
        .order_by(ActionItem.id)
    ).all()
    if len(items) != len(versions):
        raise Refused([], conflict=True)  # gone or out of scope: the list is out of date
    changed = [
        (i, _("changed since the list was loaded.")) for i in items if i.version != versions[i.id]
    ]
    if changed:
        raise Refused(changed, conflict=True)
    closed = [(i, _not_open(i)) for i in items if i.status not in OPEN]
    if closed:
        raise Refused(closed)
    return items


def _not_open(item: ActionItem) -> str:
    if item.status == Status.AWAITING_VERIFICATION:
        return _("awaiting verification: verify or return it first.")
    return _("closed: it is no longer worked on.")


def reassign(items: list[ActionItem], actor: User, responsible: User) -> None:
    """Give each item to `responsible` and their department; co-owners stay."""
    department = responsible.department
    problems = [
        (
            item,
            _(
                "%(department)s is not a department of %(city)s.",
                department=local_name(department),
                city=local_name(item.city),
            ),
        )
        for item in items
        if department is None or department.city_id != item.city_id
    ]
    if problems:
        raise Refused(problems)
    for item in items:
        try:
            services.assign(
                item, actor, department, responsible, list(item.co_owners), item.version
            )
        except services.Invalid as invalid:
            raise Refused([(item, " ".join(invalid.errors.values()))]) from invalid


def reschedule(
    items: list[ActionItem], actor: User, start_on: date | None, due_on: date | None
) -> None:
    """Set the start and/or due date of each item (a blank one stays as it is)."""
    problems = []
    for item in items:
        milestones = [
            services.MilestoneChange(m.id, m.title, m.due_on, m.weight) for m in item.milestones
        ]
        try:
            services.schedule(
                item,
                actor,
                item.title,
                start_on or item.start_on,
                due_on or item.due_on,
                milestones,
                item.version,
            )
        except services.Invalid as invalid:
            problems.append((item, " ".join(dict.fromkeys(invalid.errors.values()))))
    if problems:
        raise Refused(problems)


def remind(items: list[ActionItem], actor: User, today: date) -> int:
    """催办: email each owner now (through the outbox) that the supervisor asks for an
    update on these items. Once a day per item and owner: asking again adds nothing.
    Returns how many people will be emailed."""
    by_owner: dict[int, list[ActionItem]] = {}
    for item in items:
        for owner in [item.responsible, *item.co_owners]:
            if owner is not None and owner.is_active:
                by_owner.setdefault(owner.id, []).append(item)
    now = utcnow()
    asked = {
        (line.recipient_id, line.item_id)
        for line in db.session.scalars(
            select(ReminderLine).where(
                ReminderLine.reason == LineReason.REQUESTED,
                ReminderLine.planned_on == today,
                ReminderLine.item_id.in_([i.id for i in items]),
            )
        )
    }
    told, asked_about, owners, batch = 0, set(), set(), uuid.uuid4().hex
    for owner_id, owned in by_owner.items():
        new = [i for i in owned if (owner_id, i.id) not in asked]
        if not new:
            continue
        # A message of its own, sent at once. Its lines are unique per item, owner and day:
        # a concurrent second request finds them taken, and its message is withdrawn here.
        entry = outbox_entry(
            ReminderKind.REQUEST, f"{owner_id}:{today}:{batch}", owner_id, today, now
        )
        plan_messages([entry])
        message_id = db.session.scalar(select(Reminder.id).where(Reminder.key == entry["key"]))
        insert_ignoring_duplicates(
            ReminderLine,
            [
                {
                    "key": f"{LineReason.REQUESTED}:{item.id}:{owner_id}:{today}",
                    "recipient_id": owner_id,
                    "item_id": item.id,
                    "reason": LineReason.REQUESTED,
                    "days": (item.due_on - today).days if item.due_on else 0,
                    "owner_id": None,
                    "planned_on": today,
                    "reminder_id": message_id,
                    "dropped": False,
                    "created_at": now,
                }
                for item in new
            ],
            ["key"],
        )
        mine = set(
            db.session.scalars(
                select(ReminderLine.item_id).where(ReminderLine.reminder_id == message_id)
            )
        )
        if not mine:
            db.session.execute(delete(Reminder).where(Reminder.id == message_id))
            continue
        told += 1
        asked_about |= mine
        owners.add(owner_id)
    # The same request to the items' departments' group robots (also for items without
    # owners), and by SMS to the owners who take urgent messages so.
    asked_about |= channel_outbox.plan_request(items, owners, today, batch, now)
    for item in items:
        if item.id in asked_about:
            audit.record("item.reminded", item, actor=actor, version=item.version)
    return told
