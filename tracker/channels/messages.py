"""What a group robot posts (markdown) and what an SMS says (a short line with a link), for
the department's daily summary, the day's escalations and a supervisor's request for an
update (催办). Each is worked out when it is sent, from the data as it stands then: an
item closed meanwhile is left out, and a message with nothing left to say is not sent."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..access import published_directives
from ..extensions import db
from ..formatting import format_date
from ..i18n import local_name
from ..items.rules import OPEN
from ..mail import external_url
from ..models import ActionItem, LineReason, Reminder, ReminderKind, ReminderLine

LISTED = 10  # items a robot message names; the rest are counted, with a link


def robot_message(reminder: Reminder) -> tuple[str, str] | None:
    """(title, markdown) of a robot's message, or None when nothing is left to say."""
    department = reminder.department
    name = local_name(department)
    if reminder.kind == ReminderKind.SUMMARY:
        return _summary(reminder, name)
    query = _open_items_of_lines(reminder, department_id=department.id)
    total = _count(query)
    if not total:
        return None
    if reminder.kind == ReminderKind.ESCALATION:
        title = _("%(department)s: overdue items escalated", department=name)
        lead = ngettext(
            "%(num)d overdue item of the department was escalated to the supervisors today:",
            "%(num)d overdue items of the department were escalated to the supervisors today:",
            total,
        )
    else:
        title = _("%(department)s: an update is requested", department=name)
        lead = ngettext(
            "The supervision office asks for an update on %(num)d item:",
            "The supervision office asks for an update on %(num)d items:",
            total,
        )
    text = [f"### {title}", lead, *_listed(_first(query), reminder.period_on, total)]
    return title, "\n\n".join(text)


def sms_text(reminder: Reminder) -> str | None:
    """An SMS: what the person must do, how much of it, and a link. None when nothing is
    left to say."""
    total = _count(_open_items_of_lines(reminder, recipient_id=reminder.recipient_id))
    if not total:
        return None
    link = external_url("items.mine")
    if reminder.kind == ReminderKind.ESCALATION:
        return ngettext(
            "Policy Tracker: %(num)d overdue item was escalated to you. %(link)s",
            "Policy Tracker: %(num)d overdue items were escalated to you. %(link)s",
            total,
            link=link,
        )
    return ngettext(
        "Policy Tracker: your supervisor asks for an update on %(num)d item. %(link)s",
        "Policy Tracker: your supervisor asks for an update on %(num)d items. %(link)s",
        total,
        link=link,
    )


def _summary(reminder: Reminder, name: str) -> tuple[str, str] | None:
    today = reminder.period_on
    soon = today + timedelta(days=current_app.config["TRACKER_AMBER_DAYS"])
    mine = select(ActionItem).where(
        ActionItem.department_id == reminder.department_id,
        ActionItem.status.in_(OPEN),
        ActionItem.directive_id.in_(published_directives()),
    )
    overdue = mine.where(ActionItem.due_on < today)
    due_soon = mine.where(ActionItem.due_on >= today, ActionItem.due_on <= soon)
    counts = [_count(overdue), _count(due_soon)]
    if not any(counts):
        return None
    title = _(
        "%(department)s: the day's deadlines, %(day)s", department=name, day=format_date(today)
    )
    text = [f"### {title}"]
    for query, count, heading in (
        (overdue, counts[0], _("Overdue: %(num)d", num=counts[0])),
        (
            due_soon,
            counts[1],
            _("Due within %(days)d days: %(num)d", days=(soon - today).days, num=counts[1]),
        ),
    ):
        if count:
            first = _first(query)
            text += [f"**{heading}**", *_listed(first, today, total=count)]
    link = external_url("items.index", department=reminder.department_id)
    every = _("Every item of the department")
    text.append(f"[{every}]({link})")
    return title, "\n\n".join(text)


def _first(query) -> list[ActionItem]:
    return db.session.scalars(
        query.options(joinedload(ActionItem.responsible))
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(LISTED)
    ).all()


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _listed(items: list[ActionItem], today, total: int) -> list[str]:
    """A markdown line per item: its title linked, who answers for it, when it is due."""
    lines = []
    for item in items[:LISTED]:
        who = item.responsible.name if item.responsible else _("unassigned")
        if item.due_on is None:
            when = _("no due date")
        elif item.due_on < today:
            days = (today - item.due_on).days
            when = ngettext("overdue by %(num)d day", "overdue by %(num)d days", days)
        else:
            when = _("due %(date)s", date=format_date(item.due_on))
        link = external_url("items.detail", item_id=item.id)
        lines.append(f"- [{_markdown(item.title)}]({link}) · {_markdown(who)} · {when}")
    rest = total - len(items[:LISTED])
    if rest > 0:
        lines.append(ngettext("and %(num)d more", "and %(num)d more", rest))
    return ["\n".join(lines)]


def _open_items_of_lines(reminder: Reminder, *, department_id=None, recipient_id=None):
    """The open items a message is about: the day's escalation lines, or the lines of the
    request (催办) it goes with; for a robot, those of its department."""
    lines = select(ReminderLine.item_id).where(ReminderLine.dropped.is_(False))
    if reminder.kind == ReminderKind.ESCALATION:
        lines = lines.where(
            ReminderLine.reason == LineReason.ESCALATION,
            ReminderLine.planned_on == reminder.period_on,
        )
        if recipient_id is not None:
            lines = lines.where(ReminderLine.recipient_id == recipient_id)
    else:  # a request: the lines of the emails of the same request, by its batch
        batch = reminder.key.rsplit(":", 1)[-1]
        emails = select(Reminder.id).where(
            Reminder.kind == ReminderKind.REQUEST, Reminder.key.like(f"request:%:{batch}")
        )
        lines = lines.where(
            ReminderLine.reason == LineReason.REQUESTED, ReminderLine.reminder_id.in_(emails)
        )
        if recipient_id is not None:
            lines = lines.where(ReminderLine.recipient_id == recipient_id)
    query = select(ActionItem).where(ActionItem.id.in_(lines), ActionItem.status.in_(OPEN))
    if department_id is not None:
        query = query.where(ActionItem.department_id == department_id)
    return query


def _markdown(text: str) -> str:
    """Plain text inside markdown: the characters that would make a link or emphasis."""
    for char in "\\[]()*_`#<>|":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
