"""Planning robot posts and SMS into the outbox beside the emails, under unique keys:

- a department's daily summary, once a day per department with a robot (`summaries`);
- the day's escalations, to the robots of the departments whose items were escalated and by
  SMS to the supervisors who take urgent messages by SMS (`escalations`);
- a supervisor's request for an update (催办), to the robots of the items' departments and by
  SMS to the owners who take urgent messages by SMS (`plan_request`).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ..clock import office_zone
from ..extensions import db
from ..models import Channel, DepartmentRobot, Reminder, ReminderKind, User, reminder_items
from ..reminders.outbox import outbox_entry, plan_messages
from ..reminders.policy import ReminderPolicy
from ..reminders.rules import is_open


def summaries(now: datetime, policy: ReminderPolicy) -> list[dict]:
    """Each robot's summary of its department's day, once the send hour has come on a day
    reminders go out (in the office's time zone)."""
    local = now.astimezone(office_zone())
    if local.hour < policy.send_hour or not is_open(local.date(), policy):
        return []
    return [
        _robot(ReminderKind.SUMMARY, department_id, local.date(), now)
        for department_id in db.session.scalars(select(DepartmentRobot.department_id))
    ]


def escalations(departments: set[int], supervisors: set[int], day: date, now) -> list[dict]:
    """The day's escalations of items of `departments` to their robots, and to `supervisors`
    by SMS where they take urgent messages so."""
    robots = _with_robots(departments)
    entries = [_robot(ReminderKind.ESCALATION, d, day, now) for d in sorted(robots)]
    return entries + [_sms(ReminderKind.ESCALATION, u, day, now) for u in _by_sms(supervisors)]


def plan_request(items, owners: set[int], day: date, batch: str, now) -> set[int]:
    """One request for an update (`batch`: its emails' keys end so): to the robots of the
    items' departments, naming each item not yet posted to that robot today (whether or not
    it has owners), and by SMS to the owners who take urgent messages so. Returns the items
    posted to a robot."""
    by_department: dict[int, set[int]] = {}
    for item in items:
        if item.department_id is not None:
            by_department.setdefault(item.department_id, set()).add(item.id)
    robots = _with_robots(set(by_department))
    posted = set(
        db.session.execute(
            select(Reminder.department_id, reminder_items.c.item_id)
            .join(reminder_items, reminder_items.c.reminder_id == Reminder.id)
            .where(
                Reminder.kind == ReminderKind.REQUEST,
                Reminder.channel == Channel.ROBOT,
                Reminder.department_id.in_(robots),
                Reminder.period_on == day,
            )
        ).all()
    )
    wanted = {
        department: sorted(i for i in by_department[department] if (department, i) not in posted)
        for department in sorted(robots)
    }
    entries = [_robot(ReminderKind.REQUEST, d, day, now, batch) for d, ids in wanted.items() if ids]
    entries += [_sms(ReminderKind.REQUEST, u, day, now, batch) for u in _by_sms(owners)]
    plan_messages(entries)
    keys = {entry["key"]: entry["department_id"] for entry in entries if entry["department_id"]}
    if keys:
        rows = [
            {"reminder_id": reminder_id, "item_id": item_id}
            for reminder_id, key in db.session.execute(
                select(Reminder.id, Reminder.key).where(Reminder.key.in_(keys))
            )
            for item_id in wanted[keys[key]]
        ]
        db.session.execute(reminder_items.insert(), rows)
    return {i for d in keys.values() for i in wanted[d]}


def _robot(kind, department_id: int, day: date, now, batch: str | None = None) -> dict:
    key = f"robot:{department_id}:{day}" + (f":{batch}" if batch else "")
    return outbox_entry(
        kind, key, None, day, now, channel=Channel.ROBOT, department_id=department_id
    )


def _sms(kind, user_id: int, day: date, now, batch: str | None = None) -> dict:
    key = f"sms:{user_id}:{day}" + (f":{batch}" if batch else "")
    return outbox_entry(kind, key, user_id, day, now, channel=Channel.SMS)


def _with_robots(departments: set[int]) -> set[int]:
    if not departments:
        return set()
    return set(
        db.session.scalars(
            select(DepartmentRobot.department_id).where(
                DepartmentRobot.department_id.in_(departments)
            )
        )
    )


def _by_sms(user_ids: set[int]) -> list[int]:
    """Those of `user_ids` who take urgent messages by SMS, when a gateway is configured."""
    if not user_ids or not current_app.config["SMS_URL"]:
        return []
    return sorted(
        db.session.scalars(
            select(User.id).where(
                User.id.in_(user_ids),
                User.is_active,
                User.sms_urgent,
                User.mobile.is_not(None),
            )
        )
    )
