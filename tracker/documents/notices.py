"""督办单: the formal notice about one late item, at the level of the escalation ladder
(the reminder policy's escalation days), issued (audited) at most once a day per level.

- 催办通知单, blue: due soon, or overdue by at most `escalate_after` days;
- 督办通知单, yellow: overdue by more than `escalate_after` days;
- 督办通知单 copied to the city's leaders, red: overdue by more than `escalate_after` +
  2 × `escalate_every` days (by default more than 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from .. import audit
from ..extensions import db
from ..items.rules import OPEN
from ..models import ActionItem, AuditEvent, User
from ..reminders.policy import ReminderPolicy
from ..reminders.rules import count
from .pdf import render_pdf

REPLY_DAYS = 3  # the owners answer a notice within this many days


@dataclass(frozen=True)
class Level:
    rank: int
    colour: str  # the ladder's colour: blue, yellow, red
    title: object  # lazy text
    copied_to_leaders: bool


LEVELS = (
    Level(1, "blue", _l("Reminder Notice"), False),
    Level(2, "yellow", _l("Supervision Notice"), False),
    Level(3, "red", _l("Supervision Notice"), True),
)


def days_late(item: ActionItem, today: date, policy: ReminderPolicy) -> int:
    """Days past the due date, as the reminder policy counts them (working days or not)."""
    return max(0, count(item.due_on, today, policy)) if item.due_on else 0


def level_of(item: ActionItem, today: date, policy: ReminderPolicy) -> Level:
    late = days_late(item, today, policy)
    if late > policy.escalate_after + 2 * policy.escalate_every:
        return LEVELS[2]
    if late > policy.escalate_after:
        return LEVELS[1]
    return LEVELS[0]


@dataclass(frozen=True)
class Notice:
    item: ActionItem
    level: Level
    number: str
    issued_on: date
    reply_by: date
    days_late: int


def issue(item: ActionItem, actor: User | None, today: date, policy: ReminderPolicy) -> Notice:
    """The item's notice of today at its level: recorded in its audit trail the first time
    today (its number is that record's), the same number when asked again, also by requests
    at the same moment (the item's row is locked first). Open items only. Flushes."""
    if item.status not in OPEN:
        raise ValueError("only an open item takes a notice")
    db.session.execute(  # a row lock (PostgreSQL) or the write lock (SQLite) until commit
        update(ActionItem)
        .where(ActionItem.id == item.id)
        .values(id=ActionItem.id, updated_at=ActionItem.updated_at)  # changes nothing
        .execution_options(synchronize_session=False)
    )
    level = level_of(item, today, policy)
    issued = _issued_today(item, today, level)
    if issued is None:
        issued = audit.record(
            "item.notice_issued", item, actor=actor, level=level.rank, on=today.isoformat()
        )
        db.session.flush()
    return Notice(
        item=item,
        level=level,
        number=f"{today.year}-{issued.id:06d}",
        issued_on=today,
        reply_by=today + timedelta(days=REPLY_DAYS),
        days_late=days_late(item, today, policy),
    )


def notice_pdf(notice: Notice, city_name: str) -> bytes:
    return render_pdf("notice.html", notice=notice, office=city_name)


def _issued_today(item: ActionItem, today: date, level: Level) -> AuditEvent | None:
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == "item.notice_issued",
            AuditEvent.target_type == "action_items",
            AuditEvent.target_id == item.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(20)
    )
    for event in events:
        details = event.details or {}
        if details.get("on") == today.isoformat() and details.get("level") == level.rank:
            return event
    return None
